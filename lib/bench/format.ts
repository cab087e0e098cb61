/**
 * Report formatters (pure: data in, strings out), shaped like redis-benchmark 7.x's
 * output so the same parsers read both.
 */

import { formatRedirections, type Redirections } from './redirections.js';

/** One recorded histogram bucket: its highest equivalent value (µs) and count. */
export type Bucket = readonly [valueUs: number, count: number];

/** What the formatters need from a histogram. */
export interface HistogramView {
  /** Recorded buckets, ascending by value. */
  buckets: readonly Bucket[];
  count: number;
  /** µs */
  min: number;
  max: number;
  mean: number;
  percentile(p: number): number;
  /** Highest value equivalent to `us` in the histogram's resolution. */
  highestEquivalent(us: number): number;
}

export interface TestReport {
  title: string;
  requests: number;
  elapsedSec: number;
  clients: number;
  /** Payload bytes (for custom commands: the command's size). */
  dataSize: number;
  keepAlive: boolean;
  hist: HistogramView;
  /** `host configuration "save"` and `"appendonly"`; omitted when unknown. */
  hostConfig?: { save: string; appendonly: string };
  /** Cluster: masters and their configs. */
  cluster?: { masters: Array<{ save: string; appendonly: string }> };
  threads: number;
  /** Errors by kind (first word of the error reply). */
  errors: Record<string, number>;
  /** Set when latency is measured from the intended send time (--rate). */
  rate?: number;
  /** Cluster mode: redirections followed (not errors). */
  redirections?: Redirections;
  /** Cluster mode: each master's share. */
  perMaster?: MasterReport[];
}

/** One master's share of a cluster run (its clients' requests; latencies in µs). */
export interface MasterReport {
  index: number;
  id: string;
  address: string;
  requests: number;
  errors: number;
  rps: number;
  /** µs */
  avgUs: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

/** The cluster header redis-benchmark prints first, also with -q and --csv. */
export function formatClusterHeader(masters: ReadonlyArray<{ id: string; host: string; port: number }>): string {
  const lines = masters.map((m, i) => `Master ${i}: ${m.id} ${m.host}:${m.port}`);
  return `Cluster has ${masters.length} master nodes:\n\n${lines.join('\n')}\n\n`;
}

/** Error replies in total. */
export const errorCount = (errors: Record<string, number>): number => Object.values(errors).reduce((a, b) => a + b, 0);

/** True when every request of the test was answered with an error: there is no rate to report. */
export function allFailed(r: Pick<TestReport, 'requests' | 'errors'>): boolean {
  return r.requests > 0 && errorCount(r.errors) >= r.requests;
}

/**
 * The lines printed on stderr at the end of a test, one per error kind: the first message
 * of that kind and how many requests got it.
 */
export function errorSummaryLines(
  title: string,
  requests: number,
  errors: Record<string, number>,
  messages: Record<string, string>,
): string[] {
  return Object.entries(errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => {
      const first = (messages[kind] ?? kind).split(/\r?\n/)[0];
      return `Error from server: ${first} (${n} of ${requests} requests of ${title})`;
    });
}

export function rps(r: Pick<TestReport, 'requests' | 'elapsedSec'>): number {
  return r.elapsedSec > 0 ? r.requests / r.elapsedSec : 0;
}

const ms = (us: number) => us / 1000;

export interface DistLine {
  percentile: number;
  valueUs: number;
  cumulative: number;
}

/**
 * Percentile distribution as HdrHistogram's percentile iteration with one tick per half
 * distance (0, 50, 75, 87.5, ...): one line per distinct cumulative count, then 100 %.
 */
export function percentileDistribution(h: Pick<HistogramView, 'buckets' | 'count'>): DistLine[] {
  const out: DistLine[] = [];
  const total = h.count;
  if (total === 0) return out;
  let target = 0;
  let cum = 0;
  let last = 0;
  let prev = -1;
  const emit = (percentile: number, valueUs: number, cumulative: number) => {
    if (cumulative !== prev || cumulative === total) out.push({ percentile, valueUs, cumulative });
    prev = cumulative;
  };
  for (const [v, c] of h.buckets) {
    if (c === 0) continue;
    cum += c;
    last = v;
    const pct = (100 * cum) / total;
    while (target <= pct) {
      emit(target, v, cum);
      const halfDistance = 2 ** (Math.floor(Math.log2(100 / (100 - target))) + 1);
      target += 100 / halfDistance;
      if (cum === total) break;
    }
    if (cum === total) break;
  }
  emit(100, last, total);
  return out;
}

/**
 * Cumulative distribution at linear steps of 0.1 ms, then 1 ms once past 2 ms (the step
 * changes after the first level above 2 ms, as redis-benchmark's report does).
 */
export function cumulativeDistribution(h: Pick<HistogramView, 'buckets' | 'count' | 'highestEquivalent'>): DistLine[] {
  const out: DistLine[] = [];
  const total = h.count;
  if (total === 0) return out;
  let step = 100;
  let level = 100;
  let i = 0;
  let cum = 0;
  let prev = -1;
  const buckets = h.buckets;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const heq = h.highestEquivalent(level);
    while (i < buckets.length && (buckets[i] as Bucket)[0] <= heq) cum += (buckets[i++] as Bucket)[1];
    if (cum !== prev || cum === total) out.push({ percentile: (100 * cum) / total, valueUs: heq, cumulative: cum });
    prev = cum;
    if (cum >= total) break;
    level += step;
    if (heq > 2000) step = 1000;
  }
  return out;
}

