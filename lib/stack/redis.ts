/** Start a real redis-server (or redis-sentinel) on loopback from a private config file. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisPingOk } from '../redis/once.js';
import { requireBinary } from './binaries.js';
import { type ManagedProcess, spawnManaged, waitReady } from './process.js';

export interface RedisServerOptions {
  port: number;
  /** Directory for config, data and log; created if missing. */
  dir: string;
  host?: string;
  /** requirepass (written to the 0600 config file, never to argv or logs). */
  password?: string;
  /** `host port` of the primary to replicate. */
  replicaOf?: { host: string; port: number };
  maxmemory?: string;
  maxmemoryPolicy?: string;
  appendonly?: boolean;
  cluster?: boolean;
  /** cluster-node-timeout in ms (default 2000 for fast local failovers). */
  clusterNodeTimeoutMs?: number;
  /** TLS only: `port` becomes the tls-port and no plain port is open (the readiness probe speaks TLS). */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** Extra config directives, e.g. { 'repl-backlog-size': '1mb' }. */
  config?: Record<string, string | number>;
  readyTimeoutMs?: number;
}

export interface RedisNode {
  host: string;
  port: number;
  dir: string;
  process: ManagedProcess;
  /** redis://host:port, rediss:// with TLS (no credentials; pass the password separately). */
  url: string;
  stop(): Promise<void>;
}

/** The config file text for a node. Exported for tests. */
export function redisConfig(o: RedisServerOptions): string {
  const host = o.host ?? '127.0.0.1';
  const lines: string[] = [
    ...(o.tls
      ? [
          'port 0',
          `tls-port ${o.port}`,
          `tls-cert-file ${o.tls.certFile}`,
          `tls-key-file ${o.tls.keyFile}`,
          `tls-ca-cert-file ${o.tls.caFile}`,
          'tls-auth-clients no',
        ]
      : [`port ${o.port}`]),
    `bind ${host}`,
    'protected-mode no',
    'daemonize no',
    `dir ${o.dir}`,
    'logfile ""',
    'save ""',
    `appendonly ${o.appendonly ? 'yes' : 'no'}`,
    'appendfsync everysec',
    'enable-debug-command local',
  ];
  if (o.password) lines.push(`requirepass "${o.password}"`, `masterauth "${o.password}"`);
  if (o.replicaOf) lines.push(`replicaof ${o.replicaOf.host} ${o.replicaOf.port}`);
  if (o.maxmemory) lines.push(`maxmemory ${o.maxmemory}`);
  if (o.maxmemoryPolicy) lines.push(`maxmemory-policy ${o.maxmemoryPolicy}`);
  if (o.cluster)
    lines.push('cluster-enabled yes', `cluster-config-file nodes-${o.port}.conf`, `cluster-node-timeout ${o.clusterNodeTimeoutMs ?? 2000}`);
  for (const [k, v] of Object.entries(o.config ?? {})) lines.push(`${k} ${v}`);
  return `${lines.join('\n')}\n`;
}

export async function startRedisServer(o: RedisServerOptions): Promise<RedisNode> {
  const bin = requireBinary('redis-server');
  const host = o.host ?? '127.0.0.1';
  mkdirSync(o.dir, { recursive: true });
  const conf = join(o.dir, 'redis.conf');
  writeFileSync(conf, redisConfig(o), { mode: 0o600 });
  chmodSync(conf, 0o600);
  const proc = spawnManaged({
    name: `redis-server:${o.port}`,
    command: bin,
    args: [conf],
    cwd: o.dir,
    logFile: join(o.dir, 'redis.log'),
  });
  const tls = o.tls ? { caFile: o.tls.caFile } : undefined;
  await waitReady(proc, () => redisPingOk(o.port, { host, password: o.password, tls }), o.readyTimeoutMs ?? 15_000);
  const url = `${tls ? 'rediss' : 'redis'}://${host}:${o.port}`;
  return { host, port: o.port, dir: o.dir, process: proc, url, stop: () => proc.stop() };
}
