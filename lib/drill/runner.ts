/**
 * The drill runner: a run's phases in order — topology → preconditions (fill) →
 * workload → steps → rollback and restore → measure (audit, verify, counters) → report —
 * over one RunState (lib/drill/run/). Whatever happens (a failed step, an abort, SIGINT),
 * everything it started is stopped and a report is written (partial when the drill did
 * not finish).
 */
import { userMessage } from '../core/errors.js';
import { onInterrupt, registerCleanup } from '../core/lifecycle.js';
import { restoreTopology } from '../faults/restore.js';
import { makeWorkDir } from '../stack/workdir.js';
import { nodeProxies } from '../topology/node-proxies.js';
import type { Topology } from '../topology/types.js';
import { measurePhase } from './run/measure.js';
import { preconditionsPhase } from './run/preconditions.js';
import { type DrillOutcome, drillReport, reportPhase } from './run/report.js';
import { rollbackPhase } from './run/rollback.js';
import { stopServiceParts } from './run/service.js';
import { type RunDrillOptions, RunState } from './run/state.js';
import { stepsPhase } from './run/steps.js';
import { topologyPhase } from './run/topology.js';
import { stopTimers, stopWorkload, workloadPhase } from './run/workload.js';

export type { DrillPhase } from './report/types.js';
export { connectionOf } from './run/connection.js';
export { DRILL_EXIT, type DrillOutcome } from './run/report.js';
export type { RunDrillOptions } from './run/state.js';

export async function runDrill(o: RunDrillOptions): Promise<DrillOutcome> {
  const s = new RunState(o);
  // From the first line on, SIGINT/SIGTERM ends the run with a report, whatever phase it is in.
  const interrupt = interruptHandler(s);
  try {
    if (o.remoteWrite) s.startPusher(o.remoteWrite);
    s.work = makeWorkDir(`drill-${o.plan.runbook}`, o.workRoot);
    await topologyPhase(s);
    interrupt.arm();
    s.rearmInterrupt = interrupt.arm;
    if (o.beforeSteps) await o.beforeSteps(s.t);
    s.phase = 'preconditions';
    // the fill does not watch the abort: an interrupt must not wait for it
    await s.unlessAborted(preconditionsPhase(s));
    s.phase = 'workload';
    await workloadPhase(s);
    s.phase = 'steps';
    await stepsPhase(s, interrupt.arm);
    s.phase = 'rollback';
    await rollbackPhase(s);
    s.phase = 'measure';
    await stopWorkload(s);
    const measured = await measurePhase(s);
    s.phase = 'report';
    return reportPhase(s, drillReport(s, measured));
  } catch (err) {
    if (!s.topology && !s.interrupted) throw err;
    // An unexpected failure after the topology started, or an interrupt at any time: still a (partial) report.
    s.status = s.interrupted ? 'interrupted' : 'error';
    s.reason = s.reason ?? userMessage(err).split('\n')[0] ?? 'error';
    s.stoppedIn ??= s.phase;
    return reportPhase(s, drillReport(s, null));
  } finally {
    await stopEverything(s);
    interrupt.done();
  }
}

/**
 * SIGINT/SIGTERM: the run hears of it at once (onInterrupt) and aborts whatever phase it
 * is in; its cleanup then waits until runDrill has restored (thaw, heal), stopped and
 * reported. Cleanups run last-registered first, so once the topology is up the cleanup is
 * re-registered before every step and after every fault: it must run before the
 * processes' own stops and the faults' bare undos.
 */
function interruptHandler(s: RunState): { arm: () => void; done: () => void } {
  let unregister: (() => void) | null = null;
  let resolveFinished: () => void = () => {};
  const finished = new Promise<void>((r) => {
    resolveFinished = r;
  });
  const stop = () => {
    s.interrupted = true;
    s.abortDrill('interrupted (SIGINT/SIGTERM)');
  };
  const stopListening = onInterrupt(stop);
  const arm = () => {
    unregister?.();
    unregister = registerCleanup(`drill ${s.plan.runbook}`, async () => {
      stop();
      await finished;
    });
  };
  arm();
  return {
    arm,
    done: () => {
      stopListening();
      unregister?.();
      resolveFinished();
    },
  };
}

/** Stop whatever the run started: timers, the writer, faults, the topology, the pusher, the work dir. */
async function stopEverything(s: RunState): Promise<void> {
  stopTimers(s);
  if (s.writer) await s.writer.stop().catch(() => undefined);
  await stopServiceParts(s, { prometheus: false });
  const t = s.topology;
  if (t) {
    await restoreTopology(t).catch(() => undefined);
    await t.stop().catch((err: Error) => s.log(`stopping the topology: ${err.message}`));
    await stopLeftovers(t, s.log);
  }
  if (s.pusher) await s.pusher.stop().catch(() => undefined);
  await stopServiceParts(s, { prometheus: true });
  if (s.work && s.o.keepWorkDir) s.log(`work dir kept: ${s.work.path}`);
  else s.work?.remove();
}

/** Belt and braces: whatever the topology's stop() left running is stopped here. */
async function stopLeftovers(t: Topology, log: (line: string) => void): Promise<void> {
  const procs = [...t.nodes.map((n) => n.process), ...t.sentinels.map((x) => x.process), t.haproxy?.process ?? null];
  const left = procs.filter((p) => p?.running);
  if (left.length > 0) {
    log(`stopping ${left.length} process(es) the topology left running: ${left.map((p) => p?.name).join(', ')}`);
    await Promise.all(left.map((p) => p?.stop(3000)));
  }
  for (const n of t.nodes) for (const p of nodeProxies(n)) await p.stop().catch(() => undefined);
}
