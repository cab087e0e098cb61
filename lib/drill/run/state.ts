/**
 * The state of one drill run, shared by its phases (topology, preconditions, workload,
 * steps, rollback, measure, report): identity, timeline, events, the abort signal, and
 * what has been started so far (so the runner can always stop it and report).
 */
import { newRunId, testId } from '../../core/naming.js';
import type { StaleReadCount, StaleReads } from '../../integrity/write/stale.js';
import type { WriteResult, Writer } from '../../integrity/write/writer.js';
import { type RemoteWriteAuth, type RemoteWritePusher, startRemoteWritePush } from '../../observability/index.js';
import type { ConnectionOptions } from '../../redis/index.js';
import type { PortAllocator } from '../../stack/ports.js';
import type { PrometheusNode } from '../../stack/prometheus.js';
import type { AttachTarget } from '../../topology/attach.js';
import type { RoleWatch } from '../../topology/role-watch.js';
import type { TopoEvent, Topology } from '../../topology/types.js';
import type { AlertWatch } from '../game-day/alert-watch.js';
import type { ServiceRecording } from '../game-day/figures.js';
import type { ServiceLog } from '../game-day/service-log.js';
import { DrillMetrics } from '../metrics.js';
import type { DrillPlan } from '../plan.js';
import type { DrillPhase, DrillStatus, EventSource, ReportEvent, ReportStep } from '../report/types.js';
import type { WriteBurstResult } from '../steps/types.js';
import { Timeline } from '../timeline.js';

export interface RunDrillOptions {
  plan: DrillPlan;
  runId?: string;
  /** Where report files go (default reports/<runId>). */
  reportDir?: string;
  ports?: PortAllocator;
  /** Parent of the drill's work dir (default the OS temp dir). */
  workRoot?: string;
  keepWorkDir?: boolean;
  remoteWrite?: { url: string } & RemoteWriteAuth;
  allowDestructive?: boolean;
  confirmNonLoopback?: boolean;
  log?: (line: string) => void;
  /** Run against an existing deployment instead of starting one (the safety gate must have passed). */
  target?: AttachTarget;
  /** Called with the topology once it is up (tests use it to look at processes). */
  onTopology?: (t: Topology) => void;
  /**
   * Awaited once the topology is up, before the preconditions: `stormdrill demo` uses it to
   * attach exporters, the demo service, a bench and a k6 run to the drill's topology.
   */
  beforeSteps?: (t: Topology) => Promise<void>;
  /** The service workload drives this service instead of starting the demo service (--service-url). */
  serviceUrl?: string;
  /** The drill's Prometheus loads the rule files of this dir instead of prometheus/rules (tests). */
  rulesDir?: string;
}

/** What a drill's service workload (game day) holds while it runs (run/service.ts starts it). */
export interface ServiceRun extends Pick<ServiceRecording, 'settings' | 'driver' | 'url' | 'redis' | 'rules' | 'k6'> {
  prometheus: PrometheusNode;
  log: ServiceLog;
  alerts: AlertWatch;
  /** The running load (stormdrill's user flow or k6), null once stopped. */
  load: { stop(): Promise<void> } | null;
  startedAtMs: number;
  stoppedAtMs: number | null;
  /** Processes to stop at the end, in start order. */
  parts: Array<{ stop(): Promise<void> }>;
}

/** Why the drill stopped early (a failed step, an abort criterion, SIGINT). */
export class AbortedError extends Error {}

/** Per-node counters read before and after the steps. */
export interface NodeCounters {
  syncFull: number;
  oom: number;
  loading: number;
  evicted: number;
}

