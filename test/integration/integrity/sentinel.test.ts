/**
 * Through Sentinel: the writer finds the master, follows a failover (the primary killed
 * with kill -9), measures the write and read windows, and the audit against the new
 * master accounts for every attempted write.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit, runFill, startWriter } from '../../../lib/integrity/index.js';
import type { TopoEvent, Topology } from '../../../lib/topology/types.js';
import { namespace, tmpDir } from '../../support/namespace.js';
import { startTestTopology, viaSentinels } from '../../support/topology.js';
import { waitMoreAcks, waitNewMaster } from '../../support/wait.js';

let group: Topology;
const events: TopoEvent[] = [];
const viaSentinel = () => viaSentinels(group);

beforeAll(async () => {
  group = await startTestTopology(
    { kind: 'sentinel', replicas: 1, sentinels: 3, downAfterMs: 1000, failoverTimeoutMs: 5000, faultProxies: false },
    { onEvent: (e) => events.push(e) },
  );
});

describe('integrity through Sentinel', () => {
  it('fills the master the Sentinels name', async () => {
    const r = await runFill({ runId: namespace.runId, keys: 5000, connection: viaSentinel() });
    expect(r.errors).toBe(0);
    expect(r.target).toBe(`127.0.0.1:${group.node('primary').port}`);
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
    await waitMoreAcks(writer, 300);
    const killedAt = Date.now();
    const old = group.node('primary');
    await old.process?.crash();
    const promoted = await waitNewMaster(group, old, 30_000);
    const newMaster = `${promoted.host}:${promoted.port}`;
    const ackedAtSwitch = await waitMoreAcks(writer, 300);
    const r = await writer.stop();
    expect(r.acked).toBeGreaterThanOrEqual(ackedAtSwitch + 300);
    expect(r.target).toBe(newMaster);
    // it moved once, to the promoted replica, and took writes there soon after Sentinel announced it
    expect(changes).toEqual([newMaster]);
    const switched = events.find((e) => e.kind === '+switch-master');
    expect(switched, JSON.stringify(events.map((e) => e.kind))).toBeDefined();
    // one write window: from the kill until the new master took writes, i.e. at least the down-after time
    expect(r.writeWindows).toHaveLength(1);
    const w = r.writeWindows[0] as (typeof r.writeWindows)[number];
    expect(w.open).toBeUndefined();
    expect(w.startMs).toBeGreaterThanOrEqual(killedAt - 600);
    expect(w.durationMs).toBeGreaterThan(900);
    // the writer's backoff is at most 500 ms; 2 s leaves room for a loaded machine
    expect(w.endMs - (switched as TopoEvent).atMs).toBeLessThan(2000);
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
