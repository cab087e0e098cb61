/** The lines `stormdrill drill run` prints for a finished drill. */
import type { DrillReport } from '../../drill/report/types.js';

/** One line per figure of a finished drill. */
export function summaryLines(r: DrillReport): string[] {
  const lines = [
    `drill ${r.runbook}${r.variant ? ` (${r.variant})` : ''}: ${r.status.toUpperCase()}${r.reason ? ` — ${r.reason}` : ''}`,
    `  write unavailable ${r.writeUnavailableMs ?? 'n/a'} ms, read unavailable ${r.readUnavailableMs ?? 'n/a'} ms, failover ${r.failoverSeconds === null ? 'n/a' : `${r.failoverSeconds.toFixed(2)} s`}, acked lost ${r.ackedLost ?? 'n/a'}, full syncs ${r.fullSyncs ?? 'n/a'}, LOADING errors ${r.loadingErrors}`,
  ];
  for (const c of r.checks)
    lines.push(
      `  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.measured ?? 'n/a'} (limit ${c.limit})${c.ok || !c.detail ? '' : ` — ${c.detail}`}`,
    );
  if (r.files?.length) lines.push(`  report: ${r.files.join(', ')}`);
  return lines;
}
