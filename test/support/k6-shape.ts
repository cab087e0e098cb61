/**
 * Test-only: series shaped like k6 v2's `-o experimental-prometheus-rw` output (names, label
 * sets, types), built from HTTP requests made by Node code, so the dashboard-query test can
 * feed the k6 dashboard without a k6 binary. Checked in every run against a recorded sample
 * of real k6 series (test/fixtures/k6/, test/unit/observability/k6-shape.test.ts), and
 * against live k6 output by the dashboard-query test when K6_BIN is set.
 *
 * - counters `k6_http_reqs_total`, `k6_iterations_total`, `k6_data_sent_total`,
 *   `k6_data_received_total`; gauges `k6_vus`, `k6_vus_max`; rates `k6_http_req_failed_rate`,
 *   `k6_checks_rate`;
 * - trends as native histograms `k6_<trend>_seconds` (schema 3) with
 *   `k6_feature_native_histograms="true"` on every series, or as one gauge per trend stat
 *   `k6_<trend>_<stat>` in seconds (K6_PROMETHEUS_RW_TREND_STATS, default p(99)).
 */
import { NativeHistogram } from '../../lib/observability/native-histogram.js';
import type { TimeSeries } from '../../lib/observability/write-request.js';

export interface K6ShapeOptions {
  testid: string;
  /** K6_FEATURES=native-histograms. */
  nativeHistograms: boolean;
  /** K6_PROMETHEUS_RW_TREND_STATS (trend-stat mode), default ['p(99)']. */
  trendStats?: string[];
  /** Tags on every series besides testid (e.g. k6-operator's `instance_id`). */
  tags?: Record<string, string>;
  /** Tags of the scenario (options.scenarios[..].tags, e.g. stormdrill's `profile`): only on series that carry `scenario`. */
  scenarioTags?: Record<string, string>;
}

export interface HttpObservation {
  scenario: string;
  /** The request `name` tag, e.g. `GET /items`. */
  name: string;
  method: string;
  status: number;
  durationSeconds: number;
  /** k6's expected_response (status 200-399 by default). */
  expected: boolean;
  sentBytes: number;
  receivedBytes: number;
}

const TREND_STAT = /^(avg|min|max|med|count|sum|p\((\d+(\.\d+)?)\))$/;

/** The metric-name suffix k6 uses for a trend stat: `p(99)` → `p99`, `p(99.9)` → `p999`. Throws on an unknown stat. */
export function trendStatSuffix(stat: string): string {
  const m = TREND_STAT.exec(stat);
  if (!m) throw new RangeError(`unknown trend stat '${stat}' (use avg, min, max, med, count, sum or p(N))`);
  return m[2] ? `p${m[2].replace('.', '')}` : stat;
}

/** A trend stat of sorted values (k6 interpolates percentiles linearly). */
export function trendStat(sorted: number[], stat: string): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pct = (p: number) => {
    const rank = (p / 100) * (n - 1);
    const lo = Math.floor(rank);
    const hi = Math.ceil(rank);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (rank - lo);
  };
  switch (stat) {
    case 'avg':
      return sorted.reduce((a, b) => a + b, 0) / n;
    case 'min':
      return sorted[0] as number;
    case 'max':
      return sorted[n - 1] as number;
    case 'med':
      return pct(50);
    case 'count':
      return n;
    case 'sum':
      return sorted.reduce((a, b) => a + b, 0);
    default:
      return pct(Number(TREND_STAT.exec(stat)?.[2]));
  }
}

interface Trend {
  labels: Record<string, string>;
  native: NativeHistogram;
  values: number[];
}

interface Rate {
  labels: Record<string, string>;
  trues: number;
  total: number;
}

export class K6ShapedMetrics {
  private readonly base: Record<string, string>;
  private readonly counters = new Map<string, { labels: Record<string, string>; value: number }>();
  private readonly rates = new Map<string, Rate>();
  private readonly trends = new Map<string, Trend>();
  private vusNow = 0;
  private vusMax = 0;

