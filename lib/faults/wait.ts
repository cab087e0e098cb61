/** Waiting for a condition on a topology: an event, a role, a link, caught-up replicas, cluster ok, a new primary. */
import { UserError } from '../core/errors.js';
import { redisInfo } from '../stack/info.js';
import { nodeAuth } from '../topology/node-auth.js';
import { waitClusterOk } from '../topology/start.js';
import type { TopoEvent, Topology, TopoNode } from '../topology/types.js';
import { Recorder, waitFn } from './common.js';
import type { ActionContext, ActionResult, WaitCondition, WaitForParams } from './types.js';

/** Has every live replica of `primary` (or each of `nodes`) applied all it has written? */
export async function replicasCaughtUp(t: Topology, primary: TopoNode, nodes?: TopoNode[]): Promise<boolean> {
  const target = Number((await redisInfo(primary.port, 'replication', nodeAuth(t, primary))).master_repl_offset);
  for (const n of nodes ?? t.nodes.filter((x) => x !== primary && x.process?.status !== 'exited')) {
    const rep = await redisInfo(n.port, 'replication', nodeAuth(t, n));
    if (rep.role !== 'slave') continue;
    if (t.kind === 'cluster' && t.nodeByAddress(rep.master_host ?? '', Number(rep.master_port)) !== primary) continue;
    if (rep.master_link_status !== 'up' || Number(rep.slave_repl_offset) < target) return false;
  }
  return true;
}

/** Wait until the topology names a primary other than `old` that reports the master role. */
export async function waitNewPrimary(t: Topology, old: TopoNode, timeoutMs: number, signal?: AbortSignal): Promise<TopoNode> {
  let found: TopoNode | null = null;
  await waitFn(
    `a new primary (other than ${old.name})`,
    async () => {
      const p = await t.currentPrimary();
      if (p === old) return false;
      const rep = await redisInfo(p.port, 'replication', nodeAuth(t, p));
      if (rep.role !== 'master') return false;
      found = p;
      return true;
    },
    timeoutMs,
    signal,
  );
  return found as unknown as TopoNode;
}

function describeCondition(c: WaitCondition): string {
  switch (c.kind) {
    case 'event':
      return `event ${c.event}${c.node ? ` on ${c.node}` : ''}`;
    case 'role':
      return `${c.node} to be ${c.role}`;
    case 'link-up':
      return `${c.node}'s replication link up`;
    case 'caught-up':
      return `replicas${c.node ? ` (${c.node})` : ''} caught up with the primary offset`;
    case 'cluster-ok':
      return 'cluster_state:ok on every node';
    case 'new-primary':
      return `a new primary${c.from ? ` other than ${c.from}` : ''}`;
  }
}

/** Wait until `condition` holds, or fail with a clear message after timeoutMs. */
export async function waitFor(ctx: ActionContext, p: WaitForParams): Promise<ActionResult> {
  const t = ctx.topology;
  const c = p.condition;
  const rec = new Recorder(t);
  const started = Date.now();
  const what = describeCondition(c);
  switch (c.kind) {
    case 'event': {
      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          clearTimeout(timer);
          t.events.off('event', on);
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve();
        };
        const on = (e: TopoEvent) => {
          seen.push(e.kind);
          if (e.kind === c.event && (!c.node || e.node === c.node)) done();
        };
        const signal = ctx.signal;
        const onAbort = () => done(new UserError('interrupted'));
        const timer = setTimeout(
          () =>
            done(
              new UserError(
                `wait-for ${what} timed out after ${p.timeoutMs} ms (events seen meanwhile: ${seen.length ? [...new Set(seen)].join(', ') : 'none'})`,
              ),
            ),
          p.timeoutMs,
        );
        t.events.on('event', on);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      break;
    }
    case 'role':
    case 'link-up': {
      const n = t.node(c.node);
      const holds = (r: Record<string, string>) =>
        c.kind === 'role' ? r.role === (c.role === 'replica' ? 'slave' : 'master') : r.master_link_status === 'up';
      await waitFn(what, async () => holds(await redisInfo(n.port, 'replication', nodeAuth(t, n))), p.timeoutMs, ctx.signal);
      break;
    }
    case 'caught-up': {
      await waitFn(
        what,
        async () => replicasCaughtUp(t, await t.currentPrimary(), c.node ? [t.node(c.node)] : undefined),
        p.timeoutMs,
        ctx.signal,
      );
      break;
    }
    case 'cluster-ok':
      if (t.kind !== 'cluster') throw new UserError(`cluster-ok needs a cluster topology, not ${t.kind}`);
      try {
        await waitClusterOk(t, p.timeoutMs);
      } catch (err) {
        throw new UserError(`wait-for failed: ${(err as Error).message}`);
      }
      break;
    case 'new-primary': {
      const from = c.from ? t.node(c.from) : await t.currentPrimary();
      const next = await waitNewPrimary(t, from, p.timeoutMs, ctx.signal);
      rec.detail.primary = next.name;
      break;
    }
  }
  rec.detail.waitedMs = Date.now() - started;
  rec.emit('wait-done', undefined, `${what} after ${Date.now() - started} ms`);
  return rec.result();
}
