/** report.md: the verdicts and figures a person reads first. Pure. */

import { formatDuration } from '../../core/duration.js';
import { describeClusterPartition } from '../cluster-partition.js';
import { alertRows, gameDayFigures } from './game-day.js';
import { partitionSection } from './partition.js';
import type { DrillReport } from './types.js';
import { pairs } from './windows.js';

function fmt(v: number | boolean | string | null): string {
  if (v === null) return 'n/a';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return String(v);
}

export function markdownReport(r: DrillReport): string {
  const lines: string[] = [];
  const verdict = r.status === 'passed' ? 'PASSED' : r.status.toUpperCase();
  lines.push(`# Drill ${r.runbook}${r.variant ? ` (${r.variant})` : ''}: ${verdict}`, '');
  lines.push(r.description.trim(), '');
  if (r.reason) lines.push(`> **${r.partial ? 'Partial report' : 'Note'}:** ${r.reason}${r.phase ? ` (in phase ${r.phase})` : ''}`, '');
  lines.push(
    `- testid: \`${r.testid}\``,
    `- started: ${r.startedAt}, took ${r.durationSeconds.toFixed(1)} s`,
    `- target: ${r.target} (${r.topology.kind}: ${r.topology.nodes.join(', ')})`,
    `- primary: ${r.topology.primaryAtStart ?? 'n/a'} → ${r.topology.primaryAtEnd ?? 'n/a'}`,
    '',
  );
  lines.push('## Checks', '', '| check | verdict | limit | measured | detail |', '| --- | --- | --- | --- | --- |');
  if (r.checks.length === 0) lines.push('| (none) | | | | |');
  for (const c of r.checks) lines.push(`| ${c.name} | ${c.ok ? 'ok' : '**FAIL**'} | ${c.limit} | ${fmt(c.measured)} | ${c.detail ?? ''} |`);
  lines.push('', '## Figures', '', '| figure | value |', '| --- | --- |');
  const fig: Array<[string, string]> = [
    ['write unavailability', r.writeUnavailableMs === null ? 'n/a' : `${r.writeUnavailableMs} ms in ${r.writeWindows.length} window(s)`],
    ['read unavailability', r.readUnavailableMs === null ? 'n/a' : `${r.readUnavailableMs} ms in ${r.readWindows.length} window(s)`],
    ['time to failover', r.failoverSeconds === null ? 'n/a' : `${r.failoverSeconds.toFixed(2)} s`],
    ['acknowledged writes lost', fmt(r.ackedLost)],
    ...(r.splitBrainMs != null ? [['split brain (two primaries accepting writes)', `${r.splitBrainMs} ms`] as [string, string]] : []),
    ...(r.staleReads ? [['stale reads', String(r.staleReads.total)] as [string, string]] : []),
    ['full syncs', fmt(r.fullSyncs)],
    ['LOADING errors', String(r.loadingErrors)],
    ['OOM rejections', fmt(r.oomErrors)],
    ['evicted keys', fmt(r.evictions)],
    ...gameDayFigures(r),
  ];
  for (const [k, v] of fig) lines.push(`| ${k} | ${v} |`);
  lines.push('');
  if (r.partitionEffect && !r.partition) lines.push(`Partition: ${r.partitionEffect}`, '');
  lines.push(...partitionSection(r));
  if (r.clusterPartition) lines.push(`Cluster partition: ${describeClusterPartition(r.clusterPartition)}`, '');
  if (r.service) lines.push('## Alerts', '', ...alertRows(r), '');
  if (r.fullSyncs !== null && r.fullSyncs > 0) {
    lines.push(
      `**Full sync flagged:** ${r.fullSyncNodes.map((n) => `${n.node} (${n.count})`).join(', ')}. A full sync reloads the whole dataset on the replica, which answers LOADING meanwhile; with tens of GB that is a read outage of many minutes (one published QA report measured 18 minutes).`,
      '',
    );
  }
  if (r.loadingPeriods.length > 0 || r.loadingErrors > 0) {
    lines.push(
      `**LOADING flagged:** ${r.loadingErrors} LOADING error(s); periods: ${r.loadingPeriods.map((p) => `${p.node ?? '?'} ${((p.startMs - r.startMs) / 1000).toFixed(1)}–${((p.endMs - r.startMs) / 1000).toFixed(1)} s`).join(', ') || 'n/a'}.`,
      '',
    );
  }
  if (r.workload) {
    const w = r.workload;
    lines.push(
      '## Workload',
      '',
      `${w.kind}: ${w.attempted} attempted, ${w.acked} acknowledged, ${w.failed} failed, ${w.unknown} unknown; p99 ${w.p99Ms === null ? 'n/a' : `${w.p99Ms} ms`}; errors ${pairs(w.errors) || 'none'}`,
      '',
    );
  }
  const httpWindows = r.service?.windows ?? [];
  if (r.writeWindows.length || r.readWindows.length || httpWindows.length) {
    lines.push('## Unavailability windows', '', '| op | from (s) | to (s) | length | errors |', '| --- | --- | --- | --- | --- |');
    for (const [op, ws] of [
      ['write', r.writeWindows],
      ['read', r.readWindows],
      ['http', httpWindows],
    ] as const) {
      for (const w of ws)
        lines.push(
          `| ${op} | ${((w.startMs - r.startMs) / 1000).toFixed(3)} | ${((w.endMs - r.startMs) / 1000).toFixed(3)}${w.open ? ' (open)' : ''} | ${formatDuration(w.durationMs)} | ${pairs(w.errors)} |`,
        );
    }
    lines.push('');
  }
  lines.push('## Steps', '', '| # | step | from (s) | to (s) | result |', '| --- | --- | --- | --- | --- |');
  for (const s of r.steps) {
    lines.push(
      `| ${s.index + 1} | ${s.label} | ${((s.startMs - r.startMs) / 1000).toFixed(3)} | ${s.endMs === null ? '—' : ((s.endMs - r.startMs) / 1000).toFixed(3)} | ${s.ok === null ? 'not finished' : s.ok ? 'ok' : `failed: ${s.error ?? ''}`} |`,
    );
  }
  lines.push('', '## Events', '', '| t (s) | source | event | node | detail |', '| --- | --- | --- | --- | --- |');
  for (const e of r.events)
    lines.push(`| ${e.t.toFixed(3)} | ${e.source} | ${e.kind} | ${e.node ?? ''} | ${(e.detail ?? '').replace(/\|/g, '/')} |`);
  lines.push('');
  return lines.join('\n');
}