  constructor(readonly o: K6ShapeOptions) {
    this.base = { ...o.tags, testid: o.testid };
    if (o.nativeHistograms) this.base.k6_feature_native_histograms = 'true';
    for (const s of o.trendStats ?? []) trendStatSuffix(s);
  }

  private key(name: string, labels: Record<string, string>): string {
    return `${name}${JSON.stringify(Object.entries(labels).sort())}`;
  }

  private withScenario(labels: Record<string, string>): Record<string, string> {
    return 'scenario' in labels ? { ...this.o.scenarioTags, ...labels } : labels;
  }

  private add(name: string, labels: Record<string, string>, v: number): void {
    const l = { ...this.base, ...this.withScenario(labels), __name__: name };
    const k = this.key(name, l);
    const c = this.counters.get(k) ?? { labels: l, value: 0 };
    c.value += v;
    this.counters.set(k, c);
  }

  private rate(name: string, labels: Record<string, string>, ok: boolean): void {
    const l = { ...this.base, ...this.withScenario(labels) };
    const k = this.key(name, l);
    const r = this.rates.get(k) ?? { labels: { ...l, __name__: name }, trues: 0, total: 0 };
    r.total++;
    if (ok) r.trues++;
    this.rates.set(k, r);
  }

  private trend(trend: string, labels: Record<string, string>, seconds: number): void {
    const l = { ...this.base, ...this.withScenario(labels), __name__: trend };
    const k = this.key(trend, l);
    let t = this.trends.get(k);
    if (!t) {
      t = { labels: l, native: new NativeHistogram(), values: [] };
      this.trends.set(k, t);
    }
    t.native.observe(seconds);
    t.values.push(seconds);
  }

  httpRequest(r: HttpObservation): void {
    const labels = {
      expected_response: String(r.expected),
      method: r.method,
      name: r.name,
      proto: 'HTTP/1.1',
      scenario: r.scenario,
      status: String(r.status),
    };
    this.add('k6_http_reqs_total', labels, 1);
    this.rate('k6_http_req_failed_rate', labels, !r.expected);
    this.trend('http_req_duration', labels, r.durationSeconds);
    this.add('k6_data_sent_total', { scenario: r.scenario }, r.sentBytes);
    this.add('k6_data_received_total', { scenario: r.scenario }, r.receivedBytes);
  }

  check(scenario: string, name: string, check: string, ok: boolean): void {
    this.rate('k6_checks_rate', { check, name, scenario }, ok);
  }

  iteration(scenario: string, seconds: number): void {
    this.add('k6_iterations_total', { scenario }, 1);
    this.trend('iteration_duration', { scenario }, seconds);
  }

  vus(now: number, max: number): void {
    this.vusNow = now;
    this.vusMax = max;
  }

  /** Every series at `nowMs`, as k6 would push them. */
  series(nowMs: number): TimeSeries[] {
    const out: TimeSeries[] = [];
    const sample = (value: number) => [{ value, timestampMs: nowMs }];
    for (const c of this.counters.values()) out.push({ labels: c.labels, samples: sample(c.value) });
    for (const r of this.rates.values()) out.push({ labels: r.labels, samples: sample(r.trues / r.total) });
    out.push({ labels: { ...this.base, __name__: 'k6_vus' }, samples: sample(this.vusNow) });
    out.push({ labels: { ...this.base, __name__: 'k6_vus_max' }, samples: sample(this.vusMax) });
    for (const t of this.trends.values()) {
      const trend = t.labels.__name__ as string;
      if (this.o.nativeHistograms) {
        out.push({ labels: { ...t.labels, __name__: `k6_${trend}_seconds` }, samples: [], histograms: [t.native.sample(nowMs)] });
      } else {
        const sorted = [...t.values].sort((a, b) => a - b);
        for (const stat of this.o.trendStats ?? ['p(99)']) {
          out.push({ labels: { ...t.labels, __name__: `k6_${trend}_${trendStatSuffix(stat)}` }, samples: sample(trendStat(sorted, stat)) });
        }
      }
    }
    return out;
  }
}
