/**
 * A Redis Cluster on loopback: N masters with R replicas each, created with
 * `redis-cli --cluster create`, resolved once every node reports cluster_state:ok and
 * agrees on the slot map.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { StartError } from '../core/errors.js';
import { redisOnce } from '../redis/once.js';
import { requireBinary } from './binaries.js';
import { redisInfo, waitUntil } from './info.js';
import { stopAll } from './local-stack.js';
import type { PortAllocator } from './ports.js';
import { type RedisNode, startRedisServer } from './redis.js';
import type { NodeExtras } from './replication.js';

export interface ClusterOptions {
  ports: PortAllocator;
  dir: string;
  masters?: number;
  replicasPerMaster?: number;
  nodeTimeoutMs?: number;
  password?: string;
  redis?: NodeExtras;
  readyTimeoutMs?: number;
}

export interface ClusterHandle {
  nodes: RedisNode[];
  seeds: Array<{ host: string; port: number }>;
  password?: string;
  stop(): Promise<void>;
}

/** `CLUSTER INFO` as a record. */
export async function clusterInfo(port: number, password?: string, host = '127.0.0.1', user?: string): Promise<Record<string, string>> {
  const r = await redisOnce(port, ['CLUSTER', 'INFO'], { host, password, user, timeoutMs: 1000 });
  const out: Record<string, string> = {};
  for (const line of String(r).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export async function startCluster(o: ClusterOptions): Promise<ClusterHandle> {
  const masters = o.masters ?? 3;
  const replicas = o.replicasPerMaster ?? 1;
  if (masters < 3) throw new StartError('a Redis Cluster needs at least 3 masters: use --masters 3 or more');
  const cli = requireBinary('redis-cli');
  const nodes: RedisNode[] = [];
  try {
    const total = masters * (1 + replicas);
    for (let i = 0; i < total; i++) {
      const port = await o.ports.take();
      // The bus port comes from the allocator too: the default (port + 10000) may be
      // another namespace's port, and a reused bus port can merge two clusters.
      const busPort = await o.ports.take();
      nodes.push(
        await startRedisServer({
          ...o.redis,
          config: { ...o.redis?.config, 'cluster-port': busPort },
          port,
          dir: join(o.dir, `node-${port}`),
          password: o.password,
          cluster: true,
          clusterNodeTimeoutMs: o.nodeTimeoutMs,
        }),
      );
    }
    const env: Record<string, string> = {};
    if (o.password) env.REDISCLI_AUTH = o.password; // never on argv
    const create = await execa(
      cli,
      ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'],
      { env, reject: false, timeout: 60_000 },
    );
    if (create.exitCode !== 0)
      throw new StartError(`redis-cli --cluster create failed: ${(create.stderr || create.stdout).split('\n').slice(-3).join(' | ')}`);
    await waitUntil(
      'every cluster node to report cluster_state:ok with all slots assigned',
      async () => {
        for (const n of nodes) {
          const info = await clusterInfo(n.port, o.password);
          if (info.cluster_state !== 'ok' || info.cluster_slots_ok !== '16384' || Number(info.cluster_known_nodes) !== total) return false;
        }
        return true;
      },
      o.readyTimeoutMs ?? 30_000,
      100,
    );
    await waitUntil(
      'every cluster replica to sync with its master',
      async () => {
        for (const n of nodes) {
          const rep = await redisInfo(n.port, 'replication', { password: o.password });
          if (rep.role === 'slave' && rep.master_link_status !== 'up') return false;
        }
        return true;
      },
      o.readyTimeoutMs ?? 30_000,
      100,
    );
    return {
      nodes,
      seeds: nodes.map((n) => ({ host: n.host, port: n.port })),
      password: o.password,
      stop: () => stopAll(nodes),
    };
  } catch (err) {
    await stopAll(nodes);
    throw err;
  }
}
