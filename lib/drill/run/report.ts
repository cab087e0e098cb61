/**
 * Phase 7, report: the checks' verdicts, the report object (full, or partial when the run
 * stopped before it could measure), its files, and the exit code.
 */
import { resolve } from 'node:path';
import { reportDir as reportDirOf } from '../../core/naming.js';
import { describeAttachTarget } from '../../topology/attach.js';
import { evaluateChecks, failoverSeconds, NEW_PRIMARY_EVENTS } from '../checks.js';
import { type ClusterPartitionFigures, clusterPartitionFigures } from '../cluster-partition.js';
import { writeDrillReport } from '../report/index.js';
import type { DrillReport, DrillStatus } from '../report/types.js';
import { roundWindows } from '../report/windows.js';
import { partitionEffect, partitionLane, splitBrainMs } from '../split-brain.js';
import { type StaleReadsReport, staleReadsBySide } from '../stale-sides.js';
import type { Measured } from './measure.js';
import type { RunState } from './state.js';
import { measuresSplitBrain } from './write-acceptance.js';

export interface DrillOutcome {
  report: DrillReport;
  files: string[];
  /** 0 passed, 1 a check failed, 4 aborted (a step failed or an abort criterion hit), 130 interrupted. */
  exitCode: number;
}

/** Exit codes of a drill run, by its status. */
export const DRILL_EXIT = { passed: 0, failed: 1, error: 3, aborted: 4, interrupted: 130 } as const satisfies Record<DrillStatus, number>;

/**
 * The report of a run that measured (checks evaluated, none when interrupted), or, with
 * `measured` null, the partial report of a run that failed before it could measure anything.
 */
export function drillReport(s: RunState, measured: Measured | null): DrillReport {
  const { plan } = s;
  const m = measured?.m;
  const checks = m && !s.interrupted ? evaluateChecks(plan.checks, m) : [];
  if (s.status === 'passed' && checks.some((c) => !c.ok)) s.status = 'failed';
  const wr = s.writeResult;
  const cluster = clusterPartitionOf(s);
  const kind = m ? s.t.kind : plan.topology.kind;
  const service = measured?.service;
  return {
    ...reportHead(s, Date.now(), !m || s.status === 'aborted' || s.status === 'interrupted', kind),
    topology: { kind, nodes: s.topology?.nodes.map((n) => n.name) ?? [], primaryAtStart: s.primaryAtStart, primaryAtEnd: s.primaryAtEnd },
    checks,
    writeUnavailableMs: m ? m.writeUnavailableMs : wr ? Math.round(wr.writeUnavailableMs) : null,
    readUnavailableMs: m?.readUnavailableMs ?? null,
    ackedLost: m?.ackedLost ?? null,
    fullSyncs: m?.fullSyncs ?? null,
    loadingErrors: m ? m.loadingErrors : (wr?.errors.LOADING ?? 0),
    failoverSeconds: m ? m.failoverSeconds : failoverSeconds(s.faultAtMs, s.events, NEW_PRIMARY_EVENTS),
    ...splitBrainOf(s, m?.ackedLost ?? null, cluster),
    ...(m ? staleReadsOf(s) : {}),
    // on a Cluster every master accepts writes for its own slots: split brain is the cut-off master's shard only
    ...(m && cluster ? { clusterPartition: cluster, splitBrainMs: cluster.splitBrainMs } : {}),
    oomErrors: m?.oomErrors ?? null,
    evictions: m?.evictions ?? null,
    writeWindows: roundWindows(wr?.writeWindows ?? []),
    readWindows: m && plan.workload.reads ? roundWindows(wr?.readWindows ?? []) : [],
    loadingPeriods: m
      ? (wr?.writeWindows ?? []).filter((w) => (w.errors.LOADING ?? 0) > 0).map((w) => ({ startMs: w.startMs, endMs: w.endMs }))
      : [],
    fullSyncNodes: measured?.fullSyncNodes ?? [],
    workload:
      m && wr
        ? {
            kind: plan.workload.kind,
            attempted: wr.attempted,
            acked: wr.acked,
            failed: wr.failed,
            unknown: wr.unknown,
            errors: wr.errors,
            p99Ms: wr.latencyMs.p99,
          }
        : null,
    audit: measured?.audit ?? null,
    timeToDetectMs: m?.service?.timeToDetectMs ?? null,
    detectedBy: m?.service?.detectedBy ?? null,
    timeToRecoverMs: m?.service?.timeToRecoverMs ?? null,
    serviceUnavailableMs: m?.service?.serviceUnavailableMs ?? null,
    errorBudgetSpent: m?.service?.errorBudgetSpent ?? null,
    alerts: service?.alerts ?? [],
    service: service?.report ?? null,
    steps: s.steps,
    events: s.sortedEvents(),
    series: s.timeline.points(),
  };
}

