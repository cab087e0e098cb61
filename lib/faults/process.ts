/**
 * Process faults on one node: kill -9, SIGSTOP/SIGCONT, graceful shutdown, restart on the
 * same port and dir, DEBUG SLEEP and CLIENT PAUSE. Each applied fault registers its undo.
 */
import { UserError } from '../core/errors.js';
import { redisOnce } from '../redis/once.js';
import { startRedisServer } from '../stack/redis.js';
import { nodeAuth } from '../topology/node-auth.js';
import { peerAddress, startOptionsOf } from '../topology/start.js';
import type { Topology, TopoNode } from '../topology/types.js';
import { actionOn, needProcess, type Recorder, sleep } from './common.js';
import { clearUndo, registerUndo, unpause } from './restore.js';
import type {
  ActionContext,
  ActionResult,
  ClientPauseParams,
  DebugSleepParams,
  FreezeParams,
  NodeParams,
  ShutdownParams,
} from './types.js';

/** kill -9 the node and wait until it is gone. */
export async function crash(ctx: ActionContext, p: NodeParams): Promise<ActionResult> {
  const { n, rec } = actionOn(ctx, p.node, 'crash');
  const proc = needProcess(n, 'crash (kill -9)');
  rec.emit('crash', n.name, `kill -9 pid ${proc.pid}`);
  await proc.crash();
  rec.detail.node = n.name;
  return rec.result();
}

/** SIGSTOP the node; with durationMs, SIGCONT after that long (and return then). */
export async function freeze(ctx: ActionContext, p: FreezeParams): Promise<ActionResult> {
  const { t, n, rec } = actionOn(ctx, p.node, 'freeze');
  const proc = needProcess(n, 'freeze (SIGSTOP)');
  registerUndo(t, n, 'freeze', () => proc.thaw());
  proc.freeze();
  rec.emit('freeze', n.name, p.durationMs ? `SIGSTOP for ${p.durationMs} ms` : 'SIGSTOP');
  rec.detail.node = n.name;
  if (p.durationMs) {
    try {
      await sleep(p.durationMs, ctx.signal);
    } finally {
      release(t, n, proc, rec);
    }
  }
  return rec.result();
}

/** SIGCONT a frozen node. */
export async function thaw(ctx: ActionContext, p: NodeParams): Promise<ActionResult> {
  const { t, n, rec } = actionOn(ctx, p.node);
  const proc = needProcess(n, 'thaw (SIGCONT)');
  release(t, n, proc, rec);
  return rec.result();
}

/** SIGCONT, the freeze's undo dropped, the thaw on the timeline: the end of every freeze. */
function release(t: Topology, n: TopoNode, proc: { thaw(): void }, rec: Recorder): void {
  proc.thaw();
  clearUndo(t, n, 'freeze');
  rec.emit('thaw', n.name, 'SIGCONT');
}

/** Graceful shutdown: SHUTDOWN NOSAVE (default) or SIGTERM; waits until the process exits. */
export async function shutdown(ctx: ActionContext, p: ShutdownParams): Promise<ActionResult> {
  const { t, n, rec } = actionOn(ctx, p.node, 'shut down');
  const mode = p.mode ?? 'nosave';
  rec.emit('shutdown', n.name, mode === 'nosave' ? 'SHUTDOWN NOSAVE' : 'SIGTERM');
  if (mode === 'sigterm') {
    await needProcess(n, 'shutdown by SIGTERM').stop(10_000);
  } else {
    // The server closes the connection instead of replying.
    await redisOnce(n.port, ['SHUTDOWN', 'NOSAVE'], { ...nodeAuth(t, n), timeoutMs: 5000 }).catch(() => null);
    if (n.process) {
      const exited = await Promise.race([n.process.exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!exited) throw new UserError(`${n.name} did not exit within 10 s after SHUTDOWN NOSAVE`);
    }
  }
  return rec.result();
}

/** Start the node again on the same port and dir (stopping it first if it runs). */
export async function restart(ctx: ActionContext, p: NodeParams): Promise<ActionResult> {
  const { t, n, rec } = actionOn(ctx, p.node, 'restart');
  const proc = needProcess(n, 'restart');
  const opts = startOptionsOf(n);
  if (!opts) throw new UserError(`${n.name}: its start options are unknown, it cannot be restarted`);
  if (proc.running) await proc.stop(10_000);
  let replicaOf = opts.replicaOf;
  if (t.kind === 'sentinel' || t.kind === 'haproxy' || t.kind === 'replicas') {
    // Come back as a replica of the master now (what Sentinel would tell it anyway, and
    // what a switchover's CONFIG REWRITE would have persisted); as master when there is none.
    const primary = await t.currentPrimary().catch(() => null);
    replicaOf = primary && primary !== n ? peerAddress(t.spec, primary) : undefined;
  }
  const started = Date.now();
  const rn = await startRedisServer({ ...opts, replicaOf });
  n.process = rn.process;
  rec.detail.readyMs = Date.now() - started;
  rec.emit('restart', n.name, `pid ${rn.process.pid} on port ${n.port}${replicaOf ? ` replicaof ${replicaOf.port}` : ''}`);
  return rec.result();
}

/** DEBUG SLEEP: the server blocks for `seconds`; returns when it answers again. */
export async function debugSleep(ctx: ActionContext, p: DebugSleepParams): Promise<ActionResult> {
  const { t, n, rec } = actionOn(ctx, p.node, 'DEBUG SLEEP');
  rec.emit('debug-sleep', n.name, `DEBUG SLEEP ${p.seconds}`);
  const r = await redisOnce(n.port, ['DEBUG', 'SLEEP', String(p.seconds)], { ...nodeAuth(t, n), timeoutMs: p.seconds * 1000 + 5000 });
  if (r instanceof Error) throw new UserError(`DEBUG SLEEP on ${n.name} failed: ${r.message}`);
  rec.emit('debug-sleep-end', n.name);
  return rec.result();
}

/** CLIENT PAUSE ms WRITE|ALL (returns at once; the pause lasts `ms`). */
export async function clientPause(ctx: ActionContext, p: ClientPauseParams): Promise<ActionResult> {
  const { t, n, rec } = actionOn(ctx, p.node, 'CLIENT PAUSE');
  const mode = (p.mode ?? 'write').toUpperCase();
  const r = await redisOnce(n.port, ['CLIENT', 'PAUSE', String(p.ms), mode], { ...nodeAuth(t, n), timeoutMs: 2000 });
  if (r instanceof Error) throw new UserError(`CLIENT PAUSE on ${n.name} failed: ${r.message}`);
  registerUndo(t, n, 'client-pause', () => unpause(t, n));
  setTimeout(() => clearUndo(t, n, 'client-pause'), p.ms).unref();
  rec.emit('client-pause', n.name, `CLIENT PAUSE ${p.ms} ${mode}`);
  rec.detail.endsAtMs = Date.now() + p.ms;
  return rec.result();
}
