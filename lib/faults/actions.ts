/**
 * Fault actions: each a library function with typed params, a validate() returning every
 * problem, and a run(). Every action emits timestamped events on topology.events; every
 * applied fault registers its undo (lib/faults/restore.ts) so SIGINT restores it.
 *
 * Node parameters take a node name ('primary', 'replica-2', 'master-1', ...) or a selector
 * resolved when the action runs: '@primary' (the master now) or '@replica' (the first
 * live replica of the master now).
 */
import { UserError } from '../core/errors.js';
import { isLoopback } from '../core/loopback.js';
import { redisInfo, waitUntil } from '../stack/info.js';
import { redisOnce } from '../stack/probe.js';
import { startRedisServer } from '../stack/redis.js';
import { peerAddress, startOptionsOf, waitClusterOk, waitHaproxyFollows, waitSentinelsAgree } from '../topology/start.js';
import type { TopoEvent, Topology, TopoNode } from '../topology/types.js';
import { describeFault, validateFault } from './classify.js';
import { clearUndo, registerUndo, unpause } from './restore.js';
import type {
  ActionContext,
  ActionResult,
  ClientPauseParams,
  DebugSleepParams,
  FreezeParams,
  HealParams,
  NetworkFaultParams,
  NodeParams,
  ScaleInParams,
  ShutdownParams,
  SwitchoverParams,
  WaitCondition,
  WaitForParams,
} from './types.js';

// ---------------------------------------------------------------- helpers

