/**
 * Topology status: roles, offsets, link states, sync_full/sync_partial_ok, memory %, read
 * from each node's real port (so faults on the proxies do not hide it), plus a pure
 * formatter for the CLI.
 */

import { UserError } from '../core/errors.js';
import { describeFault } from '../netfault/classify.js';
import type { OnceOptions } from '../redis/once.js';
import { redisOnce } from '../redis/once.js';
import { type InfoFields, parseInfo, redisInfo } from '../stack/info.js';
import { nodeAuth, sentinelAuth } from './node-auth.js';
import type { NodeStatus, Topology, TopologyStatus, TopoNode } from './types.js';

/**
 * The master now: the Sentinels' view for sentinel/haproxy topologies, otherwise the first
 * live node answering INFO with role:master (standalone: its only node).
 */
export async function findPrimary(t: Topology): Promise<TopoNode> {
  const first = t.nodes[0];
  if (!first) throw new UserError('the topology has no nodes');
  if (t.kind === 'standalone') return first;
  if (t.spec.kind === 'sentinel' || t.spec.kind === 'haproxy') {
    const name = t.spec.masterName;
    for (const s of t.sentinels) {
      if (s.process && s.process.status !== 'running') continue;
      const r = await redisOnce(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name], { ...sentinelAuth(t, s), timeoutMs: 1000 }).catch(
        () => null,
      );
      if (Array.isArray(r) && r.length === 2) {
        const n = t.nodeByAddress(String(r[0]), Number(String(r[1])));
        if (n) return n;
      }
    }
    throw new UserError(`no Sentinel named a known master for '${name}'`);
  }
  for (const n of t.nodes) {
    if (n.process && n.process.status !== 'running') continue;
    const rep = await redisInfo(n.port, 'replication', nodeAuth(t, n)).catch(() => null);
    if (rep?.role === 'master') return n;
  }
  throw new UserError(`no node of this ${t.kind} topology answers as master`);
}

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Build a NodeStatus from INFO fields. Pure. */
export function nodeStatusFromInfo(base: Omit<NodeStatus, 'up' | 'role'>, info: InfoFields): NodeStatus {
  const role = info.role === 'master' ? 'master' : info.role === 'slave' ? 'replica' : 'unknown';
  const used = num(info.used_memory);
  const max = num(info.maxmemory);
  const db0 = info.db0 ?? '';
  const keys = /keys=(\d+)/.exec(db0)?.[1];
  const s: NodeStatus = {
    ...base,
    up: true,
    role,
    offset: role === 'replica' ? num(info.slave_repl_offset) : num(info.master_repl_offset),
    connectedReplicas: num(info.connected_slaves),
    syncFull: num(info.sync_full),
    syncPartialOk: num(info.sync_partial_ok),
    syncPartialErr: num(info.sync_partial_err),
    loading: info.loading === '1',
    usedMemory: used,
    maxmemory: max,
    memoryPct: used !== undefined && max ? Math.round((used / max) * 1000) / 10 : null,
    keys: keys ? Number(keys) : 0,
  };
  if (role === 'replica') {
    s.masterAddr = `${info.master_host}:${info.master_port}`;
    s.masterLinkStatus = info.master_link_status === 'up' ? 'up' : 'down';
  }
  return s;
}

export async function nodeStatus(n: TopoNode, auth: OnceOptions = {}): Promise<NodeStatus> {
  const base = {
    name: n.name,
    host: n.host,
    port: n.port,
    proxyPort: n.proxyPort,
    process: n.process ? n.process.status : ('external' as const),
    fault: n.proxy?.fault ? describeFault(n.proxy.fault) : undefined,
  };
  if (n.process && n.process.status !== 'running') return { ...base, up: false, role: 'unknown', error: n.process.status };
  try {
    const r = await redisOnce(n.port, ['INFO', 'everything'], { ...auth, host: n.host, timeoutMs: 1000 });
    if (r instanceof Error) throw r;
    return nodeStatusFromInfo(base, parseInfo(String(r)));
  } catch (e) {
    return { ...base, up: false, role: 'unknown', error: (e as Error).message };
  }
}

