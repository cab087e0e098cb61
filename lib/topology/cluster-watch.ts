/**
 * Cluster events for drills: poll CLUSTER NODES / CLUSTER INFO on a live node and turn
 * changes into timestamped events — `+pfail`/`+fail`/`-fail` (a node's failure flags),
 * `+promoted` (a replica became master), `cluster-state` (ok ↔ fail).
 */

import { redisOnce } from '../redis/once.js';
import { parseInfo } from '../stack/info.js';
import { nodeAuth } from './node-auth.js';
import type { Topology, TopoNode } from './types.js';

/** Every event kind the watch reports (drills validate `wait-for` events and mark them on the timeline with it). */
export const CLUSTER_EVENTS: ReadonlySet<string> = new Set(['+pfail', '+fail', '-fail', '+promoted', '+demoted', 'cluster-state']);

export interface ClusterNodeView {
  /** host:port as announced. */
  addr: string;
  role: 'master' | 'replica';
  /** 'fail', 'pfail' or ''. */
  failure: '' | 'pfail' | 'fail';
}

export interface ClusterView {
  state: string;
  nodes: Map<string, ClusterNodeView>;
}

/** `host:port` as CLUSTER NODES announces it (IPv6 unbracketed) split at the last colon; null without one. Pure. */
export function splitAddr(addr: string): { host: string; port: number } | null {
  const i = addr.lastIndexOf(':');
  return i > 0 ? { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) } : null;
}

/** Parse CLUSTER NODES text (keyed by node id). Pure. */
export function parseClusterNodes(text: string): Map<string, ClusterNodeView> {
  const out = new Map<string, ClusterNodeView>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f.length < 8) continue;
    const flags = (f[2] ?? '').split(',');
    const addr = (f[1] ?? '').split('@')[0] ?? '';
    out.set(f[0] as string, {
      addr,
      role: flags.includes('master') ? 'master' : 'replica',
      failure: flags.includes('fail') ? 'fail' : flags.includes('fail?') ? 'pfail' : '',
    });
  }
  return out;
}

export interface ClusterChange {
  kind: string;
  addr?: string;
  detail?: string;
}

/** Events between two views. Pure. */
export function diffClusterViews(prev: ClusterView | null, next: ClusterView): ClusterChange[] {
  if (!prev) return [];
  const out: ClusterChange[] = [];
  if (prev.state !== next.state) out.push({ kind: 'cluster-state', detail: `${prev.state} → ${next.state}` });
  for (const [id, n] of next.nodes) {
    const p = prev.nodes.get(id);
    if (!p) continue;
    if (p.failure !== n.failure) {
      if (n.failure === 'pfail') out.push({ kind: '+pfail', addr: n.addr });
      else if (n.failure === 'fail') out.push({ kind: '+fail', addr: n.addr });
      else out.push({ kind: '-fail', addr: n.addr });
    }
    if (p.role === 'replica' && n.role === 'master') out.push({ kind: '+promoted', addr: n.addr });
    if (p.role === 'master' && n.role === 'replica') out.push({ kind: '+demoted', addr: n.addr });
  }
  return out;
}

export interface ClusterWatch {
  stop(): void;
}

/**
 * How many cluster nodes a node is cut from, at its bus proxy or by address (0 without a
 * partition). During a partition the node cut from the fewest sees what the majority sees. Pure.
 */
export function cutSize(t: Pick<Topology, 'addressCuts'>, n: Pick<TopoNode, 'name' | 'busProxy'>): number {
  const f = n.busProxy?.fault;
  if (f?.kind === 'cut') return f.peers.busNodeIds?.length ?? 0;
  return t.addressCuts?.get(n.name) ?? 0;
}

/**
 * Watch a topology's cluster (started or attached): poll CLUSTER NODES and CLUSTER INFO every
 * 200 ms through its first live node and emit each change as a TopoEvent naming the node it
 * is about. During a partition it asks a node of the largest side (cut from the fewest
 * nodes), so the events are the majority's view.
 */
export function watchTopologyCluster(
  t: Pick<Topology, 'nodes' | 'nodeByAddress' | 'emit' | 'password' | 'username' | 'tls' | 'addressCuts'>,
): ClusterWatch {
  let stopped = false;
  let prev: ClusterView | null = null;
  let timer: NodeJS.Timeout | null = null;
  const liveNodes = () =>
    t.nodes
      .filter((n) => n.process === null || n.process.status === 'running')
      .map((n, i) => ({ n, i, cut: cutSize(t, n) }))
      .sort((a, b) => a.cut - b.cut || a.i - b.i)
      .map((x) => x.n);
  const tick = async () => {
    for (const n of liveNodes()) {
      try {
        const o = { ...nodeAuth(t, n), timeoutMs: 500 };
        const [nodes, info] = await Promise.all([redisOnce(n.port, ['CLUSTER', 'NODES'], o), redisOnce(n.port, ['CLUSTER', 'INFO'], o)]);
        if (nodes instanceof Error || info instanceof Error) continue;
        const view: ClusterView = { state: parseInfo(String(info)).cluster_state ?? 'unknown', nodes: parseClusterNodes(String(nodes)) };
        const atMs = Date.now();
        for (const c of stopped ? [] : diffClusterViews(prev, view)) {
          const a = c.addr ? splitAddr(c.addr) : null;
          t.emit({ atMs, kind: c.kind, node: a ? t.nodeByAddress(a.host, a.port)?.name : undefined, detail: c.detail ?? c.addr });
        }
        prev = view;
        break;
      } catch {
        /* try the next live node */
      }
    }
    if (!stopped) timer = setTimeout(() => void tick(), 200);
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
