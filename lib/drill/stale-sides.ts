/**
 * Stale reads of a partition drill per side: the reads the writer's read probe sent to the
 * old primary (its side of the partition) and to any other node (the majority's side,
 * after the promotion), with how many were stale and when the first and last one was sent. Pure.
 */
import type { StaleReadCount } from '../integrity/write/stale.js';

export type PartitionSideName = 'old-primary' | 'majority';

export interface StaleReadsSide {
  side: PartitionSideName;
  /** The nodes read from on this side. */
  nodes: string[];
  reads: number;
  stale: number;
  firstMs: number | null;
  lastMs: number | null;
}

export interface StaleReadsReport {
  total: number;
  sides: StaleReadsSide[];
}

const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** `nodeOf` names the node behind an endpoint (null: not one of the topology's nodes, counted on the majority side). */
export function staleReadsBySide(
  counts: StaleReadCount[],
  nodeOf: (endpoint: string) => string | null,
  oldPrimary: string | null,
): StaleReadsReport {
  const sides = new Map<PartitionSideName, StaleReadsSide>();
  for (const c of counts) {
    const node = nodeOf(c.endpoint) ?? c.endpoint;
    const side: PartitionSideName = node === oldPrimary ? 'old-primary' : 'majority';
    const s = sides.get(side) ?? { side, nodes: [], reads: 0, stale: 0, firstMs: null, lastMs: null };
    if (!s.nodes.includes(node)) s.nodes.push(node);
    s.reads += c.reads;
    s.stale += c.stale;
    s.firstMs = min(s.firstMs, c.firstMs);
    s.lastMs = max(s.lastMs, c.lastMs);
    sides.set(side, s);
  }
  const ordered = (['old-primary', 'majority'] as const).flatMap((k) => (sides.has(k) ? [sides.get(k) as StaleReadsSide] : []));
  return { total: ordered.reduce((a, s) => a + s.stale, 0), sides: ordered };
}
