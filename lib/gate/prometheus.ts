/**
 * The gate's input read from Prometheus instead of a file: one verdict for a distributed
 * run. Every process of the run (bench pods, k6 runners) pushes its series under one
 * `testid` with its own `instance` label; here each statistic a rule names is computed
 * over all of them: quantiles from the native histograms summed over the instances, counts
 * from the counters summed, rps as the sum of each instance's requests / elapsed seconds.
 *
 * The series are cumulative from each process's start, so the run's totals are the last
 * sample of each series inside the run's window, summed (`last_over_time(...[window])` for
 * counters; the native histograms as of the run's last push, where every instance's latest
 * sample is within Prometheus' 5-minute lookback); `rate()` over the window would lose what
 * happened before the first push. The window is found from the run's own samples (within
 * `lookback`): first to last push.
 *
 * The PromQL builders are pure; promGateInput does the HTTP.
 */
import { redactSecrets, UserError } from '../core/errors.js';
import { METRICS, TESTID_LABEL } from '../core/metric-names.js';
import { type PromSeries, promGet } from '../observability/prom-query.js';
import type { GateInput, Metric } from './metrics.js';
import { splitName } from './metrics.js';

export interface PromQuery {
  /** PromQL with `$RANGE` where the window's range goes. */
  query: string;
  /** Multiply the answer by this (seconds → ms). */
  scale: number;
  unit?: string;
}

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** `{a="x",b="y"}` from labels (values escaped). Pure. */
export function selector(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeValue(v)}"`)
    .join(',')}}`;
}

/** `p99` → 0.99, `p999` → 0.999, `p(99.9)` → 0.999, `med` → 0.5; null for other stats. */
export function quantileOf(stat: string): number | null {
  if (stat === 'med') return 0.5;
  const paren = /^p\(([\d.]+)\)$/.exec(stat);
  const fraction = (percent: number) => Number((percent / 100).toPrecision(12));
  if (paren) return fraction(Number(paren[1]));
  const m = /^p(\d+)$/.exec(stat);
  if (!m) return null;
  const digits = m[1] as string;
  // redis-benchmark style: p50, p99, p999 (= 99.9)
  return fraction(Number(digits.length > 2 ? `${digits.slice(0, 2)}.${digits.slice(2)}` : digits));
}

function fromHistogram(name: string, sel: string, stat: string): PromQuery | string {
  // evaluated at the run's last push: each instance's latest histogram (Prometheus before 3.x
  // has no last_over_time for native histograms; the instances must end within its 5 min lookback)
  const last = `${name}${sel}`;
  if (stat === 'avg') return { query: `sum(histogram_sum(${last})) / sum(histogram_count(${last}))`, scale: 1000, unit: 'ms' };
  const q = quantileOf(stat);
  if (q === null || !(q > 0 && q < 1)) return `'${stat}' is not a quantile or avg`;
  return { query: `histogram_quantile(${q}, sum(${last}))`, scale: 1000, unit: 'ms' };
}

/** The query of a `stormdrill bench` statistic (`SET.p99`, `GET.rps`, ...); a string says why there is none. Pure. */
export function benchQuery(testid: string, subject: string, stat: string): PromQuery | string {
  const sel = selector({ [TESTID_LABEL]: testid, test: subject });
  const last = (name: string) => `last_over_time(${name}${sel}[$RANGE])`;
  const b = METRICS.bench;
  if (stat === 'requests') return { query: `sum(${last(b.requests)})`, scale: 1 };
  if (stat === 'errors') return { query: `sum(${last(b.errors)}) or vector(0)`, scale: 1 };
  if (stat === 'rps') return { query: `sum(${last(b.requests)} / ${last(b.elapsed)})`, scale: 1, unit: 'rps' };
  if (stat === 'min' || stat === 'max') return `${subject}.${stat}: the exact ${stat} is in the --json files only (Prometheus has buckets)`;
  return fromHistogram(b.duration, sel, stat);
}

/** The query of a k6 statistic (`http_req_duration.p(99)`, `http_reqs.count`, `http_req_failed.rate`, ...). Pure. */
export function k6Query(testid: string, subject: string, stat: string): PromQuery | string {
  const m = /^([a-z_][\w]*)(?:\{([^}]*)\})?$/i.exec(subject);
  if (!m) return `'${subject}' is not a k6 metric name`;
  const base = m[1] as string;
  const labels: Record<string, string> = { [TESTID_LABEL]: testid };
  for (const tag of (m[2] ?? '').split(',').filter(Boolean)) {
    const i = tag.indexOf(':');
    if (i <= 0) return `'${subject}': tags are written {name:value}`;
    labels[tag.slice(0, i).trim()] = tag.slice(i + 1).trim();
  }
  const sel = selector(labels);
  const last = (name: string, extra: Record<string, string> = {}) =>
    `last_over_time(k6_${name}${selector({ ...labels, ...extra })}[$RANGE])`;
  if (base === 'http_req_failed' && stat === 'rate')
    return {
      query: `(sum(${last('http_reqs_total', { expected_response: 'false' })}) or vector(0)) / sum(${last('http_reqs_total')})`,
      scale: 1,
    };
  if (stat === 'count') return { query: `sum(${last(`${base}_total`)})`, scale: 1 };
  if (stat === 'rate' && /^(http_reqs|iterations|data_sent|data_received)$/.test(base))
    return { query: `sum(rate(k6_${base}_total${sel}[$RANGE]))`, scale: 1 };
  if (quantileOf(stat) !== null || stat === 'avg') return fromHistogram(`k6_${base}_seconds`, sel, stat);
  return `${subject}.${stat} cannot be computed from Prometheus (use a quantile, avg, count, http_req_failed.rate or a rate of http_reqs)`;
}

export interface PromWindow {
  startMs: number;
  endMs: number;
  /** `instance` (bench, k6 with --tag instance=) or `instance_id` (k6-operator runners) values. */
  instances: string[];
}

export interface PromGateSource {
  /** Prometheus' base URL, e.g. http://127.0.0.1:9090 */
  url: string;
  testid: string;
  /** How far back to look for the run's samples, seconds. */
  lookbackSec: number;
}

/** Bad input or an unusable answer: one line for the user, credentials in a URL redacted. */
export class PromGateError extends UserError {
  constructor(message: string) {
    super(redactSecrets(message));
  }
}

async function query(src: PromGateSource, q: string, timeSec: number): Promise<{ resultType: string; result: PromSeries[] }> {
  const base = src.url.replace(/\/$/, '');
  let r: Awaited<ReturnType<typeof promGet>>;
  try {
    r = await promGet(base, '/api/v1/query', { query: q, time: String(timeSec) }, 10_000);
  } catch (err) {
    throw new PromGateError(
      `--prometheus ${base}: cannot query (${(err as Error).message}); give the URL of a running Prometheus, e.g. http://127.0.0.1:9090`,
    );
  }
  if (r.status !== 'success') throw new PromGateError(`Prometheus rejected ${q}: ${r.error ?? 'no reason given'}`);
  return r.data as { resultType: string; result: PromSeries[] };
}

