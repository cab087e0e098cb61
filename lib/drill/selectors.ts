/**
 * The one node-selector grammar of runbooks: primary (the master now), replica (the first
 * live replica of the master now), replicas, all, down (stopped nodes), new (added by
 * scale-out), old (the starting nodes), or a node name. Resolved when a step runs; the
 * fault actions below take node names only.
 */
import { UserError } from '../core/errors.js';
import { firstLiveReplica } from '../faults/index.js';
import { redisInfo } from '../stack/info.js';
import { nodeAuth } from '../topology/node-auth.js';
import type { Topology, TopoNode } from '../topology/types.js';

async function roleOf(t: Topology, n: TopoNode): Promise<'master' | 'replica' | 'down'> {
  if (n.process && n.process.status !== 'running') return 'down';
  const r = await redisInfo(n.port, 'replication', nodeAuth(t, n)).catch(() => null);
  if (!r) return 'down';
  return r.role === 'master' ? 'master' : 'replica';
}

/** Node names a selector stands for, now. */
export async function resolveSelector(t: Topology, sel: string, initialNodes: string[]): Promise<string[]> {
  switch (sel) {
    case 'primary':
      return [(await t.currentPrimary()).name];
    case 'replica':
      return [(await firstLiveReplica(t)).name];
    case 'replicas': {
      const out: string[] = [];
      for (const n of t.nodes) if ((await roleOf(t, n)) === 'replica') out.push(n.name);
      if (out.length === 0) throw new UserError("selector 'replicas' found no live replica");
      return out;
    }
    case 'all':
      return t.nodes.map((n) => n.name);
    case 'down': {
      const out = t.nodes.filter((n) => n.process !== null && n.process.status === 'exited').map((n) => n.name);
      if (out.length === 0) throw new UserError("selector 'down' found no stopped node");
      return out;
    }
    case 'new': {
      const out = t.nodes.filter((n) => !initialNodes.includes(n.name)).map((n) => n.name);
      if (out.length === 0) throw new UserError("selector 'new' found no node added by scale-out");
      return out;
    }
    case 'old': {
      const out = t.nodes.filter((n) => initialNodes.includes(n.name)).map((n) => n.name);
      if (out.length === 0) throw new UserError("selector 'old' found none of the starting nodes");
      return out;
    }
    default:
      return [t.node(sel).name];
  }
}
