/** Planned switchovers: SENTINEL FAILOVER (writes paused until caught up), FAILOVER (6.2+), CLUSTER FAILOVER. */
import { UserError } from '../core/errors.js';
import { redisOnce } from '../redis/once.js';
import { redisInfo } from '../stack/info.js';
import { nodeAuth, sentinelAuth } from '../topology/node-auth.js';
import { peerAddress, waitClusterOk, waitHaproxyFollows, waitSentinelsAgree } from '../topology/start.js';
import type { Topology, TopoNode } from '../topology/types.js';
import { assertDestructiveAllowed, firstLiveReplica, Recorder, waitFn } from './common.js';
import { clearUndo, registerUndo, unpause } from './restore.js';
import type { ActionContext, ActionResult, SwitchoverParams } from './types.js';
import { replicasCaughtUp, waitNewPrimary } from './wait.js';

/** Longest PING period Redis takes (seconds): no PING during any switchover. */
const NO_PING_S = 3600;

async function setPingPeriod(t: Topology, n: TopoNode, seconds: number): Promise<void> {
  const r = await redisOnce(n.port, ['CONFIG', 'SET', 'repl-ping-replica-period', String(seconds)], { ...nodeAuth(t, n), timeoutMs: 2000 });
  if (r instanceof Error) throw r;
}

/**
 * Stop `n`'s replication PINGs for a while; returns the period to restore, or null where
 * CONFIG SET is not allowed (a managed Redis: its replicas may then need a full sync).
 */
async function holdReplicationPing(t: Topology, n: TopoNode): Promise<number | null> {
  const got = await redisOnce(n.port, ['CONFIG', 'GET', 'repl-ping-replica-period'], { ...nodeAuth(t, n), timeoutMs: 2000 });
  const period = Array.isArray(got) ? Number(String(got[1])) : Number.NaN;
  if (!Number.isInteger(period) || period < 1) return null;
  return setPingPeriod(t, n, NO_PING_S).then(
    () => period,
    () => null,
  );
}

/** Wait until `n` reports the master role after `command`. */
function becomesMaster(t: Topology, n: TopoNode, command: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const isMaster = async () => (await redisInfo(n.port, 'replication', nodeAuth(t, n))).role === 'master';
  return waitFn(`${n.name} to become master after ${command}`, isMaster, timeoutMs, signal);
}

/** The end of a switchover: from, to and how long it took, in the result and on the timeline. */
function switched(rec: Recorder, from: string | null, to: string, started: number): ActionResult {
  const tookMs = Date.now() - started;
  Object.assign(rec.detail, { from, to, tookMs });
  rec.emit('switchover-done', to, `${from ?? '?'} → ${to} in ${tookMs} ms`);
  return rec.result();
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
  // A paused primary still sends its replication PING every repl-ping-replica-period. One
  // sent after Sentinel promoted a replica moves the old primary's offset (and that of a
  // replica still attached to it) past the new primary's: both then need a full sync, seconds
  // of replication link down. So the old primary sends no PING until it is demoted.
  const pingPeriod = pause ? await holdReplicationPing(t, old) : null;
  const endPause = async () => {
    await unpause(t, old).catch(() => undefined);
    if (pingPeriod !== null) await setPingPeriod(t, old, pingPeriod).catch(() => undefined);
  };
  if (pause) {
    const r = await redisOnce(old.port, ['CLIENT', 'PAUSE', String(timeoutMs), 'WRITE'], { ...nodeAuth(t, old), timeoutMs: 2000 });
    if (r instanceof Error) {
      if (pingPeriod !== null) await setPingPeriod(t, old, pingPeriod).catch(() => undefined);
      throw new UserError(`CLIENT PAUSE WRITE on ${old.name} before SENTINEL FAILOVER failed: ${r.message}`);
    }
    registerUndo(t, old, 'client-pause', endPause);
    rec.emit('client-pause', old.name, 'CLIENT PAUSE WRITE until the replicas caught up and Sentinel demoted it');
  }
  let paused = pause;
  /** End the pause once: right after the demotion, or on the way out after a failure. */
  const release = async () => {
    if (!paused) return;
    paused = false;
    await endPause();
    clearUndo(t, old, 'client-pause');
  };
  try {
    if (pause)
      await waitFn(`the replicas of ${old.name} to catch up`, () => replicasCaughtUp(t, old), Math.min(timeoutMs, 10_000), ctx.signal);
    let asked = false;
    for (const s of t.sentinels) {
      if (s.process && s.process.status !== 'running') continue;
      const r = await redisOnce(s.port, ['SENTINEL', 'FAILOVER', name], { ...sentinelAuth(t, s), timeoutMs: 2000 }).catch((e: Error) => e);
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
      const r = await redisOnce(old.port, ['REPLICAOF', addr.host, String(addr.port)], { ...nodeAuth(t, old), timeoutMs: 2000 });
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
    return switched(rec, old.name, next.name, started);
  } finally {
    await release();
  }
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
  const target = p.to ? t.node(p.to) : await firstLiveReplica(t);
  if (target === old) throw new UserError(`${target.name} is already the primary`);
  const rec = new Recorder(t);
  const timeoutMs = p.timeoutMs ?? 30_000;
  const addr = peerAddress(t.spec, target);
  const args = ['FAILOVER', 'TO', addr.host, String(addr.port), 'TIMEOUT', String(Math.min(timeoutMs, 60_000))];
  if (p.force) args.push('FORCE');
  const started = Date.now();
  rec.emit('switchover-start', old.name, `FAILOVER TO ${target.name}`);
  const r = await redisOnce(old.port, args, { ...nodeAuth(t, old), timeoutMs: 5000 });
  if (r instanceof Error) throw new UserError(`FAILOVER on ${old.name} failed: ${r.message}`);
  await becomesMaster(t, target, 'FAILOVER', timeoutMs, ctx.signal);
  if (t.kind === 'replicas') {
    const newAddr = peerAddress(t.spec, target);
    for (const n of t.nodes) {
      if (n === target || n === old || n.process?.status === 'exited') continue;
      await redisOnce(n.port, ['REPLICAOF', newAddr.host, String(newAddr.port)], { ...nodeAuth(t, n), timeoutMs: 2000 }).catch(() => null);
    }
  }
  return switched(rec, old.name, target.name, started);
}

/** CLUSTER FAILOVER [FORCE] on a cluster replica; returns when it is master and the cluster is ok. */
export async function clusterFailover(ctx: ActionContext, p: SwitchoverParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  if (t.kind !== 'cluster') throw new UserError(`CLUSTER FAILOVER needs a cluster topology, not ${t.kind}`);
  const target = p.to ? t.node(p.to) : await firstLiveReplica(t);
  assertDestructiveAllowed(ctx, target, 'fail over');
  const rep = await redisInfo(target.port, 'replication', nodeAuth(t, target));
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
    ...nodeAuth(t, target),
    timeoutMs: 2000,
  });
  if (r instanceof Error) throw new UserError(`CLUSTER FAILOVER on ${target.name} failed: ${r.message}`);
  await becomesMaster(t, target, 'CLUSTER FAILOVER', timeoutMs, ctx.signal);
  await waitClusterOk(t, Math.max(1000, timeoutMs - (Date.now() - started)));
  return switched(rec, old?.name ?? null, target.name, started);
}
