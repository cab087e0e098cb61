/**
 * Split brain from the timeline: each node's write-accepting periods (the events
 * `accepts-writes` / `refuses-writes` the write-acceptance watch records) and the time two
 * or more nodes accepted writes as primary at once. Pure.
 */

export const ACCEPTS = 'accepts-writes';
export const REFUSES = 'refuses-writes';

export interface AcceptEvent {
  atMs: number;
  kind: string;
  node?: string;
}

/** Each node's write-accepting periods (an open period ends at `endMs`). */
export function acceptingPeriods(events: AcceptEvent[], endMs: number): Array<{ node: string; startMs: number; endMs: number }> {
  const open = new Map<string, number>();
  const out: Array<{ node: string; startMs: number; endMs: number }> = [];
  for (const e of [...events].sort((a, b) => a.atMs - b.atMs)) {
    if (!e.node) continue;
    if (e.kind === ACCEPTS && !open.has(e.node)) open.set(e.node, e.atMs);
    if (e.kind === REFUSES && open.has(e.node)) {
      out.push({ node: e.node, startMs: open.get(e.node) as number, endMs: e.atMs });
      open.delete(e.node);
    }
  }
  for (const [node, startMs] of open) out.push({ node, startMs, endMs: Math.max(startMs, endMs) });
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Milliseconds during which at least two nodes accepted writes as primary. */
export function splitBrainMs(events: AcceptEvent[], endMs: number): number {
  const edges: Array<[number, number]> = [];
  for (const p of acceptingPeriods(events, endMs)) edges.push([p.startMs, 1], [p.endMs, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0;
  let since = 0;
  let total = 0;
  for (const [at, d] of edges) {
    if (n >= 2) total += at - since;
    n += d;
    since = at;
  }
  return total;
}
