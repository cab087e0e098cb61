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

/**
 * The partition's effect in one sentence: when the old primary stopped accepting writes
 * after the cut (and why), and the acknowledged writes lost. Null without a partition.
 */
export function partitionEffect(
  events: Array<AcceptEvent & { detail?: string }>,
  o: {
    oldPrimary: string | null;
    minReplicasToWrite: number;
    minReplicasMaxLagS: number;
    ackedLost: number | null;
    /** A Cluster's: the setting that ends the cut-off master's writes (and it is a master, not a primary of a group). */
    clusterNodeTimeoutMs?: number;
  },
): string | null {
  const cut = events.find((e) => e.kind === 'partition')?.atMs;
  if (cut === undefined || !o.oldPrimary) return null;
  const refused = events.find((e) => e.kind === REFUSES && e.node === o.oldPrimary && e.atMs >= cut);
  const setting =
    o.clusterNodeTimeoutMs !== undefined
      ? `with cluster-node-timeout ${o.clusterNodeTimeoutMs / 1000} s`
      : o.minReplicasToWrite > 0
        ? `with min-replicas-to-write ${o.minReplicasToWrite} and min-replicas-max-lag ${o.minReplicasMaxLagS} s`
        : 'without min-replicas-to-write';
  const who = `${o.clusterNodeTimeoutMs !== undefined ? 'the cut-off master' : 'the old primary'} (${o.oldPrimary})`;
  const when = refused
    ? `${who} refused writes ${((refused.atMs - cut) / 1000).toFixed(1)} s after the cut (${refused.detail ?? 'refused'})`
    : `${who} accepted writes until the end of the drill`;
  const lost = o.ackedLost === null ? 'acknowledged writes lost not measured' : `${o.ackedLost} acknowledged writes lost`;
  return `${setting} ${when}; ${lost}.`;
}

/** The partition lane of the report: the sides, each member's cut (the peers it stopped hearing) and heal, and the write-accepting periods. */
export interface PartitionLane {
  /** e.g. `[primary, clients] | [replica-1, replica-2, sentinel-1, ...]`. */
  sides: string;
  cutAtMs: number;
  /** When the last cut member was healed (null: still cut at the end). */
  healedAtMs: number | null;
  links: Array<{ member: string; cut: string; cutAtMs: number; healedAtMs: number | null }>;
  acceptingPeriods: Array<{ node: string; startMs: number; endMs: number }>;
}

/** The lane from the drill's events (`partition`, `cut`, `heal`, `accepts-writes`/`refuses-writes`); null without a partition. Pure. */
export function partitionLane(events: Array<AcceptEvent & { detail?: string; source?: string }>, endMs: number): PartitionLane | null {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  // the fault's own event (the step's event of the same kind carries its label)
  const p = sorted.find((e) => e.kind === 'partition' && e.source !== 'step') ?? sorted.find((e) => e.kind === 'partition');
  if (!p) return null;
  const links: PartitionLane['links'] = [];
  for (const e of sorted) {
    if (e.kind === 'heal' && !e.node && e.source !== 'step') {
      // a partition cut by address heals whole: every link still cut
      for (const l of links) l.healedAtMs ??= e.atMs;
      continue;
    }
    if (!e.node) continue;
    if (e.kind === 'cut') links.push({ member: e.node, cut: e.detail ?? '', cutAtMs: e.atMs, healedAtMs: null });
    if (e.kind === 'heal') {
      const open = links.find((l) => l.member === e.node && l.healedAtMs === null);
      if (open) open.healedAtMs = e.atMs;
    }
  }
  const healed = links.every((l) => l.healedAtMs !== null) ? Math.max(...links.map((l) => l.healedAtMs as number)) : null;
  return {
    sides: p.detail ?? '',
    cutAtMs: p.atMs,
    healedAtMs: links.length ? healed : null,
    links,
    acceptingPeriods: acceptingPeriods(events, endMs),
  };
}
