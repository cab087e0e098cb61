/**
 * Phase 5, rollback and restore: after an abort (not an interrupt) the runbook's rollback
 * steps run, bounded to 60 s, each recorded; then every fault still applied is undone
 * (thaw, heal, unpause) whatever happened.
 */
import { userMessage } from '../../core/errors.js';
import { restoreTopology } from '../../faults/restore.js';
import type { ReportStep } from '../report/types.js';
import { stepDefinition } from '../steps/index.js';
import { AbortedError, type RunState } from './state.js';
import { actionsFor } from './steps.js';

export async function rollbackPhase(s: RunState): Promise<void> {
  if (s.status !== 'passed' && s.plan.rollback.length > 0 && !s.interrupted) await rollback(s);
  const restored = await restoreTopology(s.t).catch(() => [] as string[]);
  if (restored.length) s.addEvent('drill', 'restore', undefined, restored.join(', '));
}

async function rollback(s: RunState): Promise<void> {
  const rb = new AbortController();
  const actions = actionsFor(s, rb.signal, async () => ({ acked: 0, failed: 0, unknown: 0 }));
  const timer = setTimeout(() => rb.abort(new AbortedError('rollback took longer than 60 s')), 60_000);
  for (const step of s.plan.rollback) {
    const def = stepDefinition(step.action);
    if (!def) continue;
    const rs: ReportStep = {
      index: step.index,
      action: step.action,
      label: `rollback: ${step.label}`,
      startMs: Date.now(),
      endMs: null,
      ok: null,
    };
    s.steps.push(rs);
    s.addEvent('step', step.action, undefined, rs.label);
    try {
      await def.run(
        {
          actions,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          note: (k, d) => s.addEvent('drill', k, undefined, d),
          startedMs: rs.startMs,
          sinceMs: rs.startMs,
        },
        step.params as never,
      );
      rs.ok = true;
    } catch (err) {
      rs.ok = false;
      rs.error = userMessage(err).split('\n')[0];
    } finally {
      rs.endMs = Date.now();
    }
  }
  clearTimeout(timer);
}
