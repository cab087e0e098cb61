/**
 * The timeline chart of report.html as an inline SVG, generated here (no chart library,
 * nothing fetched): three stacked panels (acknowledged ops/s, errors/s, p99 latency) on one
 * time axis, write/read unavailability windows and LOADING periods shaded across all of
 * them (and a game day's HTTP unavailability windows), every step, every Sentinel/Cluster/topology
 * event and every alert firing and resolving marked; a partition drill's cut shaded and its
 * lanes (the cut, each node accepting writes as primary) under the events. Pure.
 */
import { CLUSTER_EVENTS } from '../../topology/cluster-watch.js';
import { partitionLaneRows } from './partition.js';
import type { DrillReport, EventSource } from './types.js';
import { pairs } from './windows.js';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const W = 1200;
const LEFT = 70;
const RIGHT = 20;
const TOP = 70;
const PANEL_H = 130;
const GAP = 26;
const BOTTOM = 125;
const LANE_H = 14;
const PARTITION_COLOR = '#546e7a';

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function num(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
}

const EVENT_COLORS: Record<EventSource, string> = {
  step: '#1f5fbf',
  sentinel: '#7a3db8',
  cluster: '#7a3db8',
  topology: '#555555',
  drill: '#333333',
  writer: '#a05a00',
  check: '#333333',
  alert: '#d81b60',
  service: '#00897b',
};

/** Sentinel/Cluster event kinds worth a marker (the rest stay in the events table). */
const MARKED_KINDS = new Set([
  '+sdown',
  '-sdown',
  '+odown',
  '-odown',
  '+elected-leader',
  '+promoted-slave',
  '+switch-master',
  '+failover-end',
  'failover-end',
  '+failover-end-for-timeout',
  '+tilt',
  '+reboot',
  ...CLUSTER_EVENTS,
]);
const HIDDEN_KINDS = new Set(['topology-up', 'write-window', 'read-window', 'wait-done', 'alert-pending', 'first-failed-request']);

/** The events the chart marks: significant kinds, one per kind (and node) within 500 ms. Pure. */
export function markedEvents(r: DrillReport): DrillReport['events'] {
  const out: DrillReport['events'] = [];
  const last = new Map<string, number>();
  for (const e of r.events) {
    if (e.source === 'step' || e.source === 'check' || HIDDEN_KINDS.has(e.kind)) continue;
    if ((e.source === 'sentinel' || e.source === 'cluster') && !MARKED_KINDS.has(e.kind)) continue;
    const key = `${e.kind}|${e.node ?? ''}`;
    const prev = last.get(key);
    if (prev !== undefined && e.atMs - prev < 500) continue;
    last.set(key, e.atMs);
    out.push(e);
  }
  return out;
}

/** Where the chart starts: just before the workload or the first step (topology start-up is not charted). */
export function chartStartS(r: DrillReport): number {
  const firsts = [...r.events.filter((e) => e.kind === 'workload-start').map((e) => e.atMs), ...r.steps.map((s) => s.startMs)];
  if (firsts.length === 0) return 0;
  return Math.max(0, Math.floor((Math.min(...firsts) - r.startMs) / 1000 - 0.5));
}

