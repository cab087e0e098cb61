/** The lines `stormdrill drill run` prints for a finished drill. */
import { partitionLanes } from '../../drill/report/partition.js';
import type { DrillReport } from '../../drill/report/types.js';

/** A figure the run did not get to (no workload, no audit, stopped early). */
export const NOT_MEASURED = 'not measured';

/** `1234 ms`, or 'not measured'. */
export const ms = (v: number | null) => (v === null ? NOT_MEASURED : `${v} ms`);

/** One line per figure of a finished drill. */
export function summaryLines(r: DrillReport): string[] {
  const lines = [
    `drill ${r.runbook}${r.variant ? ` (${r.variant})` : ''}: ${r.status.toUpperCase()}${r.reason ? ` — ${r.reason}` : ''}${r.phase ? ` (stopped in phase ${r.phase})` : ''}`,
    `  write unavailable ${ms(r.writeUnavailableMs)}, read unavailable ${ms(r.readUnavailableMs)}, failover ${r.failoverSeconds === null ? 'n/a' : `${r.failoverSeconds.toFixed(2)} s`}, acked lost ${r.ackedLost ?? NOT_MEASURED}${r.splitBrainMs != null ? `, split brain ${r.splitBrainMs} ms` : ''}${r.staleReads ? `, stale reads ${r.staleReads.total}` : ''}, full syncs ${r.fullSyncs ?? NOT_MEASURED}, LOADING errors ${r.loadingErrors}`,
  ];
  if (r.partitionEffect) lines.push(`  partition: ${r.partitionEffect}`);
  lines.push(...partitionLanes(r).map((l) => `  ${l}`));
  if (r.service)
    lines.push(
      `  time to detect ${r.timeToDetectMs === null ? 'n/a (no alert fired)' : `${r.timeToDetectMs} ms (${r.detectedBy})`}, time to recover ${r.timeToRecoverMs ?? 'n/a'} ms, service unavailable ${r.serviceUnavailableMs ?? 'n/a'} ms (${r.service.failed} of ${r.service.requests} requests failed), error budget spent ${r.errorBudgetSpent ?? 'n/a'}`,
    );
  for (const c of r.checks)
    lines.push(
      `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.measured ?? 'n/a'} (limit ${c.limit})${c.ok || !c.detail ? '' : ` — ${c.detail}`}`,
    );
  if (r.files?.length) lines.push(`  report: ${r.files.join(', ')}`);
  return lines;
}