class Recorder {
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UserError('interrupted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new UserError('interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolve a node name or selector ('@primary', '@replica'). */
export async function resolveNode(t: Topology, sel: string): Promise<TopoNode> {
  if (sel === '@primary') return t.currentPrimary();
  if (sel === '@replica') {
    const p = await t.currentPrimary();
    for (const n of t.nodes) {
      if (n === p || n.process?.status === 'exited') continue;
      const rep = await redisInfo(n.port, 'replication', { host: n.host, password: t.password }).catch(() => null);
      if (rep?.role === 'slave' && (t.kind !== 'cluster' || t.nodeByAddress(rep.master_host ?? '', Number(rep.master_port)) === p))
        return n;
    }
    throw new UserError(`no live replica of ${p.name} found for '@replica'`);
  }
  return t.node(sel);
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

function needProcess(n: TopoNode, action: string) {
  if (!n.process) throw new UserError(`${action} needs a process stormdrill started; ${n.name} is external: use shutdown or debug-sleep`);
  return n.process;
}

function auth(t: Topology, n: TopoNode) {
  return { host: n.host, password: t.password, user: undefined as string | undefined };
}

function nodeProblems(p: Record<string, unknown>, field = 'node'): string[] {
  const v = p[field];
  return typeof v === 'string' && v.length > 0
    ? []
    : [`'${field}' is required: a node name such as primary or replica-1, or @primary / @replica`];
}

function intProblems(p: Record<string, unknown>, field: string, min: number, max: number, required: boolean): string[] {
  const v = p[field];
  if (v === undefined) return required ? [`'${field}' is required (an integer ${min}..${max})`] : [];
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
    ? []
    : [`'${field}' must be an integer ${min}..${max} (got ${JSON.stringify(v)})`];
}

function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------- process faults

/** kill -9 the node and wait until it is gone. */
export async function crash(ctx: ActionContext, p: NodeParams): Promise<ActionResult> {
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'crash');
  const proc = needProcess(n, 'crash (kill -9)');
  const rec = new Recorder(t);
  rec.emit('crash', n.name, `kill -9 pid ${proc.pid}`);
  await proc.crash();
  rec.detail.node = n.name;
  return rec.result();
}

/** SIGSTOP the node; with durationMs, SIGCONT after that long (and return then). */
export async function freeze(ctx: ActionContext, p: FreezeParams): Promise<ActionResult> {
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'freeze');
  const proc = needProcess(n, 'freeze (SIGSTOP)');
  const rec = new Recorder(t);
  registerUndo(t, n, 'freeze', () => proc.thaw());
  proc.freeze();
  rec.emit('freeze', n.name, p.durationMs ? `SIGSTOP for ${p.durationMs} ms` : 'SIGSTOP');
  rec.detail.node = n.name;
  if (p.durationMs) {
    try {
      await sleep(p.durationMs, ctx.signal);
    } finally {
      proc.thaw();
      clearUndo(t, n, 'freeze');
      rec.emit('thaw', n.name, 'SIGCONT');
    }
  }
  return rec.result();
}

/** SIGCONT a frozen node. */
export async function thaw(ctx: ActionContext, p: NodeParams): Promise<ActionResult> {
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  const proc = needProcess(n, 'thaw (SIGCONT)');
  const rec = new Recorder(t);
  proc.thaw();
  clearUndo(t, n, 'freeze');
  rec.emit('thaw', n.name, 'SIGCONT');
  return rec.result();
}

/** Graceful shutdown: SHUTDOWN NOSAVE (default) or SIGTERM; waits until the process exits. */
export async function shutdown(ctx: ActionContext, p: ShutdownParams): Promise<ActionResult> {
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'shut down');
  const rec = new Recorder(t);
  const mode = p.mode ?? 'nosave';
  rec.emit('shutdown', n.name, mode === 'nosave' ? 'SHUTDOWN NOSAVE' : 'SIGTERM');
  if (mode === 'sigterm') {
    await needProcess(n, 'shutdown by SIGTERM').stop(10_000);
  } else {
    // The server closes the connection instead of replying.
    await redisOnce(n.port, ['SHUTDOWN', 'NOSAVE'], { ...auth(t, n), timeoutMs: 5000 }).catch(() => null);
    if (n.process) {
      const exited = await Promise.race([n.process.exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!exited) throw new UserError(`${n.name} did not exit within 10 s after SHUTDOWN NOSAVE`);
    }
  }
  return rec.result();
}

/** Start the node again on the same port and dir (stopping it first if it runs). */
export async function restart(ctx: ActionContext, p: NodeParams): Promise<ActionResult> {
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'restart');
  const proc = needProcess(n, 'restart');
  const opts = startOptionsOf(n);
  if (!opts) throw new UserError(`${n.name}: its start options are unknown, it cannot be restarted`);
  const rec = new Recorder(t);
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
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'DEBUG SLEEP');
  const rec = new Recorder(t);
  rec.emit('debug-sleep', n.name, `DEBUG SLEEP ${p.seconds}`);
  const r = await redisOnce(n.port, ['DEBUG', 'SLEEP', String(p.seconds)], { ...auth(t, n), timeoutMs: p.seconds * 1000 + 5000 });
  if (r instanceof Error) throw new UserError(`DEBUG SLEEP on ${n.name} failed: ${r.message}`);
  rec.emit('debug-sleep-end', n.name);
  return rec.result();
}

/** CLIENT PAUSE ms WRITE|ALL (returns at once; the pause lasts `ms`). */
export async function clientPause(ctx: ActionContext, p: ClientPauseParams): Promise<ActionResult> {
  const t = ctx.topology;
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'CLIENT PAUSE');
  const rec = new Recorder(t);
  const mode = (p.mode ?? 'write').toUpperCase();
  const r = await redisOnce(n.port, ['CLIENT', 'PAUSE', String(p.ms), mode], { ...auth(t, n), timeoutMs: 2000 });
  if (r instanceof Error) throw new UserError(`CLIENT PAUSE on ${n.name} failed: ${r.message}`);
  registerUndo(t, n, 'client-pause', () => unpause(t, n));
  setTimeout(() => clearUndo(t, n, 'client-pause'), p.ms).unref();
  rec.emit('client-pause', n.name, `CLIENT PAUSE ${p.ms} ${mode}`);
  rec.detail.endsAtMs = Date.now() + p.ms;
  return rec.result();
}

// ---------------------------------------------------------------- network faults

