/**
 * Drill figures on a prom-client registry (names from METRICS.drill, every series with
 * `testid`), pushed by remote write when a URL is given. The writer's own metrics
 * (METRICS.write) share the registry. DrillWriteMetrics also feeds the report timeline.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { METRICS, TESTID_LABEL } from '../core/metric-names.js';
import { WriteMetrics } from '../integrity/metrics.js';
import type { CheckResult } from './checks.js';
import type { Timeline } from './timeline.js';

export class DrillMetrics {
  readonly registry = new Registry();
  private readonly events: Counter<string>;
  private readonly checkOk: Gauge<string>;
  private readonly ackedLost: Gauge<string>;
  private readonly unavailableMs: Gauge<string>;
  private readonly failoverSeconds: Gauge<string>;
  private readonly running: Gauge<string>;
  private readonly timeToDetect: Gauge<string>;
  private readonly timeToRecover: Gauge<string>;
  private readonly budgetSpent: Gauge<string>;
  private readonly accepting: Gauge<string>;
  private readonly splitBrainMs: Gauge<string>;
  private readonly staleReads: Gauge<string>;

  constructor(
    readonly testid: string,
    readonly runbook: string,
  ) {
    const r = [this.registry];
    const l = [TESTID_LABEL, 'runbook'];
    this.events = new Counter({
      name: METRICS.drill.events,
      help: 'drill events (steps, faults, Sentinel/Cluster events)',
      labelNames: [...l, 'kind', 'source'],
      registers: r,
    });
    this.checkOk = new Gauge({
      name: METRICS.drill.checkOk,
      help: '1 when the drill check passed, 0 when it failed',
      labelNames: [...l, 'check'],
      registers: r,
    });
    this.ackedLost = new Gauge({
      name: METRICS.drill.ackedLost,
      help: 'acknowledged writes lost in the drill',
      labelNames: l,
      registers: r,
    });
    this.unavailableMs = new Gauge({
      name: METRICS.drill.unavailableMs,
      help: 'total unavailability in the drill, ms',
      labelNames: [...l, 'op'],
      registers: r,
    });
    this.failoverSeconds = new Gauge({
      name: METRICS.drill.failoverSeconds,
      help: 'from the fault to the new primary, s',
      labelNames: l,
      registers: r,
    });
    this.timeToDetect = new Gauge({
      name: METRICS.drill.timeToDetectSeconds,
      help: 'game day: from the fault to the first alert firing (label alert), s',
      labelNames: [...l, 'alert'],
      registers: r,
    });
    this.timeToRecover = new Gauge({
      name: METRICS.drill.timeToRecoverSeconds,
      help: "game day: from the fault to the service's success ratio back at its SLO, s",
      labelNames: l,
      registers: r,
    });
    this.budgetSpent = new Gauge({
      name: METRICS.drill.errorBudgetSpent,
      help: "game day: failed requests / the error budget of the drill's requests (1 = all of it)",
      labelNames: l,
      registers: r,
    });
    this.accepting = new Gauge({
      name: METRICS.drill.acceptingWrites,
      help: 'partition drills: 1 while the node accepts writes as primary, 0 while it refuses them',
      labelNames: [...l, 'node'],
      registers: r,
    });
    this.splitBrainMs = new Gauge({
      name: METRICS.drill.splitBrainMs,
      help: 'partition drills: ms during which two or more nodes accepted writes as primary',
      labelNames: l,
      registers: r,
    });
    this.staleReads = new Gauge({
      name: METRICS.drill.staleReads,
      help: "partition drills: reads older than the key's acknowledged write, by side (old-primary, majority)",
      labelNames: [...l, 'side'],
      registers: r,
    });
    this.running = new Gauge({ name: METRICS.drill.running, help: '1 while the drill runs', labelNames: l, registers: r });
    this.running.set(this.labels(), 1);
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

  finish(r: {
    checks: CheckResult[];
    ackedLost: number | null;
    writeUnavailableMs: number | null;
    readUnavailableMs: number | null;
    failoverSeconds: number | null;
    timeToDetectMs?: number | null;
    detectedBy?: string | null;
    timeToRecoverMs?: number | null;
    serviceUnavailableMs?: number | null;
    errorBudgetSpent?: number | null;
    splitBrainMs?: number | null;
    staleReads?: { sides: Array<{ side: string; stale: number }> };
  }): void {
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
    this.running.set(this.labels(), 0);
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