export function timelineSvg(r: DrillReport): string {
  const t0 = chartStartS(r);
  const durS = Math.max(1, (r.endMs - r.startMs) / 1000 - t0, r.series.length - t0);
  const plotW = W - LEFT - RIGHT;
  const x = (tS: number) => LEFT + (Math.min(Math.max(tS - t0, 0), durS) / durS) * plotW;
  const xm = (ms: number) => x((ms - r.startMs) / 1000);
  const panels: Array<{ title: string; values: Array<number | null>; color: string; cls: string }> = [
    { title: 'acknowledged ops/s', values: r.series.map((p) => p.ops), color: '#2e7d32', cls: 'ops' },
    { title: 'errors/s (failed + unknown)', values: r.series.map((p) => p.errors), color: '#c62828', cls: 'errors' },
    { title: 'p99 latency', values: r.series.map((p) => p.p99Ms), color: '#1565c0', cls: 'p99' },
  ];
  const lanes = partitionLaneRows(r);
  const H = TOP + panels.length * (PANEL_H + GAP) + BOTTOM + lanes.length * LANE_H;
  const bottomY = TOP + panels.length * (PANEL_H + GAP) - GAP;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="drill timeline" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  // shaded windows first, under everything
  const shade = (cls: string, color: string, startMs: number, endMs: number, title: string) => {
    const x0 = xm(startMs);
    const x1 = Math.max(xm(endMs), x0 + 1.5);
    out.push(
      `<rect class="window ${cls}" x="${x0.toFixed(1)}" y="${TOP}" width="${(x1 - x0).toFixed(1)}" height="${bottomY - TOP}" fill="${color}" fill-opacity="0.18" stroke="${color}" stroke-opacity="0.5"><title>${esc(title)}</title></rect>`,
    );
  };
  const windows = [
    ['write', '#e53935', 'writes unavailable', r.writeWindows],
    ['read', '#fb8c00', 'reads unavailable', r.readWindows],
    ['http', '#3949ab', 'HTTP requests failing', r.service?.windows ?? []],
  ] as const;
  for (const [cls, color, what, ws] of windows)
    for (const w of ws) shade(cls, color, w.startMs, w.endMs, `${what} ${w.durationMs} ms: ${pairs(w.errors)}`);
  for (const l of r.loadingPeriods) shade('loading', '#8e24aa', l.startMs, l.endMs, `LOADING on ${l.node ?? '?'}`);
  if (r.partition)
    shade('partition', PARTITION_COLOR, r.partition.cutAtMs, r.partition.healedAtMs ?? r.endMs, `partition ${r.partition.sides}`);

  panels.forEach((p, i) => {
    const y0 = TOP + i * (PANEL_H + GAP);
    // only the charted seconds
    const values = p.values.map((v, t) => (t < t0 ? null : v));
    const finite = values.filter((v): v is number => v !== null);
    const max = niceMax(Math.max(0, ...finite));
    const y = (v: number) => y0 + PANEL_H - (v / max) * PANEL_H;
    out.push(`<g class="panel ${p.cls}">`);
    out.push(`<rect x="${LEFT}" y="${y0}" width="${plotW}" height="${PANEL_H}" fill="none" stroke="#999"/>`);
    out.push(`<text x="${LEFT + 4}" y="${y0 - 5}" font-weight="bold">${esc(p.title)}</text>`);
    for (const f of [0, 0.5, 1]) {
      const v = max * f;
      out.push(`<line x1="${LEFT - 4}" x2="${LEFT + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
      out.push(`<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${num(v)}</text>`);
    }
    // series: one point per second, at the middle of its bucket; gaps where null
    let d = '';
    let pen = false;
    values.forEach((v, t) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(t + 0.5).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    if (d) out.push(`<path class="series ${p.cls}" d="${d.trim()}" fill="none" stroke="${p.color}" stroke-width="1.8"/>`);
    out.push('</g>');
  });
  // time axis
  const step = niceMax(durS / 10);
  for (let k = Math.ceil(t0 / step) * step; k <= t0 + durS + 1e-9; k += step) {
    out.push(`<line x1="${x(k).toFixed(1)}" x2="${x(k).toFixed(1)}" y1="${bottomY}" y2="${bottomY + 4}" stroke="#555"/>`);
    out.push(`<text x="${x(k).toFixed(1)}" y="${bottomY + 15}" text-anchor="middle">${num(k)} s</text>`);
  }
  // step markers (top labels, staggered) and event markers (bottom labels, staggered)
  r.steps.forEach((s, i) => {
    const sx = xm(s.startMs);
    const ly = 14 + (i % 4) * 13;
    out.push(
      `<g class="marker step" data-action="${esc(s.action)}"><line x1="${sx.toFixed(1)}" x2="${sx.toFixed(1)}" y1="${ly + 3}" y2="${bottomY}" stroke="${EVENT_COLORS.step}" stroke-dasharray="4 3"/><text x="${(sx > W - 260 ? sx - 3 : sx + 3).toFixed(1)}" y="${ly}" fill="${EVENT_COLORS.step}"${sx > W - 260 ? ' text-anchor="end"' : ''}>${esc(`${i + 1}. ${s.label}`)}</text><title>${esc(`step ${i + 1}: ${s.label}${s.error ? ` (failed: ${s.error})` : ''}`)}</title></g>`,
    );
  });
  const marked = markedEvents(r);
  // Labels go to the first of 6 rows where they do not overlap the previous one; when every
  // row is taken the marker keeps its line, dot and tooltip without a label.
  const rowEnd: number[] = [0, 0, 0, 0, 0, 0];
  for (const e of marked) {
    const ex = xm(e.atMs);
    const color = EVENT_COLORS[e.source];
    const text = `${e.kind}${e.node ? ` ${e.node}` : ''}`;
    const width = text.length * 6.2;
    const anchorEnd = ex > W - 160;
    const x0 = anchorEnd ? ex - 2 - width : ex + 2;
    const row = rowEnd.findIndex((end) => x0 > end + 4);
    const ly = bottomY + 30 + Math.max(row, 0) * 13;
    const label =
      row < 0
        ? ''
        : `<text x="${(anchorEnd ? ex - 2 : ex + 2).toFixed(1)}" y="${ly}" fill="${color}"${anchorEnd ? ' text-anchor="end"' : ''}>${esc(text)}</text>`;
    if (row >= 0) rowEnd[row] = x0 + width;
    out.push(
      `<g class="marker event ${esc(e.source)}" data-kind="${esc(e.kind)}"><line x1="${ex.toFixed(1)}" x2="${ex.toFixed(1)}" y1="${TOP}" y2="${row < 0 ? bottomY : ly - 9}" stroke="${color}" stroke-opacity="0.55"/><circle cx="${ex.toFixed(1)}" cy="${bottomY}" r="3" fill="${color}"/>${label}<title>${esc(`${e.t.toFixed(3)} s ${e.source} ${e.kind}${e.node ? ` ${e.node}` : ''}${e.detail ? `: ${e.detail}` : ''}`)}</title></g>`,
    );
  }
  // partition lanes: the cut, then each node's periods of accepting writes as primary
  lanes.forEach((l, i) => {
    const y = bottomY + 108 + i * LANE_H;
    const cut = l.kind === 'cut';
    const name = cut ? 'cut' : l.name;
    const color = cut ? PARTITION_COLOR : '#2e7d32';
    const title = cut ? `cut: ${r.partition?.sides ?? ''}` : `${l.name} accepts writes as primary`;
    out.push(`<g class="lane ${l.kind}" data-node="${esc(name)}">`);
    out.push(`<text x="${LEFT - 6}" y="${y + 9}" text-anchor="end">${esc(name)}</text>`);
    for (const p of l.periods) {
      const x0 = xm(p.startMs);
      const x1 = Math.max(xm(p.endMs), x0 + 1.5);
      out.push(
        `<rect x="${x0.toFixed(1)}" y="${y}" width="${(x1 - x0).toFixed(1)}" height="${LANE_H - 4}" fill="${color}" fill-opacity="0.6"><title>${esc(title)}</title></rect>`,
      );
    }
    out.push('</g>');
  });
  // legend
  const legend: Array<[string, string, string]> = [
    ['write unavailable', '#e53935', 'rect'],
    ['read unavailable', '#fb8c00', 'rect'],
    ['LOADING', '#8e24aa', 'rect'],
    ...(r.partition ? ([['partition (cut)', PARTITION_COLOR, 'rect']] as Array<[string, string, string]>) : []),
    ...(r.service ? ([['HTTP unavailable', '#3949ab', 'rect']] as Array<[string, string, string]>) : []),
    ['step', EVENT_COLORS.step, 'line'],
    ['Sentinel/Cluster event', EVENT_COLORS.sentinel, 'line'],
    ['topology event', EVENT_COLORS.topology, 'line'],
    ...(r.service ? ([['alert', EVENT_COLORS.alert, 'line']] as Array<[string, string, string]>) : []),
  ];
  let lx = LEFT;
  const ly = H - 12;
  out.push('<g class="legend">');
  for (const [label, color, kind] of legend) {
    if (kind === 'rect')
      out.push(`<rect x="${lx}" y="${ly - 9}" width="14" height="10" fill="${color}" fill-opacity="0.3" stroke="${color}"/>`);
    else out.push(`<line x1="${lx}" x2="${lx + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 18}" y="${ly}">${esc(label)}</text>`);
    lx += 30 + label.length * 6.2;
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n');
}
