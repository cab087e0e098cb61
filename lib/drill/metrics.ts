/**
 * Drill figures on a prom-client registry (names from METRICS.drill, every series with
 * `testid`), pushed by remote write when a URL is given. The writer's own metrics
 * (METRICS.write) share the registry. DrillWriteMetrics also feeds the report timeline.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS, TESTID_LABEL, testidSeries } from '../core/metric-names.js';
import { WriteMetrics } from '../integrity/metrics.js';
import type { ClusterPartitionFigures } from './cluster-partition.js';
import type { DrillReport } from './report/types.js';
import type { Timeline } from './timeline.js';

const D = METRICS.drill;

export class DrillMetrics {
  readonly registry = new Registry();
  private readonly events = new Counter(
    testidSeries(this.registry, D.events, 'drill events (steps, faults, Sentinel/Cluster events)', ['runbook', 'kind', 'source']),
  );
  private readonly checkOk = this.gauge(D.checkOk, '1 when the drill check passed, 0 when it failed', ['check']);
  private readonly ackedLost = this.gauge(D.ackedLost, 'acknowledged writes lost in the drill');
  private readonly unavailableMs = this.gauge(D.unavailableMs, 'total unavailability in the drill, ms', ['op']);
  private readonly failoverSeconds = this.gauge(D.failoverSeconds, 'from the fault to the new primary, s');
  private readonly timeToDetect = this.gauge(D.timeToDetectSeconds, 'game day: from the fault to the first alert firing (label alert), s', [
    'alert',
  ]);
  private readonly timeToRecover = this.gauge(
    D.timeToRecoverSeconds,
    "game day: from the fault to the service's success ratio back at its SLO, s",
  );
  private readonly budgetSpent = this.gauge(
    D.errorBudgetSpent,
    "game day: failed requests / the error budget of the drill's requests (1 = all of it)",
  );
  private readonly accepting = this.gauge(
    D.acceptingWrites,
    'partition drills: 1 while the node accepts writes as primary, 0 while it refuses them',
    ['node'],
  );
  private readonly splitBrainMs = this.gauge(
    D.splitBrainMs,
    'partition drills: ms during which two or more nodes accepted writes as primary',
  );
  private readonly staleReads = this.gauge(
    D.staleReads,
    "partition drills: reads older than the key's acknowledged write, by side (old-primary, majority)",
    ['side'],
  );
  private readonly cutOffAccepted = this.gauge(
    D.cutOffAcceptedMs,
    'cluster partition drills: ms from the cut to the first write the cut-off master refused',
    ['node'],
  );
  private readonly nodeTimeout = this.gauge(D.clusterNodeTimeoutMs, 'cluster partition drills: the cluster-node-timeout, ms');
  private readonly cutOffWrites = this.gauge(
    D.cutOffWrites,
    'cluster partition drills: writes to the cut-off master while cut, by outcome (acked, refused, unknown)',
    ['node', 'outcome'],
  );
  private readonly cutOffReads = this.gauge(
    D.cutOffReads,
    'cluster partition drills: reads from the cut-off master while cut, by outcome (ok, failed)',
    ['node', 'outcome'],
  );
  private readonly running = this.gauge(D.running, '1 while the drill runs');

  constructor(
    readonly testid: string,
    readonly runbook: string,
  ) {
    this.running.set(this.labels(), 1);
  }

  private gauge(name: string, help: string, extra: string[] = []): Gauge<string> {
    return new Gauge(testidSeries(this.registry, name, help, ['runbook', ...extra]));
  }

  private labels(): Record<string, string> {
    return { [TESTID_LABEL]: this.testid, runbook: this.runbook };
  }

  event(source: string, kind: string): void {
    this.events.inc({ ...this.labels(), source, kind });
  }

  /** A node started or stopped accepting writes as primary (the write-acceptance watch). */
  acceptingWrites(node: string, accepting: boolean): void {
    this.accepting.set({ ...this.labels(), node }, accepting ? 1 : 0);
  }

  /** The report's figures, and the drill no longer running. */
  finish(r: DrillReport): void {
    for (const c of r.checks) this.checkOk.set({ ...this.labels(), check: c.name }, c.ok ? 1 : 0);
    if (r.ackedLost !== null) this.ackedLost.set(this.labels(), r.ackedLost);
    if (r.writeUnavailableMs !== null) this.unavailableMs.set({ ...this.labels(), op: 'write' }, r.writeUnavailableMs);
    if (r.readUnavailableMs !== null) this.unavailableMs.set({ ...this.labels(), op: 'read' }, r.readUnavailableMs);
    if (r.failoverSeconds !== null) this.failoverSeconds.set(this.labels(), r.failoverSeconds);
    if (r.serviceUnavailableMs != null) this.unavailableMs.set({ ...this.labels(), op: 'http' }, r.serviceUnavailableMs);
    if (r.timeToDetectMs != null) this.timeToDetect.set({ ...this.labels(), alert: r.detectedBy ?? '' }, r.timeToDetectMs / 1000);
    if (r.timeToRecoverMs != null) this.timeToRecover.set(this.labels(), r.timeToRecoverMs / 1000);
    if (r.errorBudgetSpent != null) this.budgetSpent.set(this.labels(), r.errorBudgetSpent);
    if (r.splitBrainMs != null) this.splitBrainMs.set(this.labels(), r.splitBrainMs);
    for (const x of r.staleReads?.sides ?? []) this.staleReads.set({ ...this.labels(), side: x.side }, x.stale);
    if (r.clusterPartition) this.cutOff(r.clusterPartition);
    this.running.set(this.labels(), 0);
  }

  private cutOff(f: ClusterPartitionFigures): void {
    const at = { ...this.labels(), node: f.node };
    if (f.acceptedWritesMs !== null) this.cutOffAccepted.set(at, f.acceptedWritesMs);
    this.nodeTimeout.set(this.labels(), f.nodeTimeoutMs);
    const writes = { acked: f.ackedWhileCut, refused: f.refusedWhileCut, unknown: f.unknownWhileCut };
    for (const [outcome, n] of Object.entries(writes)) this.cutOffWrites.set({ ...at, outcome }, n);
    for (const [outcome, n] of Object.entries(f.readsWhileCut)) this.cutOffReads.set({ ...at, outcome }, n);
  }
}

/** The writer's metrics, also recording every latency into the drill timeline. */
export class DrillWriteMetrics extends WriteMetrics {
  constructor(
    testid: string,
    registry: Registry,
    private readonly timeline: Timeline,
  ) {
    super(testid, registry);
  }
  override observe(seconds: number): void {
    super.observe(seconds);
    this.timeline.latency(Date.now(), seconds);
  }
}
