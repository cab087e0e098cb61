/**
 * HAProxy in front of a Sentinel group, with a health check that finds the master:
 * AUTH → +OK (when a password is set), PING → +PONG, `info replication` → role:master,
 * QUIT → +OK, every second. Runs in master-worker mode so the server list can be
 * reloaded (SIGUSR2) when replicas are added or removed, without dropping connections.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartError } from '../core/errors.js';
import type { Endpoint } from '../redis/index.js';
import { redisOnce } from '../redis/once.js';
import { requireBinary } from '../stack/binaries.js';
import { parseInfo } from '../stack/info.js';
import { type ManagedProcess, spawnManaged, waitReady } from '../stack/process.js';

export interface HaproxyConfigOptions {
  host: string;
  port: number;
  servers: Array<{ name: string; host: string; port: number }>;
  password?: string;
  checkIntervalMs: number;
}

/** Escape a value for an HAProxy config word (spaces, '#', '\', quotes, '$'). */
function haWord(s: string): string {
  return s.replace(/([\\\s#"'$])/g, '\\$1');
}

/** The haproxy.cfg text. Pure (exported for tests). */
export function haproxyConfig(o: HaproxyConfigOptions): string {
  const lines = [
    'global',
    '  maxconn 1024',
    '',
    'defaults',
    '  mode tcp',
    '  timeout connect 1s',
    '  timeout client 30m',
    '  timeout server 30m',
    '  timeout check 1s',
    '',
    'frontend redis_front',
    `  bind ${o.host}:${o.port}`,
    '  default_backend redis_master',
    '',
    'backend redis_master',
    '  option tcp-check',
    '  tcp-check connect',
  ];
  if (o.password) lines.push(`  tcp-check send AUTH\\ ${haWord(o.password)}\\r\\n`, '  tcp-check expect string +OK');
  lines.push(
    '  tcp-check send PING\\r\\n',
    '  tcp-check expect string +PONG',
    '  tcp-check send info\\ replication\\r\\n',
    '  tcp-check expect string role:master',
    '  tcp-check send QUIT\\r\\n',
    '  tcp-check expect string +OK',
  );
  for (const s of o.servers) {
    lines.push(`  server ${s.name} ${s.host}:${s.port} check inter ${o.checkIntervalMs}ms on-marked-down shutdown-sessions`);
  }
  return `${lines.join('\n')}\n`;
}

export interface HaproxyHandle {
  host: string;
  port: number;
  configFile: string;
  process: ManagedProcess;
  /** Rewrite the server list and reload (existing sessions stay on the old worker). */
  reload(servers: HaproxyConfigOptions['servers']): void;
  stop(): Promise<void>;
}

/** The real port of the server HAProxy routes a new connection to (INFO server tcp_port). */
export async function haproxyRoutesTo(h: Endpoint, password?: string): Promise<{ port: number; role: string }> {
  const r = await redisOnce(h.port, ['INFO', 'default'], { host: h.host, password, timeoutMs: 1000 });
  const info = parseInfo(String(r));
  return { port: Number(info.tcp_port), role: info.role ?? 'unknown' };
}

export async function startHaproxy(
  o: HaproxyConfigOptions & { dir: string; expectPort: () => Promise<number>; readyTimeoutMs?: number },
): Promise<HaproxyHandle> {
  const bin = requireBinary('haproxy');
  mkdirSync(o.dir, { recursive: true });
  const configFile = join(o.dir, 'haproxy.cfg');
  const write = (servers: HaproxyConfigOptions['servers']) => {
    writeFileSync(configFile, haproxyConfig({ ...o, servers }), { mode: 0o600 });
    chmodSync(configFile, 0o600);
  };
  write(o.servers);
  const proc = spawnManaged({
    name: `haproxy:${o.port}`,
    command: bin,
    args: ['-W', '-db', '-f', configFile],
    cwd: o.dir,
    logFile: join(o.dir, 'haproxy.log'),
  });
  try {
    await waitReady(
      proc,
      async () => routesOnlyTo({ host: o.host, port: o.port }, await o.expectPort(), o.password, o.servers.length + 1),
      o.readyTimeoutMs ?? 20_000,
      200,
    );
  } catch (err) {
    await proc.stop(1000);
    throw new StartError(`HAProxy on port ${o.port} never routed to the master: ${(err as Error).message}`);
  }
  return {
    host: o.host,
    port: o.port,
    configFile,
    process: proc,
    reload: (servers) => {
      write(servers);
      proc.signal('SIGUSR2');
    },
    stop: () => proc.stop(2000),
  };
}

/**
 * True when `probes` consecutive new connections all reach the master on `port`. HAProxy
 * starts with every server up and balances round-robin, so one lucky probe proves nothing.
 */
async function routesOnlyTo(h: Endpoint, port: number, password: string | undefined, probes: number): Promise<boolean> {
  for (let i = 0; i < probes; i++) {
    const got = await haproxyRoutesTo(h, password);
    if (got.port !== port || got.role !== 'master') return false;
  }
  return true;
}
