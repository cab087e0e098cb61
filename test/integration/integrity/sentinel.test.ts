/**
 * Through Sentinel: the writer finds the master, follows a failover (the primary killed
 * with kill -9), measures the write and read windows, and the audit against the new
 * master accounts for every attempted write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, runFill, startWriter } from '../../../lib/integrity/index.js';
import { type SentinelGroup, startSentinelGroup } from '../../../lib/stack/sentinel.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

let group: SentinelGroup;
const viaSentinel = () => ({ sentinels: group.sentinels.map((s) => `127.0.0.1:${s.port}`), masterName: group.masterName });

beforeAll(async () => {
  group = await startSentinelGroup({
    ports,
    dir: tmpDir('sentinel'),
    replicas: 1,
    sentinels: 3,
    downAfterMs: 1000,
    failoverTimeoutMs: 5000,
  });
});
afterAll(async () => {
  await group?.stop();
});

describe('integrity through Sentinel', () => {
  it('fills the master the Sentinels name', async () => {
    const r = await runFill({ runId: namespace.runId, keys: 5000, connection: viaSentinel() });
    expect(r.errors).toBe(0);
    expect(r.target).toBe(`127.0.0.1:${group.primary.port}`);
  });

  it('follows a failover after kill -9 of the primary and measures how long writes and reads were unavailable', async () => {
    const ledgerPath = `${tmpDir('ledger')}/ledger`;
    const writer = await startWriter({
      runId: `${namespace.runId}-fo`,
      ledgerPath,
      rate: 1000,
      concurrency: 8,
      timeoutMs: 500,
      readRate: 100,
      connection: viaSentinel(),
    });
    const changes: string[] = [];
    writer.on('masterChanged', (c) => changes.push(c.to));
    await new Promise((r) => setTimeout(r, 500));
    const killedAt = Date.now();
    await group.primary.process.crash();
    const deadline = Date.now() + 30_000;
    let newMaster = '';
    while (Date.now() < deadline) {
      const m = await group.currentMaster().catch(() => null);
      if (m && m.port !== group.primary.port) {
        newMaster = `${m.host}:${m.port}`;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(newMaster).not.toBe('');
    const ackedAtSwitch = writer.snapshot().acked;
    for (let i = 0; i < 100 && writer.snapshot().acked < ackedAtSwitch + 300; i++) await new Promise((r) => setTimeout(r, 50));
    const r = await writer.stop();
    expect(r.acked).toBeGreaterThan(ackedAtSwitch + 200);
    expect(r.target).toBe(newMaster);
    expect(changes).toContain(newMaster);
    // one write window: from the kill until the new master took writes, i.e. at least the down-after time
    expect(r.writeWindows).toHaveLength(1);
    const w = r.writeWindows[0] as (typeof r.writeWindows)[number];
    expect(w.open).toBeUndefined();
    expect(w.startMs).toBeGreaterThanOrEqual(killedAt - 600);
    expect(w.durationMs).toBeGreaterThan(900);
    expect(Object.keys(w.errors).length).toBeGreaterThan(0);
    expect(r.readWindows.length).toBeGreaterThanOrEqual(1);
    const a = await runAudit({ ledgerPath, connection: viaSentinel(), allowLoss: 1_000_000 });
    expect(a.target).toContain('sentinel');
    expect(a.acked).toBe(r.acked);
    expect(a.ackedOk + a.ackedLost + a.ackedCorrupt).toBe(r.acked);
    expect(a.failedPresent + a.failedAbsent).toBe(r.failed);
    expect(a.unknownPresent + a.unknownAbsent).toBe(r.unknown);
    expect(a.ackedCorrupt).toBe(0);
    // asynchronous replication: what the old primary acknowledged but had not shipped is lost, nothing more
    expect(a.ackedLost).toBeLessThan(200);
  });
});
