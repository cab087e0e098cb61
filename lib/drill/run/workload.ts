/**
 * Phase 3, workload: the continuous writer with its ledger (sampled onto the timeline,
 * aborting on abort.maxWriteUnavailable), the abort.maxDuration timer, the role watch,
 * the warmup. stopWorkload() lets it recover after the steps, then stops it.
 */
import { join } from 'node:path';
import { keyPrefix } from '../../core/naming.js';
import { startWriter } from '../../integrity/write/writer.js';
import { watchRoles } from '../../topology/role-watch.js';
import { DrillWriteMetrics } from '../metrics.js';
import { pairs } from '../report/windows.js';
import { startService, stopService } from './service.js';
import { readOnOldPrimarySide } from './side-reader.js';
import type { RunState } from './state.js';
import { measuresSplitBrain, watchWriteAcceptance } from './write-acceptance.js';

export async function workloadPhase(s: RunState): Promise<void> {
  const { plan } = s;
  if (plan.workload.kind === 'write') await startWorkload(s);
  if (plan.service) await startService(s);
  if (plan.abort.maxDuration !== undefined) {
    const max = plan.abort.maxDuration;
    s.timers.push(setTimeout(() => s.abortDrill(`the drill ran longer than ${max} ms (abort.maxDuration)`), max));
  }
  s.roleWatch = watchRoles(s.t, s.primaryAtStart ?? '', (kind, node, detail) => s.addEvent('topology', kind, node, detail));
  if (measuresSplitBrain(s)) watchWriteAcceptance(s);
  if (plan.preconditions.warmup) await s.sleep(plan.preconditions.warmup);
}

async function startWorkload(s: RunState): Promise<void> {
  const { plan } = s;
  const ledger = join((s.work as { path: string }).path, 'workload.ledger');
  const prefix = `${keyPrefix(s.runId)}w:`;
  const rate = plan.workload.rate ?? 1000;
  const w = await startWriter(
    {
      connection: s.conn,
      runId: s.runId,
      keyPrefix: prefix,
      ledgerPath: ledger,
      rate,
      valueSize: plan.workload.valueSize ?? 64,
      readRate: plan.workload.reads ? Math.min(1000, Math.max(20, Math.round(rate / 2))) : 0,
      timeoutMs: plan.workload.opTimeout ?? 500,
      concurrency: 16,
      // Reconnect quickly: the window closes at the first success after the fault, so a
      // long backoff would be measured as unavailability.
      backoffMinMs: 5,
      backoffMaxMs: 50,
    },
    new DrillWriteMetrics(s.testid, s.metrics.registry, s.timeline),
  );
  s.writer = w;
  s.ledgers.push({ path: ledger, prefix });
  if (plan.workload.reads && measuresSplitBrain(s))
    readOnOldPrimarySide(s, w, { keyPrefix: prefix, valueSize: plan.workload.valueSize ?? 64 });
  s.addEvent('writer', 'workload-start', undefined, `write ${rate}/s`);
  let last = { acked: 0, bad: 0 };
  const sample = () => {
    const snap = w.snapshot();
    const now = Date.now();
    s.timeline.ops(now, snap.acked - last.acked);
    s.timeline.errors(now, snap.failed + snap.unknown - last.bad);
    last = { acked: snap.acked, bad: snap.failed + snap.unknown };
    s.ackSamples.push({ atMs: now, acked: snap.acked });
    const max = plan.abort.maxWriteUnavailable;
    if (max !== undefined && snap.writeWindow && now - snap.writeWindow.startMs > max)
      s.abortDrill(`writes unavailable for more than ${max} ms (abort.maxWriteUnavailable)`);
  };
  s.timers.push(setInterval(sample, 100));
  w.on('window', ({ op, window }) =>
    s.addEvent('writer', `${op}-window`, undefined, `${window.durationMs} ms: ${pairs(window.errors)}`, window.endMs),
  );
  w.on('masterChanged', ({ from, to }) => s.addEvent('writer', 'client-moved', undefined, `${from} → ${to}`));
}

/** Let the workload (and the service) recover (its write window close, up to 5 s), then stop it. */
export async function stopWorkload(s: RunState): Promise<void> {
  // the service load first: the writer keeps writing while the service recovers
  await stopService(s);
  const writer = s.writer;
  if (writer) {
    if (!s.interrupted) {
      const until = Date.now() + 5000;
      while (Date.now() < until && writer.snapshot().writeWindow !== null) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
    }
    const r = await writer.stop();
    s.writeResult = r;
    s.writer = null;
    s.addEvent('writer', 'workload-stop', undefined, `${r.acked} acked, ${r.failed} failed, ${r.unknown} unknown`);
  }
  stopTimers(s);
}

/** Stop the sampling and abort timers and the role watch. */
export function stopTimers(s: RunState): void {
  // one clear for both kinds: Node's timers are one type
  for (const x of s.timers) clearTimeout(x);
  s.timers.length = 0;
  s.roleWatch?.stop();
  s.roleWatch = null;
}
