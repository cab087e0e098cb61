/** Start a real redis-server (or redis-sentinel) on loopback from a private config file. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redisOnce, redisPingOk } from '../redis/once.js';
import { requireBinary } from './binaries.js';
import { type ManagedProcess, spawnManaged, waitReady } from './process.js';

export interface RedisServerOptions {
  port: number;
  /** Directory for config, data and log; created if missing. */
  dir: string;
  host?: string;
  /**
   * An own loopback address (e.g. 127.0.9.3), like a separate machine: the server binds it and
   * 127.0.0.1, its outgoing connections (replication, cluster bus) come from it, and it is
   * probed at it. `host` defaults to it.
   */
  ownAddress?: string;
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
    ...bindLines(o.ownAddress ?? o.host ?? '127.0.0.1', o.ownAddress !== undefined),
    // protected mode counts only 127.0.0.1/::1 as local: with an own address it would refuse its peers
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

/**
 * The `bind` line of a redis-server or Sentinel: `host` alone, or with `own` an own loopback
 * address bound together with 127.0.0.1 (local probes keep working) plus `bind-source-addr`,
 * so its outgoing connections come from the own address.
 */
export function bindLines(host: string, own: boolean): string[] {
  return own && host !== '127.0.0.1' ? [`bind "${host} 127.0.0.1"`, `bind-source-addr ${host}`] : [`bind ${host}`];
}

/** The process id of the redis-server (or redis-sentinel) answering on host:port. */
export async function serverPid(port: number, o: { host?: string; password?: string; tls?: { caFile: string } }): Promise<number | null> {
  const r = await redisOnce(port, ['INFO', 'server'], { ...o, timeoutMs: 500 });
  const m = /process_id:(\d+)/.exec(String(r));
  return m ? Number(m[1]) : null;
}

/** A start that failed because its port was taken between choosing it and binding it. */
export function isPortTaken(err: unknown): boolean {
  return /Address already in use|EADDRINUSE/.test(String((err as Error)?.message ?? err));
}

export async function startRedisServer(o: RedisServerOptions): Promise<RedisNode> {
  const bin = requireBinary('redis-server');
  const host = o.host ?? o.ownAddress ?? '127.0.0.1';
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
  // ready when the server answering on the port is this process (another one may hold the
  // port: then this one exits with 'Address already in use', see isPortTaken)
  const auth = { host, password: o.password, tls };
  await waitReady(
    proc,
    async () => (await redisPingOk(o.port, auth)) && (await serverPid(o.port, auth)) === proc.pid,
    o.readyTimeoutMs ?? 15_000,
  );
  const url = `${tls ? 'rediss' : 'redis'}://${host}:${o.port}`;
  return { host, port: o.port, dir: o.dir, process: proc, url, stop: () => proc.stop() };
}
