/**
 * Live metrics of fill and write on a prom-client registry (names from
 * lib/core/metric-names.ts, every series labelled with `testid`). The hot paths keep
 * plain counters; `sync()` moves the deltas into the registry once per tick. Counters
 * whose label values are known start at 0 (outcomes, both ops), so a clean run shows 0
 * windows and 0 s unavailable instead of "No data", and the first increment counts.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { METRICS, testidSeries as series, TESTID_LABEL } from '../core/metric-names.js';

export class WriteMetrics {
  private readonly ops: Counter<string>;
  private readonly errors: Counter<string>;
  readonly duration: Histogram<string>;
  private readonly unavailable: Gauge<string>;
  private readonly windows: Counter<string>;
  private readonly windowSeconds: Counter<string>;
  private last = { acked: 0, failed: 0, unknown: 0 } as Record<string, number>;
  private lastErrors: Record<string, number> = {};

  constructor(
    readonly testid: string,
    readonly registry = new Registry(),
  ) {
    const M = METRICS.write;
    this.ops = new Counter(series(registry, M.ops, 'writes by outcome (acked, failed, unknown)', ['outcome']));
    this.errors = new Counter(series(registry, M.errors, 'write and read errors by kind', ['kind', 'op']));
    this.duration = new Histogram({
      ...series(registry, M.duration, 'write latency'),
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.unavailable = new Gauge(series(registry, M.unavailable, '1 while writes (op=write) or reads (op=read) are unavailable', ['op']));
    this.windows = new Counter(series(registry, M.windows, 'closed unavailability windows', ['op']));
    this.windowSeconds = new Counter(series(registry, M.windowSeconds, 'seconds inside closed unavailability windows', ['op']));
    this.unavailable.set({ [TESTID_LABEL]: testid, op: 'write' }, 0);
    for (const outcome of ['acked', 'failed', 'unknown']) this.ops.inc({ [TESTID_LABEL]: testid, outcome }, 0);
    for (const op of ['write', 'read']) {
      this.windows.inc({ [TESTID_LABEL]: testid, op }, 0);
      this.windowSeconds.inc({ [TESTID_LABEL]: testid, op }, 0);
    }
  }

  sync(
    totals: { acked: number; failed: number; unknown: number },
    errors: Record<string, number>,
    open: { write: boolean; read: boolean },
  ): void {
    for (const k of ['acked', 'failed', 'unknown'] as const) {
      const d = totals[k] - (this.last[k] ?? 0);
      if (d > 0) this.ops.inc({ [TESTID_LABEL]: this.testid, outcome: k }, d);
      this.last[k] = totals[k];
    }
    for (const [kind, n] of Object.entries(errors)) {
      const d = n - (this.lastErrors[kind] ?? 0);
      if (d > 0) this.errors.inc({ [TESTID_LABEL]: this.testid, kind, op: 'write' }, d);
      this.lastErrors[kind] = n;
    }
    this.unavailable.set({ [TESTID_LABEL]: this.testid, op: 'write' }, open.write ? 1 : 0);
    this.unavailable.set({ [TESTID_LABEL]: this.testid, op: 'read' }, open.read ? 1 : 0);
  }

  windowClosed(op: 'write' | 'read', durationMs: number): void {
    this.windows.inc({ [TESTID_LABEL]: this.testid, op });
    this.windowSeconds.inc({ [TESTID_LABEL]: this.testid, op }, durationMs / 1000);
  }

  observe(seconds: number): void {
    this.duration.observe({ [TESTID_LABEL]: this.testid }, seconds);
  }
}

export class FillMetrics {
  private readonly keys: Counter<string>;
  private readonly bytes: Counter<string>;
  private last = { keys: 0, bytes: 0 };
  constructor(
    readonly testid: string,
    readonly registry = new Registry(),
  ) {
    this.keys = new Counter(series(registry, METRICS.fill.keys, 'keys written by fill'));
    this.bytes = new Counter(series(registry, METRICS.fill.bytes, 'RESP bytes sent by fill'));
    this.keys.inc({ [TESTID_LABEL]: testid }, 0);
    this.bytes.inc({ [TESTID_LABEL]: testid }, 0);
  }
  sync(keys: number, bytes: number): void {
    if (keys > this.last.keys) this.keys.inc({ [TESTID_LABEL]: this.testid }, keys - this.last.keys);
    if (bytes > this.last.bytes) this.bytes.inc({ [TESTID_LABEL]: this.testid }, bytes - this.last.bytes);
    this.last = { keys, bytes };
  }
}
