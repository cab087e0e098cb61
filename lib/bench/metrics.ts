/**
 * Prometheus metrics of a bench run (names from lib/core/metric-names.ts, every series
 * labelled `testid`): requests and errors counters, each test's elapsed seconds, and the
 * request duration as a classic histogram read from the live HDR histogram when scraped or
 * pushed (nothing on the hot path). Remote write also gets the duration as a native
 * histogram (nativeSeries): summed over the instances of a distributed run, its quantiles
 * are the run's (`stormdrill gate --prometheus`).
 */
import { Counter, Registry } from 'prom-client';
import { METRICS, TESTID_LABEL, testidSeries } from '../core/metric-names.js';
import type { LatencyHistogram } from '../core/stats/index.js';
import { NativeHistogram } from '../observability/native-histogram.js';
import type { TimeSeries } from '../observability/write-request.js';
import type { BenchObserver } from './bench.js';
import type { RunResult } from './runner.js';
import type { RunSpec } from './setup.js';

/** Classic bucket bounds in seconds. */
export const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface HistogramValue {
  value: number;
  labels: Record<string, string | number>;
  metricName: string;
}

/** An HDR histogram (µs) as a native histogram of seconds (schema 3, like k6's). Pure. */
export function nativeFromHdr(buckets: Iterable<readonly [number, number]>): NativeHistogram {
  const n = new NativeHistogram();
  for (const [us, count] of buckets) n.add(us / 1e6, count);
  return n;
}

/** Cumulative bucket counts, sum and count of an HDR histogram (µs) for the given bounds (s). Pure. */
export function classicBuckets(
  buckets: Iterable<readonly [number, number]>,
  bounds: readonly number[],
): { counts: number[]; sum: number; count: number } {
  const counts = new Array<number>(bounds.length).fill(0);
  let sum = 0;
  let count = 0;
  for (const [us, n] of buckets) {
    const s = us / 1e6;
    sum += s * n;
    count += n;
    for (let i = 0; i < bounds.length; i++) if (s <= (bounds[i] as number)) counts[i] = (counts[i] as number) + n;
  }
  return { counts, sum, count };
}

export class BenchMetrics implements BenchObserver {
  readonly registry = new Registry();
  private readonly requests = this.counter(METRICS.bench.requests, 'Requests answered, by test');
  private readonly errors = this.counter(METRICS.bench.errors, 'Error replies, by test and kind (first word of the error)', 'kind');
  private readonly redirections = this.counter(
    METRICS.bench.redirections,
    'Cluster redirections followed (MOVED, ASK, TRYAGAIN), by test and kind; not errors',
    'kind',
  );
  /** Histograms by test title: the finished runs' and the live one. */
  private readonly hists = new Map<string, LatencyHistogram>();

  constructor(readonly testid: string) {
    // latency from the first write of a batch to the first reply byte
    this.collected(METRICS.bench.duration, 'Request latency, seconds', 'histogram', () => this.durationValues());
    this.collected(METRICS.bench.elapsed, 'Seconds each test has run', 'gauge', () => this.elapsedValues());
  }

  private counter(name: string, help: string, ...labels: string[]): Counter<string> {
    return new Counter(testidSeries(this.registry, name, help, ['test', ...labels]));
  }

  /** A metric whose values are computed when it is scraped or pushed (prom-client calls get()). */
  private collected(name: string, help: string, type: 'histogram' | 'gauge', values: () => HistogramValue[]): void {
    const meta = { name, help, type, aggregator: 'sum' };
    this.registry.registerMetric({
      ...meta,
      get: async () => ({ ...meta, values: values() }),
      reset: () => {},
    } as unknown as Counter<string>);
  }

  /** Start (Date.now()) and, once over, elapsed ms of each test. */
  private readonly times = new Map<string, { startMs: number; elapsedMs?: number }>();

  private elapsedValues(): HistogramValue[] {
    return [...this.times].map(([test, t]) => ({
      value: (t.elapsedMs ?? Date.now() - t.startMs) / 1000,
      labels: { [TESTID_LABEL]: this.testid, test },
      metricName: METRICS.bench.elapsed,
    }));
  }

  /** The request duration of every test as a native histogram series (for remote write). */
  nativeSeries(nowMs: number): TimeSeries[] {
    return [...this.hists].map(([test, h]) => ({
      labels: { __name__: METRICS.bench.duration, [TESTID_LABEL]: this.testid, test },
      samples: [],
      histograms: [nativeFromHdr(h.buckets()).sample(nowMs)],
    }));
  }

  private durationValues(): HistogramValue[] {
    const out: HistogramValue[] = [];
    for (const [test, h] of this.hists) {
      const labels = { [TESTID_LABEL]: this.testid, test };
      const { counts, sum, count } = classicBuckets(h.buckets(), DURATION_BUCKETS);
      DURATION_BUCKETS.forEach((le, i) => {
        out.push({ value: counts[i] as number, labels: { ...labels, le }, metricName: `${METRICS.bench.duration}_bucket` });
      });
      out.push({ value: count, labels: { ...labels, le: '+Inf' }, metricName: `${METRICS.bench.duration}_bucket` });
      out.push({ value: sum, labels, metricName: `${METRICS.bench.duration}_sum` });
      out.push({ value: count, labels, metricName: `${METRICS.bench.duration}_count` });
    }
    return out;
  }

  private pendingByRun = new Map<RunSpec, number>();

  /** A test's requests counter starts at 0 when it starts, so its first requests count in rate()/increase(). */
  onRunStart(run: RunSpec): void {
    this.requests.inc({ [TESTID_LABEL]: this.testid, test: run.title }, 0);
    this.times.set(run.title, { startMs: Date.now() });
  }

  onProgress(run: RunSpec, finishedDelta: number): void {
    if (finishedDelta > 0) {
      this.requests.inc({ [TESTID_LABEL]: this.testid, test: run.title }, finishedDelta);
      this.pendingByRun.set(run, (this.pendingByRun.get(run) ?? 0) + finishedDelta);
    }
  }

  onHistogram(run: RunSpec, h: LatencyHistogram): void {
    this.hists.set(run.title, h);
  }

  onRunEnd(run: RunSpec, result: RunResult): void {
    const counted = this.pendingByRun.get(run) ?? 0;
    const rest = result.finished - counted;
    if (rest > 0) this.requests.inc({ [TESTID_LABEL]: this.testid, test: run.title }, rest);
    this.pendingByRun.delete(run);
    this.times.set(run.title, { startMs: result.series.startMs, elapsedMs: result.elapsedMs });
    for (const [kind, n] of Object.entries(result.errors)) this.errors.inc({ [TESTID_LABEL]: this.testid, test: run.title, kind }, n);
    for (const [kind, n] of Object.entries(result.redirections))
      if (n > 0) this.redirections.inc({ [TESTID_LABEL]: this.testid, test: run.title, kind }, n);
    this.hists.set(run.title, result.histogram);
  }
}
