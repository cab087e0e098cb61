/**
 * A Sentinel group: a primary, N replicas and (by default) 3 redis-sentinel processes
 * monitoring it on loopback. Resolves once every Sentinel sees the primary, all replicas
 * and the other Sentinels, so a failover can be triggered immediately.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisOnce, redisPingOk } from '../redis/once.js';
import { requireBinary } from './binaries.js';
import { waitUntil } from './info.js';
import { stopAll } from './local-stack.js';
import type { PortAllocator } from './ports.js';
import { type ManagedProcess, spawnManaged, waitReady } from './process.js';
import type { RedisNode } from './redis.js';
import { type NodeExtras, type ReplicationGroup, startReplicationGroup } from './replication.js';

export interface SentinelGroupOptions {
  ports: PortAllocator;
  dir: string;
  replicas: number;
  sentinels?: number;
  masterName?: string;
  quorum?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  parallelSyncs?: number;
  password?: string;
  redis?: NodeExtras;
}

export interface SentinelNode {
  host: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export interface SentinelGroup extends ReplicationGroup {
  masterName: string;
  sentinels: SentinelNode[];
  /** Ask the Sentinels which node is the master now. */
  currentMaster(): Promise<{ host: string; port: number }>;
}

export const DEFAULT_MASTER_NAME = 'sdmaster';

/** The sentinel.conf text. Exported for tests. */
export function sentinelConfig(o: {
  port: number;
  dir: string;
  masterName: string;
  primary: { host: string; port: number };
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  parallelSyncs: number;
  password?: string;
}): string {
  const m = o.masterName;
  const lines = [
    `port ${o.port}`,
    'bind 127.0.0.1',
    'daemonize no',
    `dir ${o.dir}`,
    'logfile ""',
    `sentinel monitor ${m} ${o.primary.host} ${o.primary.port} ${o.quorum}`,
    `sentinel down-after-milliseconds ${m} ${o.downAfterMs}`,
    `sentinel failover-timeout ${m} ${o.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${m} ${o.parallelSyncs}`,
  ];
  if (o.password) lines.push(`sentinel auth-pass ${m} "${o.password}"`);
  return `${lines.join('\n')}\n`;
}

async function startSentinel(
  o: Required<Pick<SentinelGroupOptions, 'masterName' | 'quorum' | 'downAfterMs' | 'failoverTimeoutMs' | 'parallelSyncs'>> & {
    port: number;
    dir: string;
    primary: { host: string; port: number };
    password?: string;
  },
): Promise<SentinelNode> {
  const bin = requireBinary('redis-sentinel');
  mkdirSync(o.dir, { recursive: true });
  const conf = join(o.dir, 'sentinel.conf');
  // Sentinel rewrites its config file; it must stay writable, and private (auth-pass).
  writeFileSync(conf, sentinelConfig(o), { mode: 0o600 });
  chmodSync(conf, 0o600);
  const proc = spawnManaged({
    name: `redis-sentinel:${o.port}`,
    command: bin,
    args: [conf],
    cwd: o.dir,
    logFile: join(o.dir, 'sentinel.log'),
  });
  await waitReady(proc, () => redisPingOk(o.port));
  return { host: '127.0.0.1', port: o.port, process: proc, stop: () => proc.stop() };
}

/** A Sentinel's flat [field, value, ...] reply (SENTINEL MASTER, one entry of REPLICAS/SENTINELS) as a record. */
export function fieldRecord(r: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < r.length; i += 2) out[String(r[i])] = String(r[i + 1]);
  return out;
}

/** SENTINEL MASTER <name> as a record. */
export async function sentinelMasterInfo(port: number, masterName: string, host = '127.0.0.1'): Promise<Record<string, string>> {
  const r = await redisOnce(port, ['SENTINEL', 'MASTER', masterName], { host, timeoutMs: 1000 });
  if (!Array.isArray(r)) throw new Error(`unexpected SENTINEL MASTER reply from ${port}`);
  return fieldRecord(r);
}

export async function startSentinelGroup(o: SentinelGroupOptions): Promise<SentinelGroup> {
  const masterName = o.masterName ?? DEFAULT_MASTER_NAME;
  const count = o.sentinels ?? 3;
  const settings = {
    masterName,
    quorum: o.quorum ?? Math.floor(count / 2) + 1,
    downAfterMs: o.downAfterMs ?? 1000,
    failoverTimeoutMs: o.failoverTimeoutMs ?? 10_000,
    parallelSyncs: o.parallelSyncs ?? 1,
  };
  const group = await startReplicationGroup(o);
  const sentinels: SentinelNode[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const port = await o.ports.take();
      sentinels.push(
        await startSentinel({ ...settings, port, dir: join(o.dir, `sentinel-${port}`), primary: group.primary, password: o.password }),
      );
    }
    for (const s of sentinels) {
      await waitUntil(
        `sentinel ${s.port} to discover ${o.replicas} replica(s) and ${count - 1} other sentinel(s)`,
        async () => {
          const m = await sentinelMasterInfo(s.port, masterName);
          return Number(m['num-slaves']) === o.replicas && Number(m['num-other-sentinels']) === count - 1;
        },
        30_000,
        100,
      );
    }
  } catch (err) {
    await stopAll(sentinels);
    await group.stop();
    throw err;
  }
  return {
    ...group,
    masterName,
    sentinels,
    currentMaster: async () => {
      for (const s of sentinels) {
        if (!s.process.running || s.process.status === 'frozen') continue;
        const r = await redisOnce(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName], { timeoutMs: 1000 }).catch(() => null);
        if (Array.isArray(r) && r.length === 2) return { host: String(r[0]), port: Number(String(r[1])) };
      }
      throw new Error(`no sentinel answered for master '${masterName}'`);
    },
    stop: async () => {
      await stopAll(sentinels);
      await group.stop();
    },
  };
}

export type { RedisNode };
