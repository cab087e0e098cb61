import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { clusterInfo, startCluster } from '../../../lib/stack/cluster.js';
import { redisInfo, waitUntil } from '../../../lib/stack/info.js';
import { startReplicationGroup } from '../../../lib/stack/replication.js';
import { startSentinelGroup } from '../../../lib/stack/sentinel.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

describe('stack topologies (real processes)', () => {
  it('starts a primary with 2 replicas in sync, password kept out of argv', async () => {
    const g = await startReplicationGroup({ ports, dir: tmpDir('repl'), replicas: 2, password: 's3cret-pw' });
    try {
      const info = await redisInfo(g.primary.port, 'replication', { password: 's3cret-pw' });
      expect(info.role).toBe('master');
      expect(info.connected_slaves).toBe('2');
      const { readFileSync } = await import('node:fs');
      const cmdline = readFileSync(`/proc/${g.primary.process.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain('s3cret-pw');
      const c = new Redis({ port: g.primary.port, password: 's3cret-pw', lazyConnect: true });
      await c.connect();
      await c.set(`${namespace.keyPrefix}x`, '1');
      await c.wait(2, 2000);
      c.disconnect();
      const r = new Redis({ port: g.replicas[1]?.port, password: 's3cret-pw', lazyConnect: true });
      await r.connect();
      expect(await r.get(`${namespace.keyPrefix}x`)).toBe('1');
      r.disconnect();
    } finally {
      await g.stop();
    }
  });

  it('a Sentinel group fails over when the primary is killed with kill -9', async () => {
    const g = await startSentinelGroup({ ports, dir: tmpDir('sentinel'), replicas: 1, downAfterMs: 500, failoverTimeoutMs: 5000 });
    try {
      const before = await g.currentMaster();
      expect(before.port).toBe(g.primary.port);
      await g.primary.process.crash();
      await waitUntil('sentinel to promote the replica', async () => (await g.currentMaster()).port === g.replicas[0]?.port, 30_000, 100);
      const info = await redisInfo(g.replicas[0]?.port as number, 'replication');
      expect(info.role).toBe('master');
    } finally {
      await g.stop();
    }
  });

  it('a 3-master cluster with replicas reports cluster_state:ok', async () => {
    const c = await startCluster({ ports, dir: tmpDir('cluster'), masters: 3, replicasPerMaster: 1 });
    try {
      expect(c.nodes).toHaveLength(6);
      const info = await clusterInfo(c.nodes[0]?.port as number);
      expect(info.cluster_state).toBe('ok');
      expect(info.cluster_size).toBe('3');
    } finally {
      await c.stop();
    }
  });
});