export async function collectStatus(t: Topology): Promise<TopologyStatus> {
  const nodes = await Promise.all(t.nodes.map((n) => nodeStatus(n, nodeAuth(t))));
  const primary = await t.currentPrimary().catch(() => null);
  const pst = primary ? nodes.find((s) => s.name === primary.name) : undefined;
  if (pst?.offset !== undefined && t.kind !== 'cluster') {
    for (const s of nodes) if (s.role === 'replica' && s.offset !== undefined) s.lagBytes = Math.max(0, (pst.offset as number) - s.offset);
  }
  const masterName = t.endpoint.kind === 'sentinel' ? t.endpoint.masterName : t.spec.kind === 'haproxy' ? t.spec.masterName : '';
  const sentinels = await Promise.all(
    t.sentinels.map(async (s) => {
      if (s.process && s.process.status !== 'running') return { name: s.name, port: s.port, up: false };
      const r = await redisOnce(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName], {
        ...sentinelAuth(t, s),
        timeoutMs: 1000,
      }).catch(() => null);
      if (!Array.isArray(r) || r.length !== 2) return { name: s.name, port: s.port, up: r !== null };
      const n = t.nodeByAddress(String(r[0]), Number(String(r[1])));
      return { name: s.name, port: s.port, up: true, master: n?.name ?? `${String(r[0])}:${String(r[1])}` };
    }),
  );
  const out: TopologyStatus = { kind: t.kind, atMs: Date.now(), primary: primary?.name ?? null, nodes, sentinels };
  if (t.haproxy) {
    const h = t.haproxy;
    const r = await redisOnce(h.port, ['INFO', 'server'], { host: h.host, password: t.password, timeoutMs: 1000 }).catch(() => null);
    const port = r && !(r instanceof Error) ? Number(parseInfo(String(r)).tcp_port) : undefined;
    out.haproxy = {
      port: h.port,
      up: port !== undefined,
      routesTo: port ? (t.nodes.find((n) => n.port === port)?.name ?? String(port)) : undefined,
    };
  }
  if (t.kind === 'cluster') {
    const live = t.nodes.find((n) => n.process?.status === 'running');
    if (live) {
      const r = await redisOnce(live.port, ['CLUSTER', 'INFO'], { ...nodeAuth(t, live), timeoutMs: 1000 }).catch(() => null);
      if (r !== null && !(r instanceof Error)) {
        const ci = parseInfo(String(r));
        out.cluster = {
          state: ci.cluster_state ?? 'unknown',
          slotsOk: Number(ci.cluster_slots_ok ?? 0),
          knownNodes: Number(ci.cluster_known_nodes ?? 0),
        };
      }
    }
  }
  return out;
}

function fmtBytes(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)}G`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)}M`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)}K`;
  return `${n}B`;
}

/** The status as an aligned text table. Pure. */
export function formatStatus(s: TopologyStatus): string {
  const head = 'node port proxy process role link offset lag sync_full sync_partial_ok memory mem% keys fault'.split(' ');
  const rows = s.nodes.map((n) => [
    n.name + (n.name === s.primary ? '*' : ''),
    String(n.port),
    n.proxyPort === n.port ? '-' : String(n.proxyPort),
    n.process,
    n.up ? n.role : 'down',
    n.masterLinkStatus ?? '-',
    n.offset !== undefined ? String(n.offset) : '-',
    n.lagBytes !== undefined ? String(n.lagBytes) : '-',
    n.syncFull !== undefined ? String(n.syncFull) : '-',
    n.syncPartialOk !== undefined ? String(n.syncPartialOk) : '-',
    fmtBytes(n.usedMemory),
    n.memoryPct === null || n.memoryPct === undefined ? '-' : `${n.memoryPct}%`,
    n.keys !== undefined ? String(n.keys) : '-',
    n.fault ?? '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const out = [`${s.kind} topology, primary: ${s.primary ?? 'none'} (* = primary)`, line(head), ...rows.map(line)];
  if (s.sentinels.length > 0)
    out.push(`sentinels: ${s.sentinels.map((x) => `${x.name}:${x.port} ${x.up ? `master=${x.master ?? '?'}` : 'down'}`).join(', ')}`);
  if (s.haproxy) out.push(`haproxy: port ${s.haproxy.port} ${s.haproxy.up ? `routes to ${s.haproxy.routesTo}` : 'not routing'}`);
  if (s.cluster) out.push(`cluster: state ${s.cluster.state}, slots ok ${s.cluster.slotsOk}, known nodes ${s.cluster.knownNodes}`);
  return out.join('\n');
}