/** Apply a network fault on the node's proxy; with durationMs, heal after that long. */
export async function networkFault(ctx: ActionContext, p: NetworkFaultParams): Promise<ActionResult> {
  const t = ctx.topology;
  const problems = validateFault(p.fault);
  if (problems.length > 0) throw new UserError(problems.join('; '));
  const n = await resolveNode(t, p.node);
  assertDestructiveAllowed(ctx, n, 'inject a network fault on');
  const proxy = n.proxy;
  if (!proxy) throw new UserError(`${n.name} has no fault proxy: start the topology with fault proxies (the default)`);
  let fault = p.fault;
  if (p.peer) {
    const peer = await resolveNode(t, p.peer);
    if (peer === n) throw new UserError(`peer ${peer.name} is the faulted node itself: name one of its replicas`);
    fault = { ...fault, peerPort: peerAddress(t.spec, peer).port };
  }
  const rec = new Recorder(t);
  registerUndo(t, n, 'network', () => proxy.heal());
  proxy.setFault(fault);
  rec.emit('fault', n.name, `${describeFault(fault)}${p.peer ? ` (link of ${p.peer})` : ''}`);
  if (p.durationMs) {
    try {
      await sleep(p.durationMs, ctx.signal);
    } finally {
      proxy.heal();
      clearUndo(t, n, 'network');
      rec.emit('heal', n.name);
    }
  }
  return rec.result();
}

/** Remove network faults (one node, or all). */
export async function heal(ctx: ActionContext, p: HealParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  const rec = new Recorder(t);
  const nodes = p.node ? [await resolveNode(t, p.node)] : t.nodes;
  for (const n of nodes) {
    if (!n.proxy) continue;
    const had = n.proxy.fault;
    n.proxy.heal();
    clearUndo(t, n, 'network');
    if (had) rec.emit('heal', n.name, describeFault(had));
  }
  return rec.result();
}

// ---------------------------------------------------------------- planned switchover

/** Has every live replica of `primary` (or each of `nodes`) applied all it has written? */
export async function replicasCaughtUp(t: Topology, primary: TopoNode, nodes?: TopoNode[]): Promise<boolean> {
  const target = Number((await redisInfo(primary.port, 'replication', auth(t, primary))).master_repl_offset);
  for (const n of nodes ?? t.nodes.filter((x) => x !== primary && x.process?.status !== 'exited')) {
    const rep = await redisInfo(n.port, 'replication', auth(t, n));
    if (rep.role !== 'slave') continue;
    if (t.kind === 'cluster' && t.nodeByAddress(rep.master_host ?? '', Number(rep.master_port)) !== primary) continue;
    if (rep.master_link_status !== 'up' || Number(rep.slave_repl_offset) < target) return false;
  }
  return true;
}

function sentinelMasterName(t: Topology): string {
  if (t.spec.kind !== 'sentinel' && t.spec.kind !== 'haproxy')
    throw new UserError(`SENTINEL FAILOVER needs a sentinel or haproxy topology, not ${t.kind}`);
  return t.spec.masterName;
}

/**
 * SENTINEL FAILOVER: Sentinel promotes a replica; returns when every Sentinel has finished
 * the failover and names the new master, and HAProxy routes to it. detail.promotedMs = when
 * the new master was first named, detail.tookMs = the whole switchover.
 */
