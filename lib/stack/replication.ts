/** A primary with N replicas on loopback, resolved when every replica is in sync. */
import { join } from 'node:path';
import { StartError } from '../core/errors.js';
import { redisInfo, waitUntil } from './info.js';
import { stopAll } from './local-stack.js';
import type { PortAllocator } from './ports.js';
import { type RedisNode, type RedisServerOptions, startRedisServer } from './redis.js';

export type NodeExtras = Omit<RedisServerOptions, 'port' | 'dir' | 'replicaOf' | 'password'>;

export interface ReplicationGroupOptions {
  ports: PortAllocator;
  dir: string;
  replicas: number;
  password?: string;
  redis?: NodeExtras;
  syncTimeoutMs?: number;
}

export interface ReplicationGroup {
  primary: RedisNode;
  replicas: RedisNode[];
  /** Every node, primary first. */
  nodes: RedisNode[];
  password?: string;
  stop(): Promise<void>;
}

/** Start one more replica of `primary` and wait until its link is up. */
export async function addReplica(
  primary: { host: string; port: number },
  o: { ports: PortAllocator; dir: string; password?: string; redis?: NodeExtras; syncTimeoutMs?: number },
): Promise<RedisNode> {
  const port = await o.ports.take();
  const node = await startRedisServer({ ...o.redis, port, dir: join(o.dir, `replica-${port}`), password: o.password, replicaOf: primary });
  try {
    await waitUntil(
      `replica ${port} to sync with ${primary.host}:${primary.port}`,
      async () => (await redisInfo(port, 'replication', { password: o.password })).master_link_status === 'up',
      o.syncTimeoutMs ?? 30_000,
    );
  } catch (err) {
    await node.stop();
    throw new StartError(String((err as Error).message));
  }
  return node;
}

export async function startReplicationGroup(o: ReplicationGroupOptions): Promise<ReplicationGroup> {
  const started: RedisNode[] = [];
  try {
    const primaryPort = await o.ports.take();
    const primary = await startRedisServer({
      ...o.redis,
      port: primaryPort,
      dir: join(o.dir, `primary-${primaryPort}`),
      password: o.password,
    });
    started.push(primary);
    const replicas: RedisNode[] = [];
    for (let i = 0; i < o.replicas; i++) {
      const r = await addReplica(primary, o);
      started.push(r);
      replicas.push(r);
    }
    return { primary, replicas, nodes: [primary, ...replicas], password: o.password, stop: () => stopAll(started) };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}
