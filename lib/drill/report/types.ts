/** The drill report (report.json). Plain data, produced by the runner, formatted by markdown.ts / html.ts. */

import type { WriteResult } from '../../integrity/write/writer.js';
import type { CheckResult, DrillMeasurements, ServiceMeasurements } from '../checks.js';
import type { ClusterPartitionFigures } from '../cluster-partition.js';
import type { AlertRecord } from '../game-day/alert-log.js';
import type { PartitionLane } from '../split-brain.js';
import type { StaleReadsReport } from '../stale-sides.js';
import type { TimelinePoint } from '../timeline.js';

/** An alert of the drill's Prometheus: when it went pending, fired and resolved (epoch ms). */
export interface ReportAlert extends AlertRecord {
  /** The rule's `for:` (s), null when the rule could not be read. */
  forSeconds: number | null;
}

/** The service workload of a game day: how it was driven and what its users saw. */
export interface ServiceReport {
  driver: 'user-flow' | 'k6';
  /** k6's exit when k6 drove the load (99: the scenario's SLO thresholds were crossed). */
  k6: { exitCode: number; meaning: string } | null;
  url: string;
  /** What the demo service used as Redis (null: the drill was given --service-url). */
  redis: string | null;
  ratePerSecond: number;
  slo: number;
  /** The SLO period whose error budget errorBudgetSpent is a share of. */
  sloPeriodMs: number;
  recoverForMs: number;
  /** Prometheus's rule evaluation and scrape intervals in this drill, and how often the alerts API was polled. */
  evaluationIntervalMs: number;
  scrapeIntervalMs: number;
  alertPollIntervalMs: number;
  requests: number;
  failed: number;
  /** Failed requests by kind (HTTP_503, ECONNREFUSED, TIMEOUT, ...). */
  errors: Record<string, number>;
  /** HTTP-level unavailability windows (from the client side). */
  windows: ReportWindow[];
  /** Epoch ms: the first failed request after the fault, the first good answer after it, the recovery. */
  firstFailureAtMs: number | null;
  firstGoodResponseAtMs: number | null;
  recoveredAtMs: number | null;
  /** The timestamp the measured figures count from (the first destructive step). */
  faultAtMs: number | null;
}

export interface ReportWindow {
  startMs: number;
  endMs: number;
  durationMs: number;
  errors: Record<string, number>;
  open?: boolean;
}

export type EventSource = 'drill' | 'step' | 'topology' | 'sentinel' | 'cluster' | 'writer' | 'check' | 'service' | 'alert';

export interface ReportEvent {
  /** Epoch ms. */
  atMs: number;
  /** ISO time. */
  at: string;
  /** Seconds since the drill started. */
  t: number;
  source: EventSource;
  kind: string;
  node?: string;
  detail?: string;
}

export interface ReportStep {
  index: number;
  action: string;
  label: string;
  startMs: number;
  endMs: number | null;
  ok: boolean | null;
  error?: string;
}

export type DrillStatus = 'passed' | 'failed' | 'aborted' | 'interrupted' | 'error';

/** The phases of a drill run, in order. */
export type DrillPhase = 'topology' | 'preconditions' | 'workload' | 'steps' | 'rollback' | 'measure' | 'report';

/** The drill's figures as measured (null: not measured); the game day's (timeToDetectMs, ...) are null without a service workload. */
export interface DrillReport
  extends Omit<ServiceMeasurements, 'alertsFired'>,
    Omit<DrillMeasurements, 'writeStepsAcked' | 'verify' | 'primaryChanged' | 'clusterStateOk' | 'service' | 'lag'> {
  runbook: string;
  variant: string;
  vars: Record<string, string | number | boolean>;
  description: string;
  testid: string;
  runId: string;
  status: DrillStatus;
  /** True when the drill did not run to the end (aborted, interrupted, error). */
  partial: boolean;
  /** The phase the run stopped in (aborted, interrupted, error); null when it ran every phase. */
  phase: DrillPhase | null;
  reason: string | null;
  startedAt: string;
  endedAt: string;
  startMs: number;
  endMs: number;
  durationSeconds: number;
  target: string;
  topology: { kind: string; nodes: string[]; primaryAtStart: string | null; primaryAtEnd: string | null };
  checks: CheckResult[];
  /** Partition drills: ms during which two or more nodes accepted writes as primary (absent otherwise). */
  splitBrainMs?: number | null;
  /** Partition drills: when the old primary stopped accepting writes after the cut, and the loss, in one sentence. */
  partitionEffect?: string;
  /** Partition drills: the cuts and heals, and every node's write-accepting periods (the two primaries overlaid). */
  partition?: PartitionLane;
  /** Partition drills with the read probe: reads older than the key's acknowledged write, per side. */
  staleReads?: StaleReadsReport;
  /** Cluster partition drills: the cut-off master's figures (lib/drill/cluster-partition.ts). */
  clusterPartition?: ClusterPartitionFigures;
  writeWindows: ReportWindow[];
  readWindows: ReportWindow[];
  /** Periods where a node answered LOADING (or reported loading:1). */
  loadingPeriods: Array<{ startMs: number; endMs: number; node?: string }>;
  /** Nodes whose sync_full grew during the drill. */
  fullSyncNodes: Array<{ node: string; count: number }>;
  /** The workload writer's counts (null: no workload, or the run stopped before it was stopped). */
  workload: (Pick<WriteResult, 'attempted' | 'acked' | 'failed' | 'unknown' | 'errors'> & { kind: string; p99Ms: number | null }) | null;
  audit: { acked: number; ackedLost: number; ackedCorrupt: number; unknownPresent: number; failedPresent: number } | null;
  alerts: ReportAlert[];
  service: ServiceReport | null;
  steps: ReportStep[];
  events: ReportEvent[];
  series: TimelinePoint[];
  /** Files written (set by the writer of the report). */
  files?: string[];
}
