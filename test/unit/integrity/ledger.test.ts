import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeBlock,
  encodeEnd,
  encodeHeader,
  LedgerWriter,
  type OutcomeCode,
  parseLedger,
  readLedger,
} from '../../../lib/integrity/write/ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'stormdrill-ledger-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const header = { runId: 'r1', mode: 'set', keyPrefix: 'sd:r1:', valueSize: 64, startedAt: '2026-01-01T00:00:00.000Z' };

function shuffleNear(n: number, window: number): number[] {
  // seqs complete nearly in order: swap within a bounded window, like an in-flight window
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = Math.min(n - 1, i + Math.floor(Math.random() * window));
    [a[i], a[j]] = [a[j] as number, a[i] as number];
  }
  return a;
}

describe('ledger', () => {
  it('round-trips every outcome written out of order, with stragglers, across many flushes', () => {
    const path = join(dir, 'roundtrip');
    const w = new LedgerWriter(path, header, 0);
    const n = 50_000;
    const truth = new Map<number, OutcomeCode>();
    const order = shuffleNear(n, 64);
    // one very late straggler far behind, to exercise block splitting
    const late = order.splice(10, 1)[0] as number;
    order.push(late);
    order.forEach((seq, i) => {
      const code = (1 + Math.floor(Math.random() * 3)) as OutcomeCode;
      truth.set(seq, code);
      w.record(seq, code);
      if (i % 997 === 0) w.flush();
    });
    w.close();
    const l = readLedger(path);
    expect(l.header).toEqual(header);
    expect(l.end).not.toBeNull();
    expect(l.outcomes.total).toBe(n);
    for (const [seq, code] of truth) expect(l.outcomes.get(seq)).toBe(code);
    const counts = { acked: 0, failed: 0, unknown: 0 };
    for (const c of truth.values()) counts[c === 1 ? 'acked' : c === 2 ? 'failed' : 'unknown']++;
    expect(l.outcomes.counts).toEqual(counts);
    expect(l.end).toMatchObject(counts);
  });

  it('costs about 2 bits per write (100M writes fit in a few tens of MiB)', () => {
    const path = join(dir, 'size');
    const w = new LedgerWriter(path, header, 0);
    const n = 400_000;
    for (let s = 0; s < n; s++) {
      w.record(s, 1);
      if (s % 250 === 249) w.flush(); // 250 outcomes per 5 ms flush = 50k writes/s
    }
    w.close();
    const bitsPerWrite = (readFileSync(path).length * 8) / n;
    expect(bitsPerWrite).toBeLessThan(3);
    expect((bitsPerWrite * 100e6) / 8 / 1024 / 1024).toBeLessThan(40);
  });

  it('never overwrites an existing ledger', () => {
    const path = join(dir, 'exists');
    new LedgerWriter(path, header, 0).close();
    expect(() => new LedgerWriter(path, header, 0)).toThrow(/already exists/);
  });

  it('reads a ledger without an end record (a killed writer) and reports it', () => {
    const buf = Buffer.concat([encodeHeader(header), encodeBlock(0, Uint8Array.from([1, 1, 3, 0, 2]))]);
    const l = parseLedger(buf, 'x');
    expect(l.end).toBeNull();
    expect([0, 1, 2, 3, 4].map((s) => l.outcomes.get(s))).toEqual([1, 1, 3, 0, 2]);
    expect(l.outcomes.total).toBe(4);
  });

  it('with allowTruncated reads the intact blocks and says how many outcomes the cut took', () => {
    const head = encodeHeader(header);
    const b1 = encodeBlock(0, Uint8Array.from([1, 1, 2, 3, 1]));
    const b2 = encodeBlock(5, Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 2, 1]));
    const end = encodeEnd({ acked: 11, failed: 2, unknown: 1, endedAt: 'x' });
    const whole = Buffer.concat([head, b1, b2, end]);
    const inBlock = parseLedger(whole.subarray(0, head.length + b1.length + b2.length - 1), 'f', { allowTruncated: true });
    expect(inBlock.outcomes.total).toBe(5);
    expect(inBlock.cut).toEqual({ atByte: head.length + b1.length, what: 'block', recordsCutOff: 9, firstSeq: 5 });
    const inHeader = parseLedger(whole.subarray(0, head.length + b1.length + 5), 'f', { allowTruncated: true });
    expect(inHeader.cut).toEqual({ atByte: head.length + b1.length, what: 'block header', recordsCutOff: null, firstSeq: null });
    const inEnd = parseLedger(whole.subarray(0, whole.length - 2), 'f', { allowTruncated: true });
    expect(inEnd.outcomes.total).toBe(14);
    expect(inEnd.cut).toMatchObject({ what: 'end record', recordsCutOff: 0 });
    expect(parseLedger(whole, 'f', { allowTruncated: true }).cut).toBeNull();
    expect(() => parseLedger(whole.subarray(0, whole.length - 2), 'f')).toThrow(
      /truncated.*audit its intact blocks with --allow-truncated$/,
    );
    expect(() => parseLedger(whole.subarray(0, 20), 'f', { allowTruncated: true })).toThrow(/its header at byte 20 is cut short/);
  });

  it('rejects truncated, corrupt, foreign and other-run ledgers with one line each', () => {
    const good = Buffer.concat([
      encodeHeader(header),
      encodeBlock(0, Uint8Array.from([1, 2, 3])),
      encodeEnd({ acked: 1, failed: 1, unknown: 1, endedAt: 'x' }),
    ]);
    expect(parseLedger(good, 'g').outcomes.total).toBe(3);
    const blockStart = encodeHeader(header).length;
    const cases: Array<[Buffer, RegExp]> = [
      [good.subarray(0, blockStart + 5), /truncated/],
      [good.subarray(0, good.length - 3), /truncated/],
      [good.subarray(0, 20), /truncated/],
      [Buffer.from('hello world, not a ledger at all'), /not a stormdrill ledger/],
      [Buffer.concat([good, encodeBlock(9, Uint8Array.from([1]))]), /after its end record/],
    ];
    const corrupt = Buffer.from(good);
    corrupt[blockStart + 15] = (corrupt[blockStart + 15] as number) ^ 0xff;
    cases.push([corrupt, /corrupt/]);
    const v2 = Buffer.from(good);
    v2.writeUInt16LE(2, 8);
    cases.push([v2, /version 2 ledger/]);
    for (const [buf, re] of cases) {
      let msg = '';
      try {
        parseLedger(buf, 'f');
      } catch (e) {
        msg = (e as Error).message;
        expect((e as Error).name).toBe('UserError');
      }
      expect(msg).toMatch(re);
      expect(msg.split('\n')).toHaveLength(1);
    }
    expect(() => parseLedger(good, 'g', { runId: 'r2' })).toThrow(/from run r1, not r2/);
  });
});
