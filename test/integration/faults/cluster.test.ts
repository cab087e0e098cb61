import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { clusterFailover, crash, waitFor } from '../../../lib/faults/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { startTopology, type TopoEvent } from '../../../lib/topology/index.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

describe('cluster faults (real 3+3 cluster behind fault proxies)', () => {
  it('CLUSTER FAILOVER promotes a replica; a crashed master is replaced and cluster_state returns to ok', async () => {
    const events: TopoEvent[] = [];
    const t = await startTopology(
      { kind: 'cluster', nodeTimeoutMs: 1000 },
      { ports, dir: tmpDir('cluster-faults'), onEvent: (e) => events.push(e) },
    );
    try {
      const replica = t.nodes.find((n) => n.role === 'replica');
      if (!replica) throw new Error('no replica');
      // the master it replicates: after the switch, that node is its replica and takes over when it crashes
      const rep = await redisInfo(replica.port, 'replication');
      const itsMaster = t.nodeByAddress(rep.master_host as string, Number(rep.master_port));
      if (!itsMaster) throw new Error(`no node at ${rep.master_host}:${rep.master_port}`);
      const res = await clusterFailover({ topology: t }, { to: replica.name, timeoutMs: 20_000 });
      expect(res.detail.to).toBe(replica.name);
      expect((await redisInfo(replica.port, 'replication')).role).toBe('master');

      // the watcher sees the planned promotion (gossip reaches the polled node shortly after)
      if (!events.some((e) => e.kind === '+promoted' && e.node === replica.name))
        await waitFor({ topology: t }, { condition: { kind: 'event', event: '+promoted', node: replica.name }, timeoutMs: 5000 });

      // a cluster client follows the announced proxy addresses
      if (t.endpoint.kind !== 'cluster') throw new Error('cluster endpoint expected');
      const c = new Redis.Cluster(t.endpoint.seeds, { lazyConnect: true, redisOptions: { commandTimeout: 1000 } });
      await c.connect();
      for (let i = 0; i < 30; i++) await c.set(`${namespace.keyPrefix}{k${i}}`, String(i));

      // crash the promoted master: its old master (now its replica) takes over
      await crash({ topology: t }, { node: replica.name });
      await waitFor({ topology: t }, { condition: { kind: 'cluster-ok' }, timeoutMs: 25_000 });
      const st = await t.status();
      expect(st.cluster?.state).toBe('ok');
      expect(st.nodes.filter((n) => n.up && n.role === 'master')).toHaveLength(3);
      // the cluster watcher saw the crashed master fail and its replica take over
      const failed = events.find((e) => e.kind === '+fail' && e.node === replica.name);
      expect(failed).toBeDefined();
      const takeoverSeen = () => events.find((e) => e.kind === '+promoted' && e.atMs >= (failed?.atMs ?? 0));
      // the watcher polls every 200 ms: the promotion may be reported just after cluster-ok
      if (!takeoverSeen()) await waitFor({ topology: t }, { condition: { kind: 'event', event: '+promoted' }, timeoutMs: 5000 });
      const takeover = takeoverSeen();
      expect(takeover?.node, JSON.stringify(events.filter((e) => e.kind === '+promoted'))).toBe(itsMaster.name);
      for (let i = 0; i < 30; i++) await c.del(`${namespace.keyPrefix}{k${i}}`);
      c.disconnect();
    } finally {
      await t.stop();
    }
  });
});