export async function sentinelFailover(ctx: ActionContext, p: SwitchoverParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  const name = sentinelMasterName(t);
  const old = await t.currentPrimary();
  assertDestructiveAllowed(ctx, old, 'fail over');
  const rec = new Recorder(t);
  const timeoutMs = p.timeoutMs ?? 30_000;
  const started = Date.now();
  rec.emit('switchover-start', old.name, 'SENTINEL FAILOVER');
  // SENTINEL FAILOVER does not wait for the replicas: the old primary acknowledges writes
  // until Sentinel demotes it, and those are lost when it resyncs from the new one. So first
  // pause writes on it (they block, not fail) until every replica has applied everything;
  // once it is a replica the blocked writes fail (READONLY or a killed connection), never
  // acknowledged. pauseWrites: false keeps Sentinel's bare behaviour, to show the loss.
  const pause = p.pauseWrites !== false && old.process?.status !== 'exited';
  if (pause) {
    const r = await redisOnce(old.port, ['CLIENT', 'PAUSE', String(timeoutMs), 'WRITE'], { ...auth(t, old), timeoutMs: 2000 });
    if (r instanceof Error) throw new UserError(`CLIENT PAUSE WRITE on ${old.name} before SENTINEL FAILOVER failed: ${r.message}`);
    registerUndo(t, old, 'client-pause', () => unpause(t, old));
    rec.emit('client-pause', old.name, 'CLIENT PAUSE WRITE until the replicas caught up and Sentinel demoted it');
  }
  let paused = pause;
  /** End the pause once: right after the demotion, or on the way out after a failure. */
  const release = async () => {
    if (!paused) return;
    paused = false;
    await unpause(t, old).catch(() => undefined);
    clearUndo(t, old, 'client-pause');
  };
  try {
    if (pause)
      await waitFn(`the replicas of ${old.name} to catch up`, () => replicasCaughtUp(t, old), Math.min(timeoutMs, 10_000), ctx.signal);
    let asked = false;
    for (const s of t.sentinels) {
      if (s.process && s.process.status !== 'running') continue;
      const r = await redisOnce(s.port, ['SENTINEL', 'FAILOVER', name], { host: s.host, timeoutMs: 2000 }).catch((e: Error) => e);
      if (r === 'OK') {
        asked = true;
        break;
      }
    }
    if (!asked) throw new UserError(`no Sentinel accepted SENTINEL FAILOVER ${name}`);
    const next = await waitNewPrimary(t, old, timeoutMs, ctx.signal);
    rec.detail.promotedMs = Date.now() - started;
    if (pause) {
      // Sentinel would demote the old primary itself, but only after it has seen it claim the
      // master role for a while (seconds of blocked writers); demote it now, as Sentinel will.
      const addr = peerAddress(t.spec, next);
      const r = await redisOnce(old.port, ['REPLICAOF', addr.host, String(addr.port)], { ...auth(t, old), timeoutMs: 2000 });
      if (r instanceof Error) throw new UserError(`REPLICAOF on ${old.name} after SENTINEL FAILOVER failed: ${r.message}`);
      await release();
    }
    if (t.haproxy) await waitHaproxyFollows(t, Math.max(1000, timeoutMs - (Date.now() - started)));
    // Done when every Sentinel has finished the failover (the leader ends it after reconfiguring the replicas).
    try {
      await waitSentinelsAgree(t, next, Math.max(1000, timeoutMs - (Date.now() - started)));
    } catch (err) {
      throw new UserError(`SENTINEL FAILOVER promoted ${next.name} but the Sentinels did not finish: ${(err as Error).message}`);
    }
    rec.detail.from = old.name;
    rec.detail.to = next.name;
    rec.detail.tookMs = Date.now() - started;
    rec.emit('switchover-done', next.name, `${old.name} → ${next.name} in ${Date.now() - started} ms`);
    return rec.result();
  } finally {
    await release();
  }
}

async function waitNewPrimary(t: Topology, old: TopoNode, timeoutMs: number, signal?: AbortSignal): Promise<TopoNode> {
  let found: TopoNode | null = null;
  await waitFn(
    `a new primary (other than ${old.name})`,
    async () => {
      const p = await t.currentPrimary();
      if (p === old) return false;
      const rep = await redisInfo(p.port, 'replication', { host: p.host, password: t.password });
      if (rep.role !== 'master') return false;
      found = p;
      return true;
    },
    timeoutMs,
    signal,
  );
  return found as unknown as TopoNode;
}

/**
 * FAILOVER (Redis 6.2+) on the primary: it pauses writes, waits for the target replica to
 * catch up, then swaps roles (no acknowledged write is lost). The other replicas are then
 * pointed at the new primary (partial resync). For replicas/standalone topologies; with
 * Sentinel use sentinelFailover (Sentinel reverts a FAILOVER done behind its back).
 */
