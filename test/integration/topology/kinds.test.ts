import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { heal, networkFault, waitFor } from '../../../lib/faults/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { startTopology } from '../../../lib/topology/index.js';
import type { Topology } from '../../../lib/topology/types.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { alive } from '../../support/processes.js';
import { waitUntil } from '../../support/wait.js';

function pids(t: Topology): number[] {
  return [...t.nodes.map((n) => n.process?.pid), ...t.sentinels.map((s) => s.process?.pid), t.haproxy?.process?.pid].filter(
    (p): p is number => typeof p === 'number',
  );
}

describe('topology kinds start and stop with no orphan (real processes)', () => {
  it('standalone behind a fault proxy, with maxmemory, policy, AOF and an ACL user', async () => {
    const t = await startTopology(
      { kind: 'standalone', maxmemory: '32mb', maxmemoryPolicy: 'allkeys-lru', aof: true, password: 'pw-top-1', aclUser: 'drill' },
      { ports, dir: tmpDir('standalone') },
    );
    const all = pids(t);
    try {
      const n = t.node('primary');
      expect(n.proxyPort).not.toBe(n.port);
      expect(t.endpoint).toEqual({ kind: 'direct', host: '127.0.0.1', port: n.proxyPort });
      const c = new Redis({ port: n.proxyPort, username: 'drill', password: 'pw-top-1', lazyConnect: true, maxRetriesPerRequest: 0 });
      await c.connect();
      await c.set(`${namespace.keyPrefix}k`, 'v');
      expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await c.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
      c.disconnect();
      const st = await t.status();
      expect(st.primary).toBe('primary');
      expect(st.nodes[0]?.memoryPct).toBeGreaterThan(0);
      expect(st.nodes[0]?.keys).toBe(1);
    } finally {
      await t.stop();
    }
    expect(all.filter(alive)).toEqual([]);
  });

  it('primary + 2 replicas replicate through the primary proxy; status reports the fields', async () => {
    const t = await startTopology(
      { kind: 'replicas', replicas: 2, replBacklogSize: '2mb', minReplicasToWrite: 1 },
      { ports, dir: tmpDir('repl') },
    );
    const all = pids(t);
    try {
      expect(t.nodes.map((n) => n.name)).toEqual(['primary', 'replica-1', 'replica-2']);
      const st = await t.status();
      const p = st.nodes.find((n) => n.name === 'primary');
      expect(p?.role).toBe('master');
      expect(p?.connectedReplicas).toBe(2);
      expect(p?.syncFull).toBe(2);
      for (const r of st.nodes.filter((n) => n.name !== 'primary')) {
        expect(r.role).toBe('replica');
        expect(r.masterLinkStatus).toBe('up');
        expect(r.masterAddr).toBe(`127.0.0.1:${t.node('primary').proxyPort}`);
        expect(typeof r.offset).toBe('number');
        expect(r.syncPartialOk).toBe(0);
      }
      // the replication links go through the primary's proxy
      const classes = t.node('primary').proxy?.connectionClasses() ?? [];
      expect(classes.filter((c) => c === 'replication').length).toBe(2);

      // cut only replica-2's link: replica-1 keeps up, replica-2 falls behind until healed
      await networkFault({ topology: t }, { node: 'primary', peer: 'replica-2', fault: { kind: 'blackhole' } });
      // min-replicas-to-write 1: the primary counts replica-1 as good once its replication
      // cron has seen an ACK (on a loaded machine a moment after the start), then writes pass
      await waitUntil(
        'the primary counting replica-1 as a good replica',
        async () => Number((await redisInfo(t.node('primary').port, 'replication')).min_slaves_good_slaves) >= 1,
        10_000,
      );
      const c = new Redis({ port: t.node('primary').proxyPort, lazyConnect: true });
      await c.connect();
      for (let i = 0; i < 20; i++) await c.set(`${namespace.keyPrefix}peer${i}`, 'x');
      await waitFor({ topology: t }, { condition: { kind: 'caught-up', node: 'replica-1' }, timeoutMs: 5000 });
      const p0 = Number((await redisInfo(t.node('primary').port, 'replication')).master_repl_offset);
      const r2 = Number((await redisInfo(t.node('replica-2').port, 'replication')).slave_repl_offset);
      expect(r2).toBeLessThan(p0);
      await heal({ topology: t }, { node: 'primary' });
      await waitFor({ topology: t }, { condition: { kind: 'caught-up', node: 'replica-2' }, timeoutMs: 10_000 });
      for (let i = 0; i < 20; i++) await c.del(`${namespace.keyPrefix}peer${i}`);
      c.disconnect();
    } finally {
      await t.stop();
    }
    expect(all.filter(alive)).toEqual([]);
  });

  it('a 3-master cluster announces its proxy ports and reports cluster_state ok', async () => {
    const t = await startTopology({ kind: 'cluster', masters: 3, replicasPerMaster: 1 }, { ports, dir: tmpDir('cluster') });
    const all = pids(t);
    try {
      expect(t.nodes).toHaveLength(6);
      expect(t.nodes.filter((n) => n.role === 'master')).toHaveLength(3);
      const st = await t.status();
      expect(st.cluster?.state).toBe('ok');
      expect(st.cluster?.slotsOk).toBe(16384);
      if (t.endpoint.kind !== 'cluster') throw new Error('expected a cluster endpoint');
      expect(t.endpoint.seeds.map((s) => s.port)).toEqual(t.nodes.map((n) => n.proxyPort));
      const c = new Redis.Cluster([t.endpoint.seeds[0] as { host: string; port: number }], { lazyConnect: true });
      await c.connect();
      for (let i = 0; i < 20; i++) await c.set(`${namespace.keyPrefix}c${i}`, String(i));
      const nodes = c.nodes('master').map((n) => n.options.port);
      for (const port of nodes) expect(t.nodes.some((n) => n.proxyPort === port)).toBe(true);
      c.disconnect();
    } finally {
      await t.stop();
    }
    expect(all.filter(alive)).toEqual([]);
  });
});
