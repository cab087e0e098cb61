/**
 * `--target`: a minimal Topology over an existing deployment that stormdrill did not start
 * (lib/topology only starts local ones): standalone or primary+replicas (redis://, found
 * from INFO replication) or a Sentinel group (redis-sentinel://, found from the Sentinels:
 * master, replicas, other Sentinels; their pub/sub goes on the drill's timeline). Every
 * node is `owned: false` with no process and no proxy, so lib/faults refuses destructive
 * actions on them unless --allow-destructive (and --confirm-non-loopback) are given, and
 * stop() leaves them alone.
 */
import { EventEmitter } from 'node:events';
import { UserError } from '../core/errors.js';
import { type Endpoint, formatEndpoint, parseRedisUri, type TlsSettings, URI_FORMS } from '../redis/index.js';
import { type OnceOptions, redisOnce } from '../redis/once.js';
import { parseInfo } from '../stack/info.js';
import { fieldRecord, sentinelMasterInfo } from '../stack/sentinel.js';
import { parseClusterNodes, splitAddr, watchTopologyCluster } from './cluster-watch.js';
import { COMMON_DEFAULTS, SENTINEL_DEFAULTS } from './options.js';
import { watchTopologySentinels } from './sentinel-watch.js';
import { collectStatus, findPrimary } from './status.js';
import type { SentinelProc, TopoEvent, TopoEventBus, Topology, TopoNode } from './types.js';

export interface AttachTarget {
  /** The node given (redis://), the first Sentinel (redis-sentinel://) or the first seed (redis-cluster://). */
  host: string;
  port: number;
  password?: string;
  user?: string;
  /** redis-sentinel://: every Sentinel given, and the master's name. */
  sentinel?: { sentinels: Array<{ host: string; port: number }>; masterName: string };
  /** redis-cluster://: the seed nodes given. */
  cluster?: { seeds: Array<{ host: string; port: number }> };
  /** rediss://: TLS to every node and Sentinel. */
  tls?: TlsSettings;
}

/**
 * Parse a --target URI (lib/redis's one parser): redis:// or rediss:// (TLS), redis-sentinel://
 * or redis-cluster:// (rediss-sentinel://, rediss-cluster:// for TLS). The password also
 * comes from $REDISCLI_AUTH; `tls` (CA, client certificate: the --tls-* flags) turns TLS on as rediss:// does.
 */
export function parseTargetUri(uri: string, env: Record<string, string | undefined> = process.env, tls?: TlsSettings): AttachTarget {
  const u = parseRedisUri(uri, '--target');
  const first = u.endpoints[0] as Endpoint;
  if (first.socket) throw new UserError(`--target must be a network address (${URI_FORMS.direct.split(' (')[0]}), not a unix socket`);
  const base: AttachTarget = {
    host: first.host,
    port: first.port,
    user: u.user,
    password: u.password ?? (env.REDISCLI_AUTH || undefined),
    tls: u.tls || tls ? (tls ?? {}) : undefined,
  };
  if (u.kind === 'sentinel') return { ...base, sentinel: { sentinels: u.endpoints, masterName: u.masterName as string } };
  if (u.kind === 'cluster') return { ...base, cluster: { seeds: u.endpoints } };
  return base;
}

/** How reports and logs name the target (never with credentials). */
export function describeAttachTarget(a: AttachTarget): string {
  if (a.cluster) return `Cluster via ${endpoints(a.cluster.seeds)}`;
  if (!a.sentinel) return `${a.host}:${a.port}`;
  return `Sentinel master '${a.sentinel.masterName}' via ${endpoints(a.sentinel.sentinels)}`;
}

const endpoints = (es: Endpoint[]) => es.map(formatEndpoint).join(',');

/** How the probes reach a data node of the target at `host`: its credentials, its TLS, 2 s. */
const nodeOnce = (a: AttachTarget, host: string): OnceOptions => ({
  host,
  password: a.password,
  user: a.user,
  tls: a.tls,
  timeoutMs: 2000,
});

async function info(host: string, port: number, a: AttachTarget, section = 'replication'): Promise<Record<string, string>> {
  const r = await redisOnce(port, ['INFO', section], nodeOnce(a, host)).catch((e: Error) => e);
  if (r instanceof Error) throw new UserError(`--target ${host}:${port} did not answer INFO: ${r.message.split('\n')[0]}`);
  return parseInfo(String(r));
}

export async function attachTarget(a: AttachTarget): Promise<Topology> {
  if (a.sentinel) return attachSentinelGroup(a, a.sentinel);
  if (a.cluster) return attachCluster(a, a.cluster);
  return attachReplicated(a);
}