export async function failover(ctx: ActionContext, p: SwitchoverParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  if (t.kind === 'cluster') throw new UserError('FAILOVER is not for a cluster: use cluster-failover on a replica');
  if (t.kind === 'sentinel' || t.kind === 'haproxy')
    throw new UserError(`FAILOVER behind Sentinel's back is reverted by Sentinel: use sentinel-failover on a ${t.kind} topology`);
  const old = await t.currentPrimary();
  assertDestructiveAllowed(ctx, old, 'fail over');
  const target = p.to ? await resolveNode(t, p.to) : await resolveNode(t, '@replica');
  if (target === old) throw new UserError(`${target.name} is already the primary`);
  const rec = new Recorder(t);
  const timeoutMs = p.timeoutMs ?? 30_000;
  const addr = peerAddress(t.spec, target);
  const args = ['FAILOVER', 'TO', addr.host, String(addr.port), 'TIMEOUT', String(Math.min(timeoutMs, 60_000))];
  if (p.force) args.push('FORCE');
  const started = Date.now();
  rec.emit('switchover-start', old.name, `FAILOVER TO ${target.name}`);
  const r = await redisOnce(old.port, args, { ...auth(t, old), timeoutMs: 5000 });
  if (r instanceof Error) throw new UserError(`FAILOVER on ${old.name} failed: ${r.message}`);
  await waitFn(
    `${target.name} to become master after FAILOVER`,
    async () => (await redisInfo(target.port, 'replication', auth(t, target))).role === 'master',
    timeoutMs,
    ctx.signal,
  );
  if (t.kind === 'replicas') {
    const newAddr = peerAddress(t.spec, target);
    for (const n of t.nodes) {
      if (n === target || n === old || n.process?.status === 'exited') continue;
      await redisOnce(n.port, ['REPLICAOF', newAddr.host, String(newAddr.port)], { ...auth(t, n), timeoutMs: 2000 }).catch(() => null);
    }
  }
  rec.detail.from = old.name;
  rec.detail.to = target.name;
  rec.detail.tookMs = Date.now() - started;
  rec.emit('switchover-done', target.name, `${old.name} → ${target.name} in ${Date.now() - started} ms`);
  return rec.result();
}

/** CLUSTER FAILOVER [FORCE] on a cluster replica; returns when it is master and the cluster is ok. */
export async function clusterFailover(ctx: ActionContext, p: SwitchoverParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  if (t.kind !== 'cluster') throw new UserError(`CLUSTER FAILOVER needs a cluster topology, not ${t.kind}`);
  const target = await resolveNode(t, p.to ?? '@replica');
  assertDestructiveAllowed(ctx, target, 'fail over');
  const rep = await redisInfo(target.port, 'replication', auth(t, target));
  if (rep.role !== 'slave') throw new UserError(`${target.name} is not a replica: CLUSTER FAILOVER runs on a replica`);
  const old = t.nodeByAddress(rep.master_host ?? '', Number(rep.master_port));
  const rec = new Recorder(t);
  const timeoutMs = p.timeoutMs ?? 30_000;
  const started = Date.now();
  rec.emit(
    'switchover-start',
    old?.name ?? `${rep.master_host}:${rep.master_port}`,
    `CLUSTER FAILOVER${p.force ? ' FORCE' : ''} on ${target.name}`,
  );
  const r = await redisOnce(target.port, p.force ? ['CLUSTER', 'FAILOVER', 'FORCE'] : ['CLUSTER', 'FAILOVER'], {
    ...auth(t, target),
    timeoutMs: 2000,
  });
  if (r instanceof Error) throw new UserError(`CLUSTER FAILOVER on ${target.name} failed: ${r.message}`);
  await waitFn(
    `${target.name} to become master after CLUSTER FAILOVER`,
    async () => (await redisInfo(target.port, 'replication', auth(t, target))).role === 'master',
    timeoutMs,
    ctx.signal,
  );
  await waitClusterOk(t, Math.max(1000, timeoutMs - (Date.now() - started)));
  rec.detail.from = old?.name ?? null;
  rec.detail.to = target.name;
  rec.detail.tookMs = Date.now() - started;
  rec.emit('switchover-done', target.name, `${old?.name ?? '?'} → ${target.name} in ${Date.now() - started} ms`);
  return rec.result();
}

