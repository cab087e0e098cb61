/** The drill report (report.json). Plain data, produced by the runner, formatted by markdown.ts / html.ts. */
import type { CheckResult } from '../checks.js';
import type { TimelinePoint } from '../timeline.js';

export interface ReportWindow {
  startMs: number;
  endMs: number;
  durationMs: number;
  errors: Record<string, number>;
  open?: boolean;
}

export type EventSource = 'drill' | 'step' | 'topology' | 'sentinel' | 'cluster' | 'writer' | 'check';

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

export interface DrillReport {
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
  writeUnavailableMs: number | null;
  readUnavailableMs: number | null;
  ackedLost: number | null;
  fullSyncs: number | null;
  loadingErrors: number;
  failoverSeconds: number | null;
  oomErrors: number | null;
  evictions: number | null;
  writeWindows: ReportWindow[];
  readWindows: ReportWindow[];
  /** Periods where a node answered LOADING (or reported loading:1). */
  loadingPeriods: Array<{ startMs: number; endMs: number; node?: string }>;
  /** Nodes whose sync_full grew during the drill. */
  fullSyncNodes: Array<{ node: string; count: number }>;
  workload: {
    kind: string;
    attempted: number;
    acked: number;
    failed: number;
    unknown: number;
    errors: Record<string, number>;
    p99Ms: number | null;
  } | null;
  audit: { acked: number; ackedLost: number; ackedCorrupt: number; unknownPresent: number; failedPresent: number } | null;
  steps: ReportStep[];
  events: ReportEvent[];
  series: TimelinePoint[];
  /** Files written (set by the writer of the report). */
  files?: string[];
}