export class RunState {
  readonly plan: DrillPlan;
  readonly o: RunDrillOptions;
  readonly log: (line: string) => void;
  readonly runId: string;
  readonly testid: string;
  readonly startMs = Date.now();
  readonly events: ReportEvent[] = [];
  readonly steps: ReportStep[] = [];
  readonly timeline: Timeline;
  readonly metrics: DrillMetrics;
  readonly abort = new AbortController();
  phase: DrillPhase = 'topology';
  /** The phase the run was in when it was aborted or interrupted or failed (null: it ran every phase). */
  stoppedIn: DrillPhase | null = null;
  status: DrillStatus = 'passed';
  reason: string | null = null;
  interrupted = false;
  /** Work dir of an embedded topology (configs, logs, ledgers). */
  work: { path: string; remove: () => void } | null = null;
  pusher: RemoteWritePusher | null = null;
  topology: Topology | null = null;
  connection: ConnectionOptions | null = null;
  initialNodes: string[] = [];
  writer: Writer | null = null;
  /** The service workload (game day), once started. */
  service: ServiceRun | null = null;
  writeResult: WriteResult | null = null;
  readonly ledgers: Array<{ path: string; prefix: string }> = [];
  readonly burstResults: WriteBurstResult[] = [];
  /** The read probes of write steps with `reads` (they join the workload's in the report's staleReads). */
  readonly burstStaleReads: StaleReadCount[] = [];
  /** The workload's acknowledged-writes total, sampled every 100 ms (partition checks count from it). */
  readonly ackSamples: Array<{ atMs: number; acked: number }> = [];
  /** Partition drills whose workload reads: the reader on the old primary's side (run/side-reader.ts). */
  sideReads: StaleReads | null = null;
  readonly timers: NodeJS.Timeout[] = [];
  roleWatch: RoleWatch | null = null;
  primaryAtStart: string | null = null;
  primaryAtEnd: string | null = null;
  /** When the first destructive step started (failover time counts from here). */
  faultAtMs: number | null = null;
  before = new Map<string, NodeCounters>();
  /** Set by the runner: re-register its SIGINT cleanup after a fault registered its own undo. */
  rearmInterrupt: (() => void) | null = null;

  constructor(o: RunDrillOptions) {
    this.o = o;
    this.plan = o.plan;
    this.log = o.log ?? (() => {});
    this.runId = o.runId ?? newRunId();
    this.testid = testId(this.runId);
    this.timeline = new Timeline(this.startMs);
    this.metrics = new DrillMetrics(this.testid, this.plan.runbook);
  }

  addEvent(source: EventSource, kind: string, node?: string, detail?: string, atMs = Date.now()): void {
    this.events.push({ atMs, at: new Date(atMs).toISOString(), t: (atMs - this.startMs) / 1000, source, kind, node, detail });
    this.metrics.event(source, kind);
    // A fault just registered its own undo: re-register ours after it, so on SIGINT the drill
    // restores (and records) everything before the bare undos and the process stops run.
    if (kind === 'freeze' || kind === 'fault' || kind === 'client-pause') this.rearmInterrupt?.();
  }

  /** A topology event on the drill's timeline, attributed to Sentinel, Cluster or the topology. */
  addTopoEvent(e: TopoEvent, kind: string): void {
    this.addEvent(sourceOf(e, kind), e.kind, e.node, e.detail, e.atMs);
  }

  abortDrill(why: string): void {
    if (this.abort.signal.aborted) return;
    this.reason = why;
    this.stoppedIn ??= this.phase;
    this.addEvent('drill', 'abort', undefined, why);
    this.abort.abort(new AbortedError(why));
  }

  /** `p`, or a rejection with the abort's reason as soon as the drill is aborted (p runs on). */
  unlessAborted<T>(p: Promise<T>): Promise<T> {
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((res, rej) => {
      const onAbort = () => rej(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(res, rej).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Sleep that rejects as soon as the drill is aborted. */
  sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const elapsed = new Promise<void>((res) => {
      timer = setTimeout(res, ms);
    });
    return this.unlessAborted(elapsed).finally(() => clearTimeout(timer));
  }

  /** Push the drill's registry to a remote-write URL every second (--prom-rw, or the service workload's Prometheus). */
  startPusher(target: { url: string } & RemoteWriteAuth): void {
    const onError = (m: string) => this.log(`remote write: ${m}`);
    this.pusher = startRemoteWritePush({
      ...target,
      registry: this.metrics.registry,
      intervalMs: 1000,
      labels: { testid: this.testid },
      onError,
    });
  }

  /** The topology, once the topology phase has it. */
  get t(): Topology {
    if (!this.topology) throw new Error('the drill has no topology yet');
    return this.topology;
  }

  /** How clients reach the topology, once the topology phase has it. */
  get conn(): ConnectionOptions {
    if (!this.connection) throw new Error('the drill has no topology yet');
    return this.connection;
  }

  sortedEvents(): ReportEvent[] {
    return this.events.slice().sort((a, b) => a.atMs - b.atMs);
  }
}

function sourceOf(e: TopoEvent, kind: string): EventSource {
  if (e.kind.startsWith('cluster')) return 'cluster';
  if (/^[+-]/.test(e.kind) || e.kind === 'failover-end') return kind === 'cluster' ? 'cluster' : 'sentinel';
  return 'topology';
}
