/**
 * A cluster partition on real processes: one master cut from the rest at the fault proxies,
 * the cluster bus included (its bus links are named by the sender id of their first message).
 * The majority must mark it failed and promote its replica, while the cut-off master, which
 * still runs, is one the majority cannot reach; after the heal it rejoins as a replica.
 */
import { describe, expect, it } from 'vitest';
import { heal, partition, waitFor } from '../../../lib/faults/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { startTopology, type TopoEvent } from '../../../lib/topology/index.js';
import { ports, tmpDir } from '../../support/namespace.js';

describe('cluster partition (real 3+3 cluster, bus behind fault proxies)', () => {
  it('a master cut from the rest, bus included, is marked failed by the majority and its replica promoted; after the heal it is a replica', async () => {
    const events: TopoEvent[] = [];
    const t = await startTopology(
      { kind: 'cluster', nodeTimeoutMs: 1000 },
      { ports, dir: tmpDir('cluster-partition'), onEvent: (e) => events.push(e) },
    );
    try {
      const m1 = t.node('master-1');
      // its replica: the node whose master is master-1 (by the address it replicates from)
      let itsReplica = '';
      for (const n of t.nodes) {
        const rep = await redisInfo(n.port, 'replication');
        if (rep.role === 'slave' && t.nodeByAddress(String(rep.master_host), Number(rep.master_port)) === m1) itsReplica = n.name;
      }
      expect(itsReplica).toMatch(/^replica-\d$/);
      // every node's bus links go through the bus proxies: connections were accepted there
      for (const n of t.nodes) expect(n.busProxy?.stats().accepted ?? 0, `${n.name} bus proxy`).toBeGreaterThan(0);

      const others = t.nodes.filter((n) => n !== m1).map((n) => n.name);
      const cutAt = Date.now();
      await partition(
        { topology: t },
        {
          sides: [
            { nodes: ['master-1'], sentinels: [], clients: false },
            { nodes: others, sentinels: [], clients: false },
          ],
        },
      );
      await waitFor({ topology: t }, { condition: { kind: 'event', event: '+fail', node: 'master-1' }, timeoutMs: 20_000 });
      await waitFor({ topology: t }, { condition: { kind: 'event', event: '+promoted', node: itsReplica }, timeoutMs: 20_000 });
      const failed = events.find((e) => e.kind === '+fail' && e.node === 'master-1');
      // not before the node timeout: the majority had to stop hearing it first
      expect((failed?.atMs ?? 0) - cutAt).toBeGreaterThanOrEqual(1000);
      // the bus links from the other nodes were held at master-1's bus proxy
      expect(m1.busProxy?.stats().heldUp ?? 0).toBeGreaterThan(0);
      // master-1 still runs and still says master: it is cut off, not crashed
      expect((await redisInfo(m1.port, 'replication')).role).toBe('master');
      expect(m1.process?.running).toBe(true);

      await heal({ topology: t }, {});
      for (const n of t.nodes) for (const p of [n.proxy, n.busProxy]) expect(p?.fault ?? null).toBeNull();
      await waitFor({ topology: t }, { condition: { kind: 'role', node: 'master-1', role: 'replica' }, timeoutMs: 30_000 });
      await waitFor({ topology: t }, { condition: { kind: 'cluster-ok' }, timeoutMs: 30_000 });
    } finally {
      await t.stop();
    }
  });
});
