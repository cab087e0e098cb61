/**
 * Figures of a cluster partition drill, from the timeline and the write steps aimed at one
 * master: how long the cut-off master kept acknowledging writes after the cut (against
 * cluster-node-timeout), what it acknowledged and refused meanwhile, the reads it answered
 * while cut, the time from the cut to the promotion on the majority side, and split brain
 * between the cut-off master and the node promoted in its place (the other masters serve
 * other slots: their accepting writes is no split brain). Pure.
 */
import { type AcceptEvent, splitBrainMs } from './split-brain.js';
import type { WriteBurstResult } from './steps/types.js';

export interface ClusterPartitionFigures {
  /** The master the write steps wrote to while it was cut off. */
  node: string;
  nodeTimeoutMs: number;
  allowReadsWhenDown: boolean;
  /** Cut → its first refused write; null when it refused none (it accepted until the step ended). */
  acceptedWritesMs: number | null;
  /** Writes it acknowledged / refused while cut (the write steps after the cut). */
  ackedWhileCut: number;
  refusedWhileCut: number;
  /** Writes without an answer in time (neither acknowledged nor refused). */
  unknownWhileCut: number;
  /** The write steps' read probes while cut: answered by it, and failed. */
  readsWhileCut: { ok: number; failed: number };
  /** Cut → its first refused read; null when it answered every read while cut. */
  readsRefusedAfterMs: number | null;
  /** The cut-off master and the node promoted in its place both accepting writes (the write-acceptance events of those two). */
  splitBrainMs: number;
  /** Cut → the first promotion the cluster watch saw (+promoted); null without one. */
  failoverMs: number | null;
}

/** Null unless the timeline has a partition and a write step to one node ran after it. */
export function clusterPartitionFigures(
  events: AcceptEvent[],
  bursts: WriteBurstResult[],
  spec: { nodeTimeoutMs: number; allowReadsWhenDown: boolean },
  endMs: number,
): ClusterPartitionFigures | null {
  const cutAt = events.find((e) => e.kind === 'partition')?.atMs;
  if (cutAt === undefined) return null;
  const healAt = events.find((e) => e.kind === 'heal' && e.atMs >= cutAt)?.atMs ?? Number.POSITIVE_INFINITY;
  const cut = bursts.filter((b) => b.node !== undefined && (b.startMs ?? 0) >= cutAt && (b.startMs ?? 0) < healAt);
  const first = cut[0];
  if (!first?.node) return null;
  const mine = cut.filter((b) => b.node === first.node);
  const refusedAt = mine.map((b) => b.firstFailedMs).find((x): x is number => typeof x === 'number');
  const promotion = events.find((e) => e.kind === '+promoted' && e.atMs >= cutAt);
  const promoted = promotion?.atMs;
  const readRefusedAt = mine.map((b) => b.firstReadFailedMs).find((x): x is number => typeof x === 'number');
  const shard = new Set([first.node, ...(promotion?.node ? [promotion.node] : [])]);
  const sum = (f: (b: WriteBurstResult) => number) => mine.reduce((a, b) => a + f(b), 0);
  return {
    node: first.node,
    nodeTimeoutMs: spec.nodeTimeoutMs,
    allowReadsWhenDown: spec.allowReadsWhenDown,
    acceptedWritesMs: refusedAt === undefined ? null : refusedAt - cutAt,
    ackedWhileCut: sum((b) => b.acked),
    refusedWhileCut: sum((b) => b.failed),
    unknownWhileCut: sum((b) => b.unknown),
    readsWhileCut: { ok: sum((b) => b.reads?.ok ?? 0), failed: sum((b) => b.reads?.failed ?? 0) },
    readsRefusedAfterMs: readRefusedAt === undefined ? null : readRefusedAt - cutAt,
    splitBrainMs: splitBrainMs(
      events.filter((e) => e.node !== undefined && shard.has(e.node)),
      endMs,
    ),
    failoverMs: promoted === undefined ? null : promoted - cutAt,
  };
}

/** One sentence for the report, e.g. 'master-1, cut off, acknowledged writes for 2.1 s (cluster-node-timeout 2 s) ...'. */
export function describeClusterPartition(f: ClusterPartitionFigures): string {
  const accepted =
    f.acceptedWritesMs === null
      ? 'acknowledged writes until the write step ended'
      : `acknowledged writes for ${(f.acceptedWritesMs / 1000).toFixed(1)} s after the cut`;
  const failover =
    f.failoverMs === null ? 'no replica was promoted' : `its replica was promoted ${(f.failoverMs / 1000).toFixed(1)} s after the cut`;
  const reads =
    f.readsRefusedAfterMs === null
      ? `it answered every read while cut (${f.readsWhileCut.ok})`
      : `it answered ${f.readsWhileCut.ok} reads while cut and refused reads from ${(f.readsRefusedAfterMs / 1000).toFixed(1)} s after the cut (${f.readsWhileCut.failed} failed)`;
  return `${f.node}, cut off, ${accepted} (cluster-node-timeout ${f.nodeTimeoutMs / 1000} s): ${f.ackedWhileCut} acknowledged, ${f.refusedWhileCut} refused, ${f.unknownWhileCut} unanswered; ${reads}, cluster-allow-reads-when-down ${f.allowReadsWhenDown ? 'yes' : 'no'}; ${failover}; split brain ${f.splitBrainMs} ms.`;
}
