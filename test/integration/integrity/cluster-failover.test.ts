/**
 * A cluster master killed with kill -9 while the writer runs: the writer keeps writing
 * to the other masters' slots' keys as soon as its turn comes, re-reads the slot map, and
 * follows the promoted replica; the window shows the outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, startWriter } from '../../../lib/integrity/index.js';
import { type ClusterHandle, clusterInfo, startCluster } from '../../../lib/stack/cluster.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

let cluster: ClusterHandle;

beforeAll(async () => {
  cluster = await startCluster({ ports, dir: tmpDir('cluster'), masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 });
});
afterAll(async () => {
  await cluster?.stop();
});

describe('writer on a cluster through a master failover', () => {
  it('follows the promoted replica after kill -9 of a master', async () => {
    const masters = [];
    for (const n of cluster.nodes) if ((await redisInfo(n.port, 'replication')).role === 'master') masters.push(n);
    const victim = masters[1] ?? masters[0];
    if (!victim) throw new Error('no master found');
    const seed = masters.find((m) => m !== victim) ?? cluster.nodes[0];
    const ledgerPath = `${tmpDir('ledger')}/ledger`;
    const writer = await startWriter({
      runId: `${namespace.runId}-cfo`,
      ledgerPath,
      rate: 1000,
      concurrency: 8,
      timeoutMs: 500,
      connection: { port: seed?.port, cluster: true },
    });
    await new Promise((r) => setTimeout(r, 500));
    await victim.process.crash();
    const survivor = cluster.nodes.find((n) => n !== victim) as (typeof cluster.nodes)[number];
    let ok = false;
    for (let i = 0; i < 200 && !ok; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ok = (await clusterInfo(survivor.port).catch(() => ({ cluster_state: 'fail' }))).cluster_state === 'ok';
    }
    expect(ok).toBe(true);
    const at = writer.snapshot().acked;
    for (let i = 0; i < 200 && writer.snapshot().acked < at + 500; i++) await new Promise((r) => setTimeout(r, 50));
    const r = await writer.stop();
    expect(r.acked).toBeGreaterThan(at + 400);
    // the outage of the victim's slots until the replica took over; writes to the other
    // masters' slots may close a window for a moment (the writer goes on with them)
    expect(r.writeWindows.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...r.writeWindows.map((w) => w.durationMs))).toBeGreaterThan(500);
    expect(r.writeWindows.every((w) => !w.open)).toBe(true);
    expect(r.writeUnavailableMs).toBeGreaterThan(500);
    const a = await runAudit({ ledgerPath, connection: { port: survivor.port, cluster: true }, allowLoss: 1_000_000 });
    expect(a.acked).toBe(r.acked);
    expect(a.ackedOk + a.ackedLost + a.ackedCorrupt).toBe(r.acked);
    expect(a.ackedCorrupt).toBe(0);
    expect(a.ackedLost).toBeLessThan(200);
  });
});
