/**
 * cluster-minority-master with `drill run --target redis-cluster://…` against a 3+3 cluster
 * this test started itself, every node on a loopback address of its own and no fault
 * proxies: the drill cuts master-1 and its writer from the rest by address (client and bus
 * links alike), the majority promotes master-1's replica (its events seen through a node of
 * the majority), and the loss is exactly what master-1 acknowledged while cut. The settings
 * are the target's own (CONFIG SET here), read by the drill when it attaches.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { redisOnce } from '../../../lib/redis/once.js';
import { clusterInfo } from '../../../lib/stack/cluster.js';
import type { Topology } from '../../../lib/topology/types.js';
import { addressBlock } from '../../support/namespace.js';
import { announceAddressCuts, runTargetDrill, startTestTopology } from '../../support/topology.js';
import { waitUntil } from '../../support/wait.js';

const COUNT = 400;
const RATE = 50;
let cluster: Topology;
let target: string;

async function onEveryNode(args: string[]): Promise<void> {
  for (const n of cluster.nodes) await redisOnce(n.port, ['CONFIG', 'SET', ...args], { host: n.host });
}

/** cluster_state:ok on every node, each seeing 3 masters and no failure flag. */
async function clusterWhole(): Promise<void> {
  await waitUntil(
    'the cluster whole again',
    async () => {
      for (const n of cluster.nodes) {
        if ((await clusterInfo(n.port, { host: n.host })).cluster_state !== 'ok') return false;
        const nodes = String(await redisOnce(n.port, ['CLUSTER', 'NODES'], { host: n.host }));
        if (/fail/.test(nodes) || nodes.split('\n').filter((l) => / (myself,)?master /.test(l)).length !== 3) return false;
      }
      return true;
    },
    30_000,
    100,
  );
}

const cuts = await announceAddressCuts('cluster-minority-master with --target');

describe.skipIf(!cuts)('cluster-minority-master with --target, cut by address', () => {
  beforeAll(async () => {
    cluster = await startTestTopology({
      kind: 'cluster',
      masters: 3,
      replicasPerMaster: 1,
      nodeTimeoutMs: 2000,
      faultProxies: false,
      addressBlock,
    });
    const seed = cluster.nodes[0] as { host: string; port: number };
    target = `redis-cluster://${seed.host}:${seed.port}`;
  });

  it.each([
    { nodeTimeoutMs: 2000, readsWhenDown: false },
    { nodeTimeoutMs: 5000, readsWhenDown: true },
  ])(
    'cluster-node-timeout $nodeTimeoutMs ms, reads when down $readsWhenDown: the loss is exactly what the cut-off master acknowledged',
    async ({ nodeTimeoutMs, readsWhenDown }) => {
      await clusterWhole();
      await onEveryNode(['cluster-node-timeout', String(nodeTimeoutMs)]);
      await onEveryNode(['cluster-allow-reads-when-down', readsWhenDown ? 'yes' : 'no']);
      const report = await runTargetDrill(cluster, 'cluster-minority-master', target, `cluster-${nodeTimeoutMs}`, [
        `count=${COUNT}`,
        `rate=${RATE}`,
      ]);
      const f = report.clusterPartition;
      if (!f) throw new Error('no clusterPartition figures in the report');
      // the target's own settings, read when the drill attached
      expect(f.nodeTimeoutMs).toBe(nodeTimeoutMs);
      expect(f.allowReadsWhenDown).toBe(readsWhenDown);
      expect(f.ackedWhileCut + f.refusedWhileCut + f.unknownWhileCut).toBe(COUNT);
      expect(f.ackedWhileCut).toBeGreaterThan(0);
      expect(f.refusedWhileCut).toBeGreaterThan(0);
      expect(report.audit?.acked).toBe(f.ackedWhileCut);
      expect(report.ackedLost).toBe(f.ackedWhileCut);
      expect(f.acceptedWritesMs as number).toBeGreaterThanOrEqual(nodeTimeoutMs - 500);
      expect(f.acceptedWritesMs as number).toBeLessThanOrEqual(2 * nodeTimeoutMs + 1000);
      if (readsWhenDown) expect(f.readsWhileCut.failed).toBe(0);
      else expect(f.readsWhileCut.failed).toBeGreaterThan(0);
      // the promotion was seen while master-1 was still cut off (through a node of the majority)
      const ev = report.events;
      const healAt = ev.find((e) => e.kind === 'heal' && e.source !== 'step')?.atMs ?? 0;
      expect(ev.find((e) => e.kind === '+promoted')?.atMs ?? Number.POSITIVE_INFINITY).toBeLessThan(healAt);
      expect(
        ev
          .filter((e) => e.kind === 'cut')
          .map((e) => e.node)
          .sort(),
      ).toEqual(['master-1', 'master-2', 'master-3', 'replica-1', 'replica-2', 'replica-3']);
      expect(report.checks.every((c) => c.ok)).toBe(true);
    },
  );
});