const distLine = (d: DistLine) =>
  `${d.percentile.toFixed(3)}% <= ${ms(d.valueUs).toFixed(3)} milliseconds (cumulative count ${d.cumulative})`;

/** The default per-test report. */
export function formatReport(r: TestReport): string {
  const h = r.hist;
  const lines: string[] = [
    `====== ${r.title} ======`,
    `  ${r.requests} requests completed in ${r.elapsedSec.toFixed(2)} seconds`,
    `  ${r.clients} parallel clients`,
    `  ${r.dataSize} bytes payload`,
    `  keep alive: ${r.keepAlive ? 1 : 0}`,
  ];
  if (r.cluster) {
    lines.push(`  cluster mode: yes (${r.cluster.masters.length} masters)`);
    r.cluster.masters.forEach((m, i) => {
      lines.push(`  node [${i}] configuration:`, `    save: ${m.save || 'NONE'}`, `    appendonly: ${m.appendonly}`);
    });
  } else if (r.hostConfig) {
    lines.push(`  host configuration "save": ${r.hostConfig.save}`, `  host configuration "appendonly": ${r.hostConfig.appendonly}`);
  }
  lines.push(`  multi-thread: ${r.threads ? 'yes' : 'no'}`);
  if (r.threads) lines.push(`  threads: ${r.threads}`);
  if (r.rate !== undefined)
    lines.push(`  rate: ${r.rate} requests per second (open model; latency from the intended send time, coordinated omission corrected)`);
  const errs = Object.entries(r.errors);
  if (errs.length) lines.push(`  errors: ${errs.map(([k, n]) => `${k}=${n}`).join(' ')}`);
  if (r.redirections) lines.push(`  redirections: ${formatRedirections(r.redirections)}`);
  if (r.perMaster?.length) {
    lines.push('  per master:');
    for (const m of r.perMaster)
      lines.push(
        `    master ${m.index} ${m.address}: ${m.requests} requests, ${m.rps.toFixed(2)} requests per second, avg=${ms(m.avgUs).toFixed(3)} p50=${ms(m.p50Us).toFixed(3)} p99=${ms(m.p99Us).toFixed(3)} max=${ms(m.maxUs).toFixed(3)} msec${m.errors ? `, ${m.errors} errors` : ''}`,
      );
  }
  lines.push('', 'Latency by percentile distribution:');
  for (const d of percentileDistribution(h)) lines.push(distLine(d));
  lines.push('', 'Cumulative distribution of latencies:');
  for (const d of cumulativeDistribution(h)) lines.push(distLine(d));
  const col = (s: string | number) => (typeof s === 'number' ? ms(s).toFixed(3) : s).padStart(9);
  lines.push(
    '',
    'Summary:',
    allFailed(r)
      ? `  throughput summary: none, all ${r.requests} requests failed`
      : `  throughput summary: ${rps(r).toFixed(2)} requests per second`,
    '  latency summary (msec):',
    `    ${['avg', 'min', 'p50', 'p95', 'p99', 'max'].map(col).join(' ')}`,
    `    ${[h.mean, h.min, h.percentile(50), h.percentile(95), h.percentile(99), h.max].map(col).join(' ')}`,
  );
  return `${lines.join('\n')}\n`;
}