// ---------------------------------------------------------------- scaling

/** Add a replica of the current primary; it full-syncs. detail.syncFullDelta = the primary's sync_full increase. */
export async function scaleOut(ctx: ActionContext): Promise<ActionResult> {
  const t = ctx.topology;
  const primary = await t.currentPrimary();
  const before = Number((await redisInfo(primary.port, 'stats', auth(t, primary))).sync_full ?? 0);
  const started = Date.now();
  const n = await t.addReplica();
  const after = Number((await redisInfo(primary.port, 'stats', auth(t, primary))).sync_full ?? 0);
  const rec = new Recorder(t);
  rec.detail.node = n.name;
  rec.detail.syncFullDelta = after - before;
  rec.detail.tookMs = Date.now() - started;
  return rec.result();
}

/** Remove a replica (default: the newest one that is not the primary). */
export async function scaleIn(ctx: ActionContext, p: ScaleInParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  let name = p.node;
  if (!name) {
    const primary = await t.currentPrimary();
    const cand = [...t.nodes].reverse().find((n) => n !== primary);
    if (!cand) throw new UserError('no replica left to remove');
    name = cand.name;
  }
  const n = await resolveNode(t, name);
  assertDestructiveAllowed(ctx, n, 'remove');
  await t.removeReplica(n.name);
  const rec = new Recorder(t);
  rec.detail.node = n.name;
  return rec.result();
}

// ---------------------------------------------------------------- wait-for

async function waitFn(what: string, check: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
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
    case 'role': {
      const n = await resolveNode(t, c.node);
      const want = c.role === 'replica' ? 'slave' : 'master';
      await waitFn(what, async () => (await redisInfo(n.port, 'replication', auth(t, n))).role === want, p.timeoutMs, ctx.signal);
      break;
    }
    case 'link-up': {
      const n = await resolveNode(t, c.node);
      await waitFn(
        what,
        async () => (await redisInfo(n.port, 'replication', auth(t, n))).master_link_status === 'up',
        p.timeoutMs,
        ctx.signal,
      );
      break;
    }
    case 'caught-up': {
      await waitFn(
        what,
        async () => replicasCaughtUp(t, await t.currentPrimary(), c.node ? [await resolveNode(t, c.node)] : undefined),
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
      const from = c.from ? await resolveNode(t, c.from) : await t.currentPrimary();
      const next = await waitNewPrimary(t, from, p.timeoutMs, ctx.signal);
      rec.detail.primary = next.name;
      break;
    }
  }
  rec.detail.waitedMs = Date.now() - started;
  rec.emit('wait-done', undefined, `${what} after ${Date.now() - started} ms`);
  return rec.result();
}

// ---------------------------------------------------------------- registry

export interface ActionDef {
  /** The runbook step name. */
  name: string;
  description: string;
  /** Refused on nodes stormdrill did not start unless allowDestructive. */
  destructive: boolean;
  /** Every problem with the raw params (empty = valid). */
  validate(raw: unknown): string[];
  run(ctx: ActionContext, params: unknown): Promise<ActionResult>;
}

const NET_KINDS = ['blackhole', 'latency', 'reset', 'bandwidth'] as const;