const externalNode = (name: string, role: 'master' | 'replica', host: string, port: number): TopoNode => ({
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

/** The parts that differ between a replicated, a Sentinel and a Cluster target. */
interface AttachedParts {
  kind: Topology['kind'];
  spec: Topology['spec'];
  nodes: TopoNode[];
  sentinels: SentinelProc[];
  endpoint: Topology['endpoint'];
  dir: string;
}

/** A Topology over nodes stormdrill does not own: no process, no proxy, stop() leaves them running. */
function attachedTopology(a: AttachTarget, p: AttachedParts): Topology {
  const events = new EventEmitter() as TopoEventBus;
  const nodes = p.nodes;
  let watch: { stop(): void } | null = null;
  const t: Topology = {
    ...p,
    password: a.password,
    username: a.user,
    tls: a.tls,
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
    currentPrimary: () => findPrimary(t),
    status: () => collectStatus(t),
    addReplica: () => Promise.reject(new UserError('scale-out needs a topology stormdrill started: drop --target')),
    removeReplica: () => Promise.reject(new UserError('scale-in needs a topology stormdrill started: drop --target')),
    stop: async () => {
      watch?.stop();
      watch = null;
    },
  };
  if (p.sentinels.length > 0) watch = watchTopologySentinels(t);
  else if (p.kind === 'cluster') watch = watchTopologyCluster(t);
  return t;
}

async function attachReplicated(a: AttachTarget): Promise<Topology> {
  let rep = await info(a.host, a.port, a);
  let primary = { host: a.host, port: a.port };
  if (rep.role === 'slave') {
    primary = { host: rep.master_host ?? a.host, port: Number(rep.master_port) };
    rep = await info(primary.host, primary.port, a);
  }
  const nodes: TopoNode[] = [externalNode('primary', 'master', primary.host, primary.port)];
  for (let i = 0; rep[`slave${i}`] !== undefined; i++) {
    const f = Object.fromEntries((rep[`slave${i}`] as string).split(',').map((kv) => kv.split('=') as [string, string]));
    nodes.push(externalNode(`replica-${i + 1}`, 'replica', f.ip === '127.0.0.1' || !f.ip ? primary.host : f.ip, Number(f.port)));
  }
  const replicated = nodes.length > 1;
  return attachedTopology(a, {
    kind: replicated ? 'replicas' : 'standalone',
    spec: replicated ? { ...COMMON_DEFAULTS, kind: 'replicas', replicas: nodes.length - 1 } : { ...COMMON_DEFAULTS, kind: 'standalone' },
    nodes,
    sentinels: [],
    endpoint: { kind: 'direct', host: primary.host, port: primary.port },
    dir: `attached:${primary.host}:${primary.port}`,
  });
}

/** SENTINEL REPLICAS / SENTINELS: one flat [field, value, ...] array per instance. */
const entries = (r: unknown): Array<Record<string, string>> => (Array.isArray(r) ? r.filter(Array.isArray).map(fieldRecord) : []);

async function attachSentinelGroup(a: AttachTarget, g: NonNullable<AttachTarget['sentinel']>): Promise<Topology> {
  const name = g.masterName;
  const ask = (s: { host: string; port: number }, args: string[]) =>
    redisOnce(s.port, args, { host: s.host, tls: a.tls, timeoutMs: 2000 }).catch((e: Error) => e);
  const given = endpoints(g.sentinels);
  let asked: { host: string; port: number } | null = null;
  let master: unknown = null;
  let answered = false;
  for (const s of g.sentinels) {
    const r = await ask(s, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name]);
    if (r instanceof Error) continue;
    answered = true;
    if (Array.isArray(r) && r.length === 2) {
      asked = s;
      master = r;
      break;
    }
  }
  if (!answered) throw new UserError(`--target: no Sentinel answered at ${given} (check the addresses and that redis-sentinel runs)`);
  if (!asked || !Array.isArray(master))
    throw new UserError(`--target: the Sentinels at ${given} monitor no master named '${name}' (check the name after the last /)`);
  const nodes: TopoNode[] = [externalNode('primary', 'master', String(master[0]), Number(master[1]))];
  const replicas = entries(await ask(asked, ['SENTINEL', 'REPLICAS', name]));
  for (const r of replicas.filter((x) => !/s_down|disconnected/.test(x.flags ?? '')))
    nodes.push(externalNode(`replica-${nodes.length}`, 'replica', r.ip as string, Number(r.port)));
  const others = entries(await ask(asked, ['SENTINEL', 'SENTINELS', name])).map((x) => ({ host: x.ip as string, port: Number(x.port) }));
  const unique = new Map([asked, ...g.sentinels, ...others].map((s) => [`${s.host}:${s.port}`, s]));
  const sentinels: SentinelProc[] = [...unique.values()].map((s, i) => ({
    name: `sentinel-${i + 1}`,
    host: s.host,
    port: s.port,
    dir: '',
    process: null,
    owned: false,
  }));
  const m = await sentinelMasterInfo(asked.port, name, asked.host, a.tls).catch((): Record<string, string> => ({}));
  // the primary's own write safety (partition drills bound their loss by it)
  const c = await configOf(a, nodes.slice(0, 1), ['min-replicas-to-write', 'min-replicas-max-lag']);
  const spec: Topology['spec'] = {
    ...COMMON_DEFAULTS,
    minReplicasToWrite: num(c['min-replicas-to-write'], COMMON_DEFAULTS.minReplicasToWrite),
    minReplicasMaxLagS: num(c['min-replicas-max-lag'], COMMON_DEFAULTS.minReplicasMaxLagS),
    ...SENTINEL_DEFAULTS,
    faultProxies: false,
    kind: 'sentinel',
    masterName: name,
    replicas: nodes.length - 1,
    sentinels: sentinels.length,
    quorum: num(m.quorum, Math.floor(sentinels.length / 2) + 1),
    downAfterMs: num(m['down-after-milliseconds'], SENTINEL_DEFAULTS.downAfterMs),
    failoverTimeoutMs: num(m['failover-timeout'], SENTINEL_DEFAULTS.failoverTimeoutMs),
    parallelSyncs: num(m['parallel-syncs'], SENTINEL_DEFAULTS.parallelSyncs),
  };
  return attachedTopology(a, {
    kind: 'sentinel',
    spec,
    nodes,
    sentinels,
    endpoint: { kind: 'sentinel', sentinels: sentinels.map((s) => ({ host: s.host, port: s.port })), masterName: name },
    dir: `attached:sentinel:${name}`,
  });
}

/**
 * CONFIG GET of each of `names` from the first of `nodes` that allows it; {} when none does
 * (a managed Redis that renames CONFIG): the caller keeps Redis's defaults.
 */
async function configOf(a: AttachTarget, nodes: Array<{ host: string; port: number }>, names: string[]): Promise<Record<string, string>> {
  for (const n of nodes) {
    const out: Record<string, string> = {};
    for (const name of names) {
      const r = await redisOnce(n.port, ['CONFIG', 'GET', name], nodeOnce(a, n.host)).catch(() => null);
      if (Array.isArray(r) && r.length === 2) out[name] = String(r[1]);
    }
    if (Object.keys(out).length > 0) return out;
  }
  return {};
}

const num = (v: string | undefined, def: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : def);

async function attachCluster(a: AttachTarget, c: NonNullable<AttachTarget['cluster']>): Promise<Topology> {
  const given = endpoints(c.seeds);
  let text: string | null = null;
  let refusal: string | null = null;
  for (const seed of c.seeds) {
    const r = await redisOnce(seed.port, ['CLUSTER', 'NODES'], nodeOnce(a, seed.host)).catch((e: Error) => e);
    if (r instanceof Error) {
      refusal ??= r.message.split('\n')[0] ?? r.message;
      continue;
    }
    text = String(r);
    break;
  }
  if (text === null) {
    if (refusal && /cluster support disabled/i.test(refusal))
      throw new UserError(`--target: ${given} is not a cluster node (cluster support disabled): use redis://host:port`);
    throw new UserError(`--target: no cluster node answered CLUSTER NODES at ${given}${refusal ? `: ${refusal}` : ''}`);
  }
  const views = [...parseClusterNodes(text).values()].filter((v) => v.addr && !v.addr.startsWith(':0'));
  const nodes: TopoNode[] = [];
  let masters = 0;
  let replicas = 0;
  for (const v of views.sort((x, y) => (x.role === y.role ? x.addr.localeCompare(y.addr) : x.role === 'master' ? -1 : 1))) {
    const addr = splitAddr(v.addr);
    if (!addr) continue;
    const name = v.role === 'master' ? `master-${++masters}` : `replica-${++replicas}`;
    nodes.push(externalNode(name, v.role, addr.host, addr.port));
  }
  const conf = await configOf(a, c.seeds, ['cluster-node-timeout', 'cluster-allow-reads-when-down']);
  return attachedTopology(a, {
    kind: 'cluster',
    spec: {
      ...COMMON_DEFAULTS,
      faultProxies: false,
      kind: 'cluster',
      masters,
      replicasPerMaster: masters > 0 ? Math.floor(replicas / masters) : 0,
      nodeTimeoutMs: num(conf['cluster-node-timeout'], 15_000) || 15_000,
      allowReadsWhenDown: conf['cluster-allow-reads-when-down'] === 'yes',
    },
    nodes,
    sentinels: [],
    endpoint: { kind: 'cluster', seeds: c.seeds },
    dir: `attached:cluster:${given}`,
  });
}
