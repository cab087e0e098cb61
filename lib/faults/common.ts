/**
 * What every fault action shares: the node it acts on (by name; the drill resolves its
 * selectors before calling), the safety gate for nodes stormdrill did not start, an event
 * recorder, and an abortable sleep and wait.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../core/errors.js';
import { isLoopback } from '../core/loopback.js';
import { redisInfo, waitUntil } from '../stack/info.js';
import { nodeAuth } from '../topology/node-auth.js';
import type { TopoEvent, Topology, TopoNode } from '../topology/types.js';
import type { ActionContext, ActionResult } from './types.js';

export class Recorder {
  readonly events: TopoEvent[] = [];
  readonly detail: ActionResult['detail'] = {};
  constructor(private readonly t: Topology) {}
  emit(kind: string, node?: string, detail?: string): void {
    const e: TopoEvent = { atMs: Date.now(), kind, node, detail };
    this.events.push(e);
    this.t.emit(e);
  }
  result(): ActionResult {
    return { events: this.events, detail: this.detail };
  }
}

/** Sleep `ms`; rejects with 'interrupted' as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => {
    throw new UserError('interrupted');
  });
}

/** The first live replica of the master now (the default target of a planned switchover). */
export async function firstLiveReplica(t: Topology): Promise<TopoNode> {
  const p = await t.currentPrimary();
  for (const n of t.nodes) {
    if (n === p || n.process?.status === 'exited') continue;
    const rep = await redisInfo(n.port, 'replication', nodeAuth(t, n)).catch(() => null);
    if (rep?.role === 'slave' && (t.kind !== 'cluster' || t.nodeByAddress(rep.master_host ?? '', Number(rep.master_port)) === p)) return n;
  }
  throw new UserError(`no live replica of ${p.name} found`);
}

/** Refuse destructive actions on nodes this process did not start, unless allowed. */
export function assertDestructiveAllowed(ctx: ActionContext, node: { name: string; host: string; owned: boolean }, action: string): void {
  if (node.owned) return;
  if (!ctx.allowDestructive)
    throw new UserError(
      `refusing to ${action} ${node.name} (${node.host}): stormdrill did not start it; pass --allow-destructive to allow it`,
    );
  if (!isLoopback(node.host) && !ctx.confirmNonLoopback)
    throw new UserError(
      `refusing to ${action} ${node.name} on non-loopback host ${node.host}: add --confirm-non-loopback as well as --allow-destructive`,
    );
}

/** The node an action acts on, past the safety gate when the action is destructive, and a recorder of its events. */
export function actionOn(ctx: ActionContext, node: string, destructive?: string): { t: Topology; n: TopoNode; rec: Recorder } {
  const n = ctx.topology.node(node);
  if (destructive) assertDestructiveAllowed(ctx, n, destructive);
  return { t: ctx.topology, n, rec: new Recorder(ctx.topology) };
}

export function needProcess(n: TopoNode, action: string) {
  if (!n.process) throw new UserError(`${action} needs a process stormdrill started; ${n.name} is external: use shutdown or debug-sleep`);
  return n.process;
}

/** Poll `check` until it holds; rejects naming `what` after timeoutMs, or at once when `signal` aborts. */
export async function waitFn(what: string, check: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  try {
    await Promise.race([
      waitUntil(
        what,
        async () => {
          if (signal?.aborted) throw new UserError('interrupted');
          return check();
        },
        timeoutMs,
        50,
      ),
      new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new UserError('interrupted')), { once: true })),
    ]);
  } catch (err) {
    throw new UserError(`wait-for failed: ${(err as Error).message}`);
  }
}
