/**
 * Phase 5, rollback and restore: after an abort (not an interrupt) the runbook's rollback
 * steps run, bounded to 60 s, each recorded; then every fault still applied is undone
 * (thaw, heal, unpause) whatever happened.
 */
import { restoreTopology } from '../../faults/restore.js';
import { stepDefinition } from '../steps/index.js';
import type { StepContext } from '../steps/types.js';
import { AbortedError, type RunState } from './state.js';
import { actionsFor, recordStep } from './steps.js';

export async function rollbackPhase(s: RunState): Promise<void> {
  if (s.status !== 'passed' && s.plan.rollback.length > 0 && !s.interrupted) await rollback(s);
  const restored = await restoreTopology(s.t).catch(() => [] as string[]);
  if (restored.length) s.addEvent('drill', 'restore', undefined, restored.join(', '));
}

async function rollback(s: RunState): Promise<void> {
  const rb = new AbortController();
  const actions = actionsFor(s, rb.signal, async () => ({ acked: 0, failed: 0, unknown: 0 }));
  const timer = setTimeout(() => rb.abort(new AbortedError('rollback took longer than 60 s')), 60_000);
  const ctx = (startedMs: number): StepContext => ({
    actions,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    note: (k, d) => s.addEvent('drill', k, undefined, d),
    startedMs,
    sinceMs: startedMs,
  });
  for (const step of s.plan.rollback) {
    const def = stepDefinition(step.action);
    if (!def) continue;
    // a failed rollback step is recorded; the next one runs all the same
    await recordStep(s, step, `rollback: ${step.label}`, (started) => def.run(ctx(started), step.params as never)).catch(() => undefined);
  }
  clearTimeout(timer);
}
