/**
 * The restore registry: every applied fault registers its undo (thaw, heal, CLIENT
 * UNPAUSE) with lib/core/lifecycle, so SIGINT/SIGTERM (runCleanups) restores it. Undoing
 * a fault explicitly removes its entry. restoreTopology() undoes everything still active.
 */
import { registerCleanup } from '../core/lifecycle.js';
import { redisOnce } from '../redis/once.js';
import { nodeAuth } from '../topology/node-auth.js';
import { nodeProxies } from '../topology/node-proxies.js';
import type { Topology, TopoNode } from '../topology/types.js';

type Key = string;

const active = new Map<Key, { undo: () => Promise<void> | void; unregister: () => void; what: string }>();

/** A node or a Sentinel: what a fault can be applied to. */
type Target = Pick<TopoNode, 'name'>;

function key(t: Topology, node: Target, kind: string): Key {
  return `${t.dir}|${node.name}|${kind}`;
}

/** Register the undo of a fault on `node` (replacing an earlier one of the same kind). */
export function registerUndo(
  t: Topology,
  node: Target,
  kind: 'freeze' | 'network' | 'client-pause',
  undo: () => Promise<void> | void,
): void {
  const k = key(t, node, kind);
  active.get(k)?.unregister();
  const what = `${kind} on ${node.name}`;
  const unregister = registerCleanup(`undo ${what}`, async () => {
    active.delete(k);
    await undo();
  });
  active.set(k, { undo, unregister, what });
}

/** Forget the undo of a fault that was undone normally. */
export function clearUndo(t: Topology, node: Target, kind: 'freeze' | 'network' | 'client-pause'): void {
  const k = key(t, node, kind);
  active.get(k)?.unregister();
  active.delete(k);
}

/** Undo a registered fault now (e.g. `heal` of address cuts); nothing when none is registered. */
export async function undoNow(t: Topology, node: Target, kind: 'freeze' | 'network' | 'client-pause'): Promise<void> {
  const v = active.get(key(t, node, kind));
  if (!v) return;
  clearUndo(t, node, kind);
  await v.undo();
}

/** What is still applied (e.g. ['freeze on replica-1']) for `t`. */
export function activeFaults(t: Topology): string[] {
  return [...active.entries()].filter(([k]) => k.startsWith(`${t.dir}|`)).map(([, v]) => v.what);
}

/** Thaw every frozen node, heal every proxy, unpause paused clients of `t`. */
export async function restoreTopology(t: Topology): Promise<string[]> {
  const done: string[] = [];
  for (const [k, v] of [...active.entries()]) {
    if (!k.startsWith(`${t.dir}|`)) continue;
    v.unregister();
    active.delete(k);
    try {
      await v.undo();
      done.push(v.what);
    } catch {
      /* best effort: the node may be gone */
    }
  }
  // what no registered undo covered (nodes, then Sentinels: only nodes are ever frozen)
  for (const m of [...t.nodes, ...t.sentinels]) {
    if (m.process?.status === 'frozen') {
      m.process.thaw();
      done.push(`freeze on ${m.name}`);
    }
    for (const x of nodeProxies(m)) {
      if (!x.fault) continue;
      x.heal();
      done.push(`network on ${m.name}`);
    }
  }
  return [...new Set(done)];
}

/** CLIENT UNPAUSE on a node (undo of CLIENT PAUSE). */
export async function unpause(t: Topology, n: TopoNode): Promise<void> {
  await redisOnce(n.port, ['CLIENT', 'UNPAUSE'], { ...nodeAuth(t, n), timeoutMs: 1000 });
}
