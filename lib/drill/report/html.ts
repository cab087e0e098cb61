/** report.html: one self-contained page (inline CSS and SVG, nothing fetched). Pure. */
import { gameDayFigures } from './game-day.js';
import { markdownReport } from './markdown.js';
import { partitionLanes } from './partition.js';
import { esc, timelineSvg } from './svg.js';
import type { DrillReport } from './types.js';

function figure(label: string, value: string, flag = false): string {
  return `<div class="fig${flag ? ' flag' : ''}"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div></div>`;
}

export function htmlReport(r: DrillReport): string {
  const verdictCls = r.status === 'passed' ? 'pass' : 'fail';
  const figs = [
    figure('write unavailability', r.writeUnavailableMs === null ? 'n/a' : `${r.writeUnavailableMs} ms`, (r.writeUnavailableMs ?? 0) > 0),
    figure('read unavailability', r.readUnavailableMs === null ? 'n/a' : `${r.readUnavailableMs} ms`, (r.readUnavailableMs ?? 0) > 0),
    figure('time to failover', r.failoverSeconds === null ? 'n/a' : `${r.failoverSeconds.toFixed(2)} s`),
    figure('acked writes lost', r.ackedLost === null ? 'n/a' : String(r.ackedLost), (r.ackedLost ?? 0) > 0),
    figure('full syncs', r.fullSyncs === null ? 'n/a' : String(r.fullSyncs), (r.fullSyncs ?? 0) > 0),
    figure('LOADING errors', String(r.loadingErrors), r.loadingErrors > 0),
    figure('OOM rejections', r.oomErrors === null ? 'n/a' : String(r.oomErrors)),
    figure('evicted keys', r.evictions === null ? 'n/a' : String(r.evictions)),
    ...gameDayFigures(r).map(([k, v]) => figure(k, v)),
  ].join('\n');
  const flags: string[] = [];
  if ((r.fullSyncs ?? 0) > 0)
    flags.push(
      `<p class="flag-line" id="flag-full-sync"><strong>Full sync during the drill</strong> on ${esc(r.fullSyncNodes.map((n) => `${n.node} (${n.count})`).join(', '))}: the replica reloaded the whole dataset and answered LOADING meanwhile. With tens of GB that is a read outage of many minutes (one published QA report measured 18 minutes).</p>`,
    );
  if (r.loadingErrors > 0 || r.loadingPeriods.length > 0)
    flags.push(
      `<p class="flag-line" id="flag-loading"><strong>LOADING</strong>: ${r.loadingErrors} LOADING error(s) seen; shaded purple in the timeline.</p>`,
    );
  if (r.reason)
    flags.push(`<p class="flag-line" id="flag-partial"><strong>${r.partial ? 'Partial report' : 'Note'}</strong>: ${esc(r.reason)}</p>`);
  const checks = r.checks
    .map(
      (c) =>
        `<tr class="check ${c.ok ? 'ok' : 'failed'}"><td>${esc(c.name)}</td><td class="verdict">${c.ok ? 'ok' : 'FAIL'}</td><td>${esc(c.limit)}</td><td>${esc(c.measured === null ? 'n/a' : String(c.measured))}</td><td>${esc(c.detail ?? '')}</td></tr>`,
    )
    .join('\n');
  const steps = r.steps
    .map(
      (s) =>
        `<tr><td>${s.index + 1}</td><td>${esc(s.label)}</td><td>${((s.startMs - r.startMs) / 1000).toFixed(3)}</td><td>${s.endMs === null ? '—' : ((s.endMs - r.startMs) / 1000).toFixed(3)}</td><td>${s.ok === null ? 'not finished' : s.ok ? 'ok' : `failed: ${esc(s.error ?? '')}`}</td></tr>`,
    )
    .join('\n');
  const events = r.events
    .map(
      (e) =>
        `<tr><td>${e.t.toFixed(3)}</td><td>${esc(e.source)}</td><td>${esc(e.kind)}</td><td>${esc(e.node ?? '')}</td><td>${esc(e.detail ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>stormdrill drill ${esc(r.runbook)} ${esc(r.testid)}</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; margin: 0 0 6px; }
.verdict-badge { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: bold; }
.verdict-badge.pass { background: #2e7d32; } .verdict-badge.fail { background: #c62828; }
.meta { color: #555; margin: 4px 0 14px; }
.figs { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.fig { border: 1px solid #ccc; border-radius: 6px; padding: 8px 12px; min-width: 130px; }
.fig.flag { border-color: #c62828; background: #fdecea; }
.fig .label { font-size: 12px; color: #666; } .fig .value { font-size: 20px; font-weight: bold; }
.flag-line { background: #fff3e0; border-left: 4px solid #fb8c00; padding: 6px 10px; }
table { border-collapse: collapse; margin: 8px 0 18px; font-size: 13px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
tr.check.failed td.verdict { color: #c62828; font-weight: bold; } tr.check.ok td.verdict { color: #2e7d32; }
.chart { overflow-x: auto; border: 1px solid #eee; }
details pre { white-space: pre-wrap; font-size: 12px; }
</style>
</head>
<body>
<h1>Drill ${esc(r.runbook)}${r.variant ? ` <small>(${esc(r.variant)})</small>` : ''} <span class="verdict-badge ${verdictCls}" id="verdict">${esc(r.status.toUpperCase())}</span></h1>
<div class="meta">testid <code>${esc(r.testid)}</code> · ${esc(r.startedAt)} · ${r.durationSeconds.toFixed(1)} s · target ${esc(r.target)} (${esc(r.topology.kind)}) · primary ${esc(r.topology.primaryAtStart ?? 'n/a')} → ${esc(r.topology.primaryAtEnd ?? 'n/a')}</div>
<p>${esc(r.description)}</p>
${flags.join('\n')}
<div class="figs">
${figs}
</div>
<h2>Timeline</h2>
<div class="chart">
${timelineSvg(r)}
</div>
${
  r.partition
    ? `<h2>Partition</h2>
<p id="partition-effect">${esc(r.partitionEffect ?? '')}</p>
<pre id="partition-lanes">${esc(partitionLanes(r).join('\n'))}</pre>`
    : ''
}
<h2>Checks</h2>
<table id="checks"><tr><th>check</th><th>verdict</th><th>limit</th><th>measured</th><th>detail</th></tr>
${checks || '<tr><td colspan="5">no checks in this runbook</td></tr>'}
</table>
<h2>Steps</h2>
<table id="steps"><tr><th>#</th><th>step</th><th>from (s)</th><th>to (s)</th><th>result</th></tr>
${steps}
</table>
<h2>Events</h2>
<table id="events"><tr><th>t (s)</th><th>source</th><th>event</th><th>node</th><th>detail</th></tr>
${events}
</table>
<details><summary>report.md</summary><pre>${esc(markdownReport(r))}</pre></details>
</body>
</html>
`;
}
