/**
 * Phase 4, steps: each planned step at its time, with a timestamped event and a report
 * entry; a failing step or an abort ends the phase with status aborted (or interrupted).
 */
import { join } from 'node:path';
import { UserError, userMessage } from '../../core/errors.js';
import { keyPrefix } from '../../core/naming.js';
import { startWriter } from '../../integrity/write/writer.js';
import { type ActionsDeps, makeDrillActions } from '../actions.js';
import type { PlannedStep } from '../plan.js';
import type { ReportStep } from '../report/types.js';
import { stepDefinition } from '../steps/index.js';
import type { DrillActions, StepContext, WriteBurstResult, WritePace } from '../steps/types.js';
import { nodeConnectionOf } from './connection.js';
import { slotTagOfNode } from './node-slot-tag.js';
import { AbortedError, type RunState } from './state.js';

/** The step actions over this drill's topology (the steps' and the rollback's). */
export function actionsFor(s: RunState, signal: AbortSignal, write: ActionsDeps['write']): DrillActions {
  return makeDrillActions({
    topology: s.t,
    signal,
    initialNodes: s.initialNodes,
    initialPrimary: s.primaryAtStart ?? '',
    allowDestructive: s.o.allowDestructive ?? false,
    confirmNonLoopback: s.o.confirmNonLoopback ?? false,
    runId: s.runId,
    seenEvents: () => s.events,
    write,
  });
}

export async function stepsPhase(s: RunState, armInterrupt: () => void): Promise<void> {
  const actions = actionsFor(s, s.abort.signal, (count, valueSize, node, pace) => writeBurst(s, count, valueSize, node, pace));
  const stepsStart = Date.now();
  let prevStart = stepsStart;
  const runStep = async (step: PlannedStep) => {
    if (step.atMs !== undefined) {
      const wait = stepsStart + step.atMs - Date.now();
      if (wait > 0) await s.sleep(wait);
    }
    const def = stepDefinition(step.action);
    if (!def) throw new UserError(`unknown step ${step.action}`);
    armInterrupt();
    await recordStep(s, step, step.label, async (started) => {
      if (step.destructive && s.faultAtMs === null) s.faultAtMs = started;
      s.log(`  ${((started - s.startMs) / 1000).toFixed(1)} s  ${step.label}`);
      const ctx: StepContext = {
        actions,
        sleep: (ms) => s.sleep(ms),
        note: (kind, detail) => s.addEvent('drill', kind, undefined, detail),
        startedMs: started,
        sinceMs: prevStart,
      };
      prevStart = started;
      // A step that does not watch the abort signal (e.g. a scale-out waiting for a sync)
      // must not hold up the abort: it is left to run on, and the topology's stop ends it.
      await s.unlessAborted(def.run(ctx, step.params as never));
    });
  };
  try {
    for (const step of s.plan.steps) await runStep(step);
  } catch (err) {
    if (!s.abort.signal.aborted)
      s.abortDrill(`step ${s.steps.length} (${s.steps[s.steps.length - 1]?.label ?? '?'}) failed: ${userMessage(err).split('\n')[0]}`);
    s.status = s.interrupted ? 'interrupted' : 'aborted';
  }
}

/** Run a step as a report entry (`label` as the report shows it) and a `step` event; a failure is recorded on the entry and rethrown. */
export async function recordStep(s: RunState, step: PlannedStep, label: string, run: (startedMs: number) => Promise<void>): Promise<void> {
  const startMs = Date.now();
  const rs: ReportStep = { index: step.index, action: step.action, label, startMs, endMs: null, ok: null };
  s.steps.push(rs);
  s.addEvent('step', step.action, undefined, label, startMs);
  try {
    await run(startMs);
    rs.ok = true;
  } catch (err) {
    rs.ok = false;
    rs.error = err instanceof AbortedError ? `aborted: ${err.message}` : userMessage(err).split('\n')[0];
    throw err;
  } finally {
    rs.endMs = Date.now();
  }
}

/**
 * The `write` step: exactly `count` writes with their own ledger (audited with the
 * workload's); to one node through its fault proxy when `node` is given (on a Cluster, keys
 * of a slot that master serves).
 */
async function writeBurst(s: RunState, count: number, valueSize: number, node?: string, pace: WritePace = {}): Promise<WriteBurstResult> {
  const n = node === undefined ? undefined : s.t.node(node);
  const tag = n && s.t.kind === 'cluster' ? await slotTagOfNode(s.t, n) : '';
  const ledger = join((s.work as { path: string }).path, `step-${s.ledgers.length}.ledger`);
  const prefix = `${keyPrefix(s.runId)}s${s.ledgers.length}:${tag}`;
  s.ledgers.push({ path: ledger, prefix });
  const startMs = Date.now();
  const w = await startWriter({
    connection: n ? { ...nodeConnectionOf(s.t, n), localAddress: s.conn.localAddress } : s.conn,
    runId: s.runId,
    keyPrefix: prefix,
    ledgerPath: ledger,
    maxWrites: count,
    valueSize,
    concurrency: pace.rate ? 1 : 8,
    rate: pace.rate ?? 0,
    readRate: pace.readRate ?? 0,
    timeoutMs: 2000,
  });
  const onAbort = () => void w.stop();
  s.abort.signal.addEventListener('abort', onAbort, { once: true });
  const r = await w.done;
  s.abort.signal.removeEventListener('abort', onAbort);
  const res: WriteBurstResult = {
    acked: r.acked,
    failed: r.failed,
    unknown: r.unknown,
    node,
    startMs,
    endMs: Date.now(),
    firstFailedMs: r.writeWindows[0]?.startMs ?? null,
    reads: r.reads,
    firstReadFailedMs: r.readWindows[0]?.startMs ?? null,
  };
  s.burstResults.push(res);
  if (pace.readRate) s.burstStaleReads.push(...r.staleReads);
  return res;
}