function netAction(kind: (typeof NET_KINDS)[number]): ActionDef {
  return {
    name: kind,
    description: `network fault '${kind}' on a node's proxy (params: node, ${
      kind === 'latency' ? 'ms, jitterMs?, ' : kind === 'bandwidth' ? 'bytesPerSec, ' : ''
    }${kind === 'reset' ? '' : 'direction?, '}scope?, peer?, durationMs?)`,
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const { node: _n, durationMs: _d, peer, ...fault } = p;
      const out = [...nodeProblems(p), ...intProblems(p, 'durationMs', 1, 3_600_000, false), ...validateFault({ ...fault, kind })];
      if (peer !== undefined && (typeof peer !== 'string' || !peer)) out.push("'peer' must be a replica's name");
      return out;
    },
    run: (ctx, raw) => {
      const { node, durationMs, peer, ...fault } = asRecord(raw);
      return networkFault(ctx, {
        node: String(node),
        peer: peer as string | undefined,
        durationMs: durationMs as number | undefined,
        fault: { ...fault, kind } as NetworkFaultParams['fault'],
      });
    },
  };
}

const WAIT_KINDS = ['event', 'role', 'link-up', 'caught-up', 'cluster-ok', 'new-primary'];

export function validateWaitFor(raw: unknown): string[] {
  const p = asRecord(raw);
  const out = intProblems(p, 'timeoutMs', 1, 3_600_000, true);
  const c = asRecord(p.condition);
  if (!WAIT_KINDS.includes(String(c.kind)))
    return [...out, `wait-for condition '${String(c.kind)}' is unknown: use one of ${WAIT_KINDS.join(', ')}`];
  if (c.kind === 'event' && (typeof c.event !== 'string' || !c.event)) out.push("wait-for event needs 'event', e.g. +switch-master");
  if ((c.kind === 'role' || c.kind === 'link-up') && typeof c.node !== 'string') out.push(`wait-for ${String(c.kind)} needs 'node'`);
  if (c.kind === 'role' && c.role !== 'master' && c.role !== 'replica') out.push('wait-for role needs role: master or replica');
  return out;
}