/** The run's window and instances: the raw samples of its requests counters within the lookback. */
export async function findRunWindow(src: PromGateSource, family: 'bench' | 'k6'): Promise<PromWindow | null> {
  const name = family === 'bench' ? METRICS.bench.requests : 'k6_http_reqs_total';
  const nowSec = Date.now() / 1000;
  const data = await query(src, `${name}${selector({ [TESTID_LABEL]: src.testid })}[${Math.ceil(src.lookbackSec)}s]`, nowSec);
  let startMs = Number.POSITIVE_INFINITY;
  let endMs = 0;
  const instances = new Set<string>();
  for (const s of data.result) {
    for (const [t] of s.values ?? []) {
      startMs = Math.min(startMs, t * 1000);
      endMs = Math.max(endMs, t * 1000);
    }
    const inst = s.metric?.instance ?? s.metric?.instance_id;
    if (inst !== undefined) instances.add(inst);
  }
  return endMs > 0 ? { startMs, endMs, instances: [...instances].sort() } : null;
}

/** Evaluate the named statistics of run `testid` on Prometheus as a gate input (bench or k6, from the names). */
export async function promGateInput(src: PromGateSource, names: string[]): Promise<{ input: GateInput; window: PromWindow }> {
  const bench = await findRunWindow(src, 'bench');
  const k6 = bench ? null : await findRunWindow(src, 'k6');
  const window = bench ?? k6;
  if (!window)
    throw new PromGateError(
      `Prometheus has no series of testid ${src.testid} in the last ${src.lookbackSec} s (${METRICS.bench.requests} or k6_http_reqs_total): check --testid and that the run pushed there (--prom-rw)`,
    );
  const family = bench ? 'bench' : 'k6';
  // the range reaches one second before the first sample (ranges are open on the left)
  const range = `${Math.ceil(window.endMs - window.startMs + 1000)}ms`;
  const metrics = new Map<string, Metric>();
  for (const name of names) {
    const parts = splitName(name);
    if (!parts) throw new PromGateError(`'${name}' is not <subject>.<stat>`);
    const q = family === 'bench' ? benchQuery(src.testid, parts.subject, parts.stat) : k6Query(src.testid, parts.subject, parts.stat);
    if (typeof q === 'string') throw new PromGateError(q);
    const promql = q.query.replaceAll('$RANGE', range);
    const data = await query(src, promql, window.endMs / 1000);
    const v = data.result[0]?.value?.[1];
    const value = v === undefined ? Number.NaN : Number(v) * q.scale;
    if (!Number.isFinite(value))
      throw new PromGateError(`Prometheus has no '${name}' for testid ${src.testid} (${promql} gave ${v ?? 'nothing'}): check the name`);
    metrics.set(name, { value, unit: q.unit });
  }
  return {
    input: { kind: family === 'bench' ? 'stormdrill bench' : 'k6 summary', testid: src.testid, metrics, thresholds: [] },
    window,
  };
}
