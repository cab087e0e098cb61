/**
 * `--target`: a minimal Topology over an existing standalone/replicated deployment that
 * stormdrill did not start (lib/topology only starts local ones). The primary and its
 * replicas are discovered from INFO replication; every node is `owned: false` with no
 * process and no proxy, so lib/faults refuses destructive actions on them unless
 * --allow-destructive (and --confirm-non-loopback) are given, and stop() leaves them alone.
 */
import { EventEmitter } from 'node:events';
import { UserError } from '../core/errors.js';
import { parseInfo } from '../stack/info.js';
import { redisOnce } from '../stack/probe.js';
import { COMMON_DEFAULTS } from '../topology/options.js';
import { collectStatus } from '../topology/status.js';
import type { TopoEvent, TopoEventBus, Topology, TopoNode } from '../topology/types.js';

export interface AttachTarget {
  host: string;
  port: number;
  password?: string;
  user?: string;
}

/** Parse `redis://[user:password@]host:port` (password also from $REDISCLI_AUTH). */
export function parseTargetUri(uri: string, env: Record<string, string | undefined> = process.env): AttachTarget {
  let u: URL;
  try {
    u = new URL(uri.includes('://') ? uri : `redis://${uri}`);
  } catch {
    throw new UserError(`--target '${uri.replace(/:[^:@/]*@/, ':***@')}' is not redis://host:port`);
  }
  if (u.protocol !== 'redis:') throw new UserError(`--target must be redis://host:port (got ${u.protocol}//)`);
  const port = u.port ? Number(u.port) : 6379;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : env.REDISCLI_AUTH || undefined,
  };
}

async function info(host: string, port: number, a: AttachTarget, section = 'replication'): Promise<Record<string, string>> {
  const r = await redisOnce(port, ['INFO', section], { host, password: a.password, user: a.user, timeoutMs: 2000 }).catch((e: Error) => e);
  if (r instanceof Error) throw new UserError(`--target ${host}:${port} did not answer INFO: ${r.message.split('\n')[0]}`);
  return parseInfo(String(r));
}

export async function attachTopology(a: AttachTarget): Promise<Topology> {
  let rep = await info(a.host, a.port, a);
  let primary = { host: a.host, port: a.port };
  if (rep.role === 'slave') {
    primary = { host: rep.master_host ?? a.host, port: Number(rep.master_port) };
    rep = await info(primary.host, primary.port, a);
  }
  const node = (name: string, role: 'master' | 'replica', host: string, port: number): TopoNode => ({
    name,
    role,
    host,
    port,
    proxyPort: port,
    dir: '',
    process: null,
    proxy: null,
    owned: false,
  });
  const nodes: TopoNode[] = [node('primary', 'master', primary.host, primary.port)];
  for (let i = 0; rep[`slave${i}`] !== undefined; i++) {
    const f = Object.fromEntries((rep[`slave${i}`] as string).split(',').map((kv) => kv.split('=') as [string, string]));
    nodes.push(node(`replica-${i + 1}`, 'replica', f.ip === '127.0.0.1' || !f.ip ? primary.host : f.ip, Number(f.port)));
  }
  const events = new EventEmitter() as TopoEventBus;
  const t: Topology = {
    kind: nodes.length > 1 ? 'replicas' : 'standalone',
    spec:
      nodes.length > 1 ? { ...COMMON_DEFAULTS, kind: 'replicas', replicas: nodes.length - 1 } : { ...COMMON_DEFAULTS, kind: 'standalone' },
    nodes,
    sentinels: [],
    endpoint: { kind: 'direct', host: primary.host, port: primary.port },
    password: a.password,
    username: a.user,
    dir: `attached:${primary.host}:${primary.port}`,
    events,
    emit(e: Omit<TopoEvent, 'atMs'> & { atMs?: number }) {
      events.emit('event', { ...e, atMs: e.atMs ?? Date.now() });
    },
    node(name: string) {
      const n = nodes.find((x) => x.name === name);
      if (!n) throw new UserError(`no node '${name}' in the target: use one of ${nodes.map((x) => x.name).join(', ')}`);
      return n;
    },
    nodeByAddress(host: string, port: number) {
      return nodes.find((n) => n.port === port && (n.host === host || host === '127.0.0.1' || host === 'localhost'));
    },
    async currentPrimary() {
      for (const n of nodes) {
        const r = await info(n.host, n.port, a).catch(() => null);
        if (r?.role === 'master') return n;
      }
      throw new UserError('no node of the target reports role:master');
    },
    status: () => collectStatus(t),
    addReplica: () => Promise.reject(new UserError('scale-out needs a topology stormdrill started: drop --target')),
    removeReplica: () => Promise.reject(new UserError('scale-in needs a topology stormdrill started: drop --target')),
    stop: async () => {},
  };
  return t;
}
