/**
 * A cluster master killed with kill -9 while the writer runs: the writer keeps writing
 * to the other masters' slots' keys as soon as its turn comes, re-reads the slot map, and
 * follows the promoted replica; the window shows the outage.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit, startWriter } from '../../../lib/integrity/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { waitClusterOk } from '../../../lib/topology/start.js';
import type { Topology } from '../../../lib/topology/types.js';
import { namespace, tmpDir } from '../../support/namespace.js';
import { startTestTopology } from '../../support/topology.js';
import { waitMoreAcks } from '../../support/wait.js';

let cluster: Topology;

beforeAll(async () => {
  cluster = await startTestTopology({ kind: 'cluster', masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000, faultProxies: false });
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
    await waitMoreAcks(writer, 500);
    await victim.process?.crash();
    const survivor = cluster.nodes.find((n) => n !== victim) as (typeof cluster.nodes)[number];
    // a replica took over the victim's slots: every live node says ok, no slot on a dead master
    await waitClusterOk(cluster, 20_000);
    const at = await waitMoreAcks(writer, 500);
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
