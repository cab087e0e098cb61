/** A node's fault proxies: the client one and, on a Cluster node, the bus one. Pure. */
import type { FaultProxy } from '../netfault/types.js';
import type { TopoNode } from './types.js';

export function nodeProxies(n: { proxy?: TopoNode['proxy']; busProxy?: TopoNode['busProxy'] }): FaultProxy[] {
  return [n.proxy, n.busProxy].filter((p): p is FaultProxy => p !== null && p !== undefined);
}