/** `-q`: one line per test; a test whose requests all failed gets no rate. */
export function formatQuiet(r: TestReport): string {
  if (allFailed(r)) return `${r.title}: all ${r.requests} requests failed\n`;
  return `${r.title}: ${rps(r).toFixed(2)} requests per second, p50=${ms(r.hist.percentile(50)).toFixed(3)} msec\n`;
}

export const CSV_HEADER =
  '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n';

const csvQuote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * `--csv`: one row per test (print CSV_HEADER first). Cells are quoted as RFC 4180 says
 * (a `"` in a title is doubled). A test whose requests all failed has empty cells: no rate.
 */
export function formatCsv(r: TestReport): string {
  const h = r.hist;
  if (allFailed(r)) return `${[csvQuote(r.title), ...new Array<string>(7).fill('""')].join(',')}\n`;
  const f = (us: number) => csvQuote(ms(us).toFixed(3));
  return `${[csvQuote(r.title), csvQuote(rps(r).toFixed(2)), f(h.mean), f(h.min), f(h.percentile(50)), f(h.percentile(95)), f(h.percentile(99)), f(h.max)].join(',')}\n`;
}

/** The live progress line (TTY only), redis-benchmark's wording; -nan before any reply. */
export function formatLive(title: string, nowRps: number, overallRps: number, nowAvgMs: number, overallAvgMs: number): string {
  const n = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '-nan');
  return `${title}: rps=${n(nowRps, 1)} (overall: ${n(overallRps, 1)}) avg_msec=${n(nowAvgMs, 3)} (overall: ${n(overallAvgMs, 3)})`;
}

/** Parsed fields of one test, from either tool's output (used by tests and bench-compare). */
export interface ParsedResult {
  title: string;
  rps: number;
  p50?: number;
  avg?: number;
  min?: number;
  p95?: number;
  p99?: number;
  max?: number;
  requests?: number;
}

/** Parse `-q` output (redis-benchmark's or ours): live lines on \r are skipped. */
export function parseQuiet(text: string): ParsedResult[] {
  const out: ParsedResult[] = [];
  for (const raw of text.split(/[\r\n]+/)) {
    const m = /^\s*(.+?): ([\d.]+) requests per second, p50=([\d.]+) msec\s*$/.exec(raw);
    if (m) out.push({ title: m[1] as string, rps: Number(m[2]), p50: Number(m[3]) });
  }
  return out;
}

/** Parse `--csv` output. */
export function parseCsv(text: string): ParsedResult[] {
  const out: ParsedResult[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] as string).replace(/""/g, '"'));
    if (cells.length !== 8 || cells[0] === 'test') continue;
    const [rps, avg, min, p50, p95, p99, max] = cells.slice(1).map(Number) as number[];
    out.push({ title: cells[0] as string, rps: rps as number, avg, min, p50, p95, p99, max });
  }
  return out;
}

/** Parse the default report. */
export function parseReport(text: string): ParsedResult[] {
  const out: ParsedResult[] = [];
  const sections = text.split(/====== (.+?) ======\n/);
  for (let i = 1; i + 1 < sections.length; i += 2) {
    const title = sections[i] as string;
    const body = sections[i + 1] as string;
    const req = /^\s+(\d+) requests completed in/m.exec(body);
    const thr = /throughput summary: ([\d.]+) requests per second/.exec(body);
    const sum = /avg\s+min\s+p50\s+p95\s+p99\s+max\n\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(body);
    if (!thr || !sum) continue;
    const [avg, min, p50, p95, p99, max] = sum.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    out.push({ title, rps: Number(thr[1]), requests: req ? Number(req[1]) : undefined, avg, min, p50, p95, p99, max });
  }
  return out;
}