/** What every report starts with: the run's identity, verdict so far and times. */
function reportHead(s: RunState, endMs: number, partial: boolean, kind: string) {
  const { plan } = s;
  return {
    runbook: plan.runbook,
    variant: plan.variant,
    vars: plan.vars,
    description: plan.description,
    testid: s.testid,
    runId: s.runId,
    status: s.status,
    partial,
    phase: partial ? s.stoppedIn : null,
    reason: s.reason,
    startedAt: new Date(s.startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    startMs: s.startMs,
    endMs,
    durationSeconds: (endMs - s.startMs) / 1000,
    target: s.o.target ? describeAttachTarget(s.o.target) : `embedded ${kind}`,
  };
}

/** Finish the metrics, write the report files, and map the status to the exit code. */
export function reportPhase(s: RunState, report: DrillReport): DrillOutcome {
  s.metrics.finish(report);
  const dir = s.o.reportDir ?? resolve(reportDirOf(s.runId));
  const files = writeDrillReport(dir, report, s.log);
  report.files = files;
  return { report, files, exitCode: DRILL_EXIT[report.status] };
}

/** The cut-off master's figures in a cluster partition drill (null: not one, or no topology yet). */
function clusterPartitionOf(s: RunState): ClusterPartitionFigures | null {
  const spec = s.topology?.spec;
  return spec?.kind === 'cluster' ? clusterPartitionFigures(s.events, s.burstResults, spec, Date.now()) : null;
}

/** splitBrainMs and the partition's effect for partition drills (the write-acceptance watch's events up to now). */
function splitBrainOf(
  s: RunState,
  ackedLost: number | null,
  cluster: ClusterPartitionFigures | null,
): Pick<DrillReport, 'splitBrainMs' | 'partitionEffect' | 'partition'> {
  // a run interrupted before it had a topology has nothing to say about split brain
  if (!s.topology || !measuresSplitBrain(s)) return {};
  const now = Date.now();
  const lane = partitionLane(s.events, now);
  const spec = s.t.spec;
  // on a Cluster the node the partition is about is the cut-off master the write steps aimed at
  const effect = partitionEffect(s.events, {
    oldPrimary: cluster?.node ?? s.primaryAtStart,
    minReplicasToWrite: spec.minReplicasToWrite,
    minReplicasMaxLagS: spec.minReplicasMaxLagS,
    ackedLost,
    ...(spec.kind === 'cluster' ? { clusterNodeTimeoutMs: spec.nodeTimeoutMs } : {}),
  });
  return {
    splitBrainMs: splitBrainMs(s.events, now),
    ...(effect ? { partitionEffect: effect } : {}),
    ...(lane ? { partition: lane } : {}),
  };
}

/**
 * Stale reads per side for partition drills whose workload read back (the writer's read probe
 * and the old primary's side reader) or whose write steps probed reads.
 */
function staleReadsOf(s: RunState): { staleReads?: StaleReadsReport } {
  const workload = s.plan.workload.reads ? s.writeResult?.staleReads : undefined;
  if (!measuresSplitBrain(s) || (!workload && s.burstStaleReads.length === 0)) return {};
  // every node listens on its own loopback port and its proxy's
  const nodeOf = (ep: string) => {
    const port = Number(ep.slice(ep.lastIndexOf(':') + 1));
    return s.t.nodes.find((n) => n.proxyPort === port || n.port === port)?.name ?? null;
  };
  const counts = [...(workload ?? []), ...s.burstStaleReads, ...(s.sideReads?.counts() ?? [])];
  return { staleReads: staleReadsBySide(counts, nodeOf, s.primaryAtStart) };
}
