import { describe, expect, it } from 'vitest';
import { formatWrite } from '../../../lib/integrity/format.js';
import { AckLog, firstAbsent } from '../../../lib/integrity/write/split.js';
import { WindowTracker } from '../../../lib/integrity/write/windows.js';
import type { WriteResult } from '../../../lib/integrity/write/writer.js';

describe('split window', () => {
  it('finds where a prefix of present writes ends, with few probes, for every length of the lost tail', async () => {
    for (const n of [0, 1, 2, 7, 1000]) {
      for (const lost of [0, 1, 2, 3, 5, n]) {
        if (lost > n) continue;
        let probes = 0;
        const f = await firstAbsent(n, async (i) => {
          probes++;
          return i < n - lost;
        });
        expect(f).toBe(n - lost);
        expect(probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 2)) + 2);
      }
    }
  });

  it('keeps the last acknowledged writes in order, dropping the oldest beyond its capacity', () => {
    const log = new AckLog(8);
    for (let s = 0; s < 20; s++) log.push(s, 1000 + s);
    expect(log.length).toBe(8);
    expect(Array.from({ length: 8 }, (_, i) => log.seqAt(i))).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(log.sentAt(0)).toBe(1012);
  });

  it('backdates the write window to the first write the old master took alone', () => {
    const w = new WindowTracker();
    w.failure(5000, 'SWITCH');
    expect(w.success(5001, 5010)).toMatchObject({ startMs: 5000, durationMs: 10 });
    w.backdate(4000, 'SPLIT', 990);
    expect(w.windows(6000)).toEqual([{ startMs: 4000, endMs: 5010, durationMs: 1010, errors: { SWITCH: 1, SPLIT: 990 } }]);
    expect(w.errorTotals).toEqual({ SWITCH: 1, SPLIT: 990 });
  });

  it('names --no-follow-switch-master and the split window in the summary', () => {
    const r = {
      attempted: 3000,
      acked: 2990,
      failed: 0,
      unknown: 10,
      durationSeconds: 3,
      ackedPerSecond: 996,
      latencyMs: { p99: 1 },
      writeWindows: [],
      writeUnavailableMs: 0,
      reads: { ok: 0, failed: 0 },
      readWindows: [],
      readUnavailableMs: 0,
      ledgerPath: 'l',
      ledgerBytes: 0,
      followSwitchMaster: false,
      switches: [
        {
          from: '127.0.0.1:7001',
          to: '127.0.0.1:7002',
          reason: 'not-followed',
          atMs: 0,
          firstWriteMs: null,
          splitWrites: 1500,
        },
      ],
      splitWindow: { writes: 1500, switches: 1 },
    } as unknown as WriteResult;
    const text = formatWrite(r);
    expect(text).toMatch(/master switches: 1 \(--no-follow-switch-master: \+switch-master not followed\); split window: 1,?500 write\(s\)/);
    expect(text).toMatch(/127\.0\.0\.1:7001 → 127\.0\.0\.1:7002 \(not-followed\); split 1,?500 write\(s\)/);
  });
});