/** Every action, by runbook step name. */
export const ACTIONS: Record<string, ActionDef> = {
  crash: {
    name: 'crash',
    description: 'kill -9 a node (params: node)',
    destructive: true,
    validate: (raw) => nodeProblems(asRecord(raw)),
    run: (ctx, raw) => crash(ctx, raw as NodeParams),
  },
  freeze: {
    name: 'freeze',
    description: 'SIGSTOP a node; with durationMs, SIGCONT after it (params: node, durationMs?)',
    destructive: true,
    validate: (raw) => [...nodeProblems(asRecord(raw)), ...intProblems(asRecord(raw), 'durationMs', 1, 3_600_000, false)],
    run: (ctx, raw) => freeze(ctx, raw as FreezeParams),
  },
  thaw: {
    name: 'thaw',
    description: 'SIGCONT a frozen node (params: node)',
    destructive: false,
    validate: (raw) => nodeProblems(asRecord(raw)),
    run: (ctx, raw) => thaw(ctx, raw as NodeParams),
  },
  shutdown: {
    name: 'shutdown',
    description: 'graceful shutdown: SHUTDOWN NOSAVE or SIGTERM (params: node, mode?: nosave|sigterm)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const out = nodeProblems(p);
      if (p.mode !== undefined && p.mode !== 'nosave' && p.mode !== 'sigterm') out.push("shutdown mode must be 'nosave' or 'sigterm'");
      return out;
    },
    run: (ctx, raw) => shutdown(ctx, raw as ShutdownParams),
  },
  restart: {
    name: 'restart',
    description: 'start a node again on the same port and dir (params: node)',
    destructive: true,
    validate: (raw) => nodeProblems(asRecord(raw)),
    run: (ctx, raw) => restart(ctx, raw as NodeParams),
  },
  'debug-sleep': {
    name: 'debug-sleep',
    description: 'DEBUG SLEEP seconds (fractions allowed) on a node (params: node, seconds)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const ok = typeof p.seconds === 'number' && p.seconds > 0 && p.seconds <= 600;
      return [...nodeProblems(p), ...(ok ? [] : [`'seconds' must be a number of seconds in (0, 600] (got ${JSON.stringify(p.seconds)})`])];
    },
    run: (ctx, raw) => debugSleep(ctx, raw as DebugSleepParams),
  },
  'client-pause': {
    name: 'client-pause',
    description: 'CLIENT PAUSE ms WRITE|ALL (params: node, ms, mode?: write|all)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const out = [...nodeProblems(p), ...intProblems(p, 'ms', 1, 3_600_000, true)];
      if (p.mode !== undefined && p.mode !== 'write' && p.mode !== 'all') out.push("client-pause mode must be 'write' or 'all'");
      return out;
    },
    run: (ctx, raw) => clientPause(ctx, raw as ClientPauseParams),
  },
  ...Object.fromEntries(NET_KINDS.map((k) => [k, netAction(k)])),
  heal: {
    name: 'heal',
    description: 'remove network faults (params: node? — default all)',
    destructive: false,
    validate: (raw) => {
      const p = asRecord(raw);
      return p.node === undefined || typeof p.node === 'string' ? [] : ["heal 'node' must be a node name"];
    },
    run: (ctx, raw) => heal(ctx, asRecord(raw) as HealParams),
  },
  'sentinel-failover': {
    name: 'sentinel-failover',
    description:
      'SENTINEL FAILOVER with writes paused on the old master until the replicas caught up; waits for the new master (params: timeoutMs?, pauseWrites?)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const out = intProblems(p, 'timeoutMs', 1, 3_600_000, false);
      if (p.pauseWrites !== undefined && typeof p.pauseWrites !== 'boolean')
        out.push("sentinel-failover 'pauseWrites' must be true or false");
      return out;
    },
    run: (ctx, raw) => sentinelFailover(ctx, asRecord(raw) as SwitchoverParams),
  },
  failover: {
    name: 'failover',
    description: 'FAILOVER on the primary (waits for catch-up; no acked loss) (params: to?, timeoutMs?, force?)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const out = intProblems(p, 'timeoutMs', 1, 60_000, false);
      if (p.to !== undefined && typeof p.to !== 'string') out.push("failover 'to' must be a node name");
      if (p.force !== undefined && typeof p.force !== 'boolean') out.push("failover 'force' must be true or false");
      return out;
    },
    run: (ctx, raw) => failover(ctx, asRecord(raw) as SwitchoverParams),
  },
  'cluster-failover': {
    name: 'cluster-failover',
    description: 'CLUSTER FAILOVER [FORCE] on a replica (params: to?, force?, timeoutMs?)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      const out = intProblems(p, 'timeoutMs', 1, 3_600_000, false);
      if (p.to !== undefined && typeof p.to !== 'string') out.push("cluster-failover 'to' must be a replica's name");
      return out;
    },
    run: (ctx, raw) => clusterFailover(ctx, asRecord(raw) as SwitchoverParams),
  },
  'scale-out': {
    name: 'scale-out',
    description: 'add a replica of the current primary (it full-syncs)',
    destructive: false,
    validate: () => [],
    run: (ctx) => scaleOut(ctx),
  },
  'scale-in': {
    name: 'scale-in',
    description: 'remove a replica (params: node? — default the newest)',
    destructive: true,
    validate: (raw) => {
      const p = asRecord(raw);
      return p.node === undefined || typeof p.node === 'string' ? [] : ["scale-in 'node' must be a replica's name"];
    },
    run: (ctx, raw) => scaleIn(ctx, asRecord(raw) as ScaleInParams),
  },
  'wait-for': {
    name: 'wait-for',
    description: 'wait for a condition (params: condition {kind: event|role|link-up|caught-up|cluster-ok|new-primary, ...}, timeoutMs)',
    destructive: false,
    validate: validateWaitFor,
    run: (ctx, raw) => waitFor(ctx, raw as WaitForParams),
  },
};

/** Validate then run an action by its step name. */
export async function runAction(ctx: ActionContext, name: string, params: unknown): Promise<ActionResult> {
  const def = ACTIONS[name];
  if (!def) throw new UserError(`unknown action '${name}': use one of ${Object.keys(ACTIONS).join(', ')}`);
  const problems = def.validate(params ?? {});
  if (problems.length > 0) throw new UserError(`${name}: ${problems.join('; ')}`);
  return def.run(ctx, params ?? {});
}
