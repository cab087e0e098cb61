/** How clients reach a drill's topology (the workload, fill and audit use it). */
import type { ConnectionOptions } from '../../redis/index.js';
import { topologyAuth } from '../../topology/node-auth.js';
import type { Topology, TopoNode } from '../../topology/types.js';

/** One node as clients reach it: through its fault proxy when it has one. */
export function nodeConnectionOf(t: Topology, n: TopoNode): ConnectionOptions {
  return { host: n.host, port: n.proxyPort, ...topologyAuth(t) };
}

export function connectionOf(t: Topology): ConnectionOptions {
  const e = t.endpoint;
  const auth = topologyAuth(t);
  if (e.kind === 'direct') return { host: e.host, port: e.port, ...auth };
  if (e.kind === 'sentinel') return { sentinels: e.sentinels.map((s) => `${s.host}:${s.port}`), masterName: e.masterName, ...auth };
  const live = t.nodes.find((n) => n.process === null || n.process.status === 'running');
  const seed = live ? { host: live.host, port: live.proxyPort } : (e.seeds[0] as { host: string; port: number });
  return { host: seed.host, port: seed.port, cluster: true, ...auth };
}
