/**
 * The partition part of the text report: the lanes (the cut, and each node's write-accepting
 * periods, the old and the new primary overlaid on one time axis), the cut links with their
 * heal, and the stale reads per side. Pure.
 */
import type { DrillReport } from './types.js';

const COLS = 60;

const sec = (r: DrillReport, ms: number | null) => (ms === null ? '—' : ((ms - r.startMs) / 1000).toFixed(3));

/** One lane: `#` where [from, to) covers the column's time. */
function lane(r: DrillReport, periods: Array<{ startMs: number; endMs: number }>): string {
  const span = Math.max(1, r.endMs - r.startMs);
  let out = '';
  for (let c = 0; c < COLS; c++) {
    const a = r.startMs + (span * c) / COLS;
    const b = r.startMs + (span * (c + 1)) / COLS;
    out += periods.some((p) => p.startMs < b && p.endMs > a) ? '#' : '.';
  }
  return out;
}

/** One lane of a partition drill: the cut, or a node accepting writes as primary, and its periods. */
export interface PartitionLaneRow {
  kind: 'cut' | 'accepting';
  /** 'partition' for the cut, else the node. */
  name: string;
  periods: Array<{ startMs: number; endMs: number }>;
}

/** The lanes of a partition drill: the cut (to its heal, or the end), then each node's write-accepting periods. Pure. */
export function partitionLaneRows(r: DrillReport): PartitionLaneRow[] {
  const p = r.partition;
  if (!p) return [];
  const nodes = [...new Set(p.acceptingPeriods.map((a) => a.node))];
  return [
    { kind: 'cut', name: 'partition', periods: [{ startMs: p.cutAtMs, endMs: p.healedAtMs ?? r.endMs }] },
    ...nodes.map((n): PartitionLaneRow => ({ kind: 'accepting', name: n, periods: p.acceptingPeriods.filter((a) => a.node === n) })),
  ];
}

/** The lanes as fixed-width text (for a code block): the cut, then each node accepting writes. */
export function partitionLanes(r: DrillReport): string[] {
  const rows = partitionLaneRows(r);
  if (rows.length === 0) return [];
  const w = Math.max(...rows.map((l) => l.name.length)) + 2;
  const total = ((r.endMs - r.startMs) / 1000).toFixed(1);
  return [`${''.padEnd(w)}0 s${`${total} s`.padStart(COLS - 3)}`, ...rows.map((l) => `${l.name.padEnd(w)}${lane(r, l.periods)}`)];
}

/** The `## Partition` section of report.md (empty without a partition). */
export function partitionSection(r: DrillReport): string[] {
  const p = r.partition;
  if (!p) return [];
  const lines = ['## Partition', '', `Sides: ${p.sides}; cut at ${sec(r, p.cutAtMs)} s, healed at ${sec(r, p.healedAtMs)} s.`, ''];
  if (r.partitionEffect) lines.push(`Effect: ${r.partitionEffect}`, '');
  lines.push(
    `Lanes (\`#\`: cut / accepting writes as primary; split brain ${r.splitBrainMs ?? 'n/a'} ms):`,
    '',
    '```',
    ...partitionLanes(r),
    '```',
    '',
    '| member | stopped hearing | cut at (s) | healed at (s) |',
    '| --- | --- | --- | --- |',
    ...p.links.map((l) => `| ${l.member} | ${l.cut} | ${sec(r, l.cutAtMs)} | ${sec(r, l.healedAtMs)} |`),
    '',
    '| node | accepting writes from (s) | to (s) |',
    '| --- | --- | --- |',
    ...p.acceptingPeriods.map((a) => `| ${a.node} | ${sec(r, a.startMs)} | ${sec(r, a.endMs)} |`),
    '',
  );
  if (r.staleReads) {
    lines.push(
      `Stale reads (older than the key's acknowledged write): ${r.staleReads.total}.`,
      '',
      '| side | nodes read | reads | stale | first (s) | last (s) |',
      '| --- | --- | --- | --- | --- | --- |',
      ...r.staleReads.sides.map(
        (s) => `| ${s.side} | ${s.nodes.join(', ')} | ${s.reads} | ${s.stale} | ${sec(r, s.firstMs)} | ${sec(r, s.lastMs)} |`,
      ),
      '',
    );
  }
  return lines;
}
