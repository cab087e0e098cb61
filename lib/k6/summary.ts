/**
 * The end-of-test summary: k6's handleSummary data → a stable JSON shape (what a CI gate
 * reads), a markdown table, JUnit XML and a compact terminal text. Pure: unit-tested in Node.
 *
 * In the JSON, `ok: true` means the threshold PASSED (as in handleSummary data; k6's
 * `--summary-export` file inverts it).
 */
import { junitXml } from '../core/junit.js';
import { ROUTE_FIGURES_THRESHOLD } from './slo.js';

/** The parts of k6's handleSummary(data) argument this module reads. */
export interface K6Metric {
  type: 'trend' | 'rate' | 'counter' | 'gauge';
  contains: 'time' | 'data' | 'default' | string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}
export interface K6Check {
  name: string;
  path: string;
  passes: number;
  fails: number;
}
export interface K6Group {
  name: string;
  path: string;
  groups: K6Group[];
  checks: K6Check[];
}
export interface K6SummaryData {
  metrics: Record<string, K6Metric>;
  root_group: K6Group;
  options?: { summaryTrendStats?: string[]; noColor?: boolean };
  state: { testRunDurationMs: number; isStdOutTTY?: boolean };
}

export interface SummaryMeta {
  testid: string;
  runId: string;
  /** The script (scripts/<name>.ts). */
  scenario: string;
  profile: string;
  /** The k6 scenario names in options.scenarios. */
  k6Scenarios: string[];
  baseUrl: string;
}

export interface ThresholdResult {
  metric: string;
  threshold: string;
  /** true = passed. */
  ok: boolean;
  /** The value the threshold compares (e.g. p(95) in ms), when the summary has it. */
  actual?: number;
}

export interface StableSummary {
  schema: 'stormdrill.k6-summary/v1';
  testid: string;
  runId: string;
  scenario: string;
  profile: string;
  scenarios: string[];
  baseUrl: string;
  durationMs: number;
  /** Every threshold passed. */
  passed: boolean;
  thresholds: ThresholdResult[];
  checks: Array<{ path: string; passes: number; fails: number }>;
  metrics: Record<string, { type: string; contains: string; values: Record<string, number> }>;
}

export const SUMMARY_SCHEMA = 'stormdrill.k6-summary/v1';

/** The aggregate a threshold expression compares: `p(95)<300` → `p(95)`, `rate<=0.01` → `rate`. */
export function thresholdAggregate(expr: string): string {
  const m = /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(expr);
  return m ? (m[1] as string) : expr;
}

const STAT_ORDER = ['count', 'rate', 'value', 'passes', 'fails', 'avg', 'min', 'med', 'max'];

/** Stable key order for metric values: count/rate/..., avg, min, med, max, then percentiles ascending. */
function orderedValues(values: Record<string, number>): Record<string, number> {
  const rank = (k: string) => {
    const i = STAT_ORDER.indexOf(k);
    if (i >= 0) return i;
    const p = /^p\(([\d.]+)\)$/.exec(k);
    return p ? 100 + Number(p[1]) : 1000;
  };
  const out: Record<string, number> = {};
  for (const k of Object.keys(values).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) out[k] = values[k] as number;
  return out;
}

function flattenChecks(g: K6Group, out: K6Check[] = []): K6Check[] {
  for (const c of g.checks ?? []) out.push(c);
  for (const sub of g.groups ?? []) flattenChecks(sub, out);
  return out;
}

export function toStableSummary(data: K6SummaryData, meta: SummaryMeta): StableSummary {
  const thresholds: ThresholdResult[] = [];
  const metrics: StableSummary['metrics'] = {};
  for (const name of Object.keys(data.metrics).sort()) {
    const m = data.metrics[name] as K6Metric;
    metrics[name] = { type: m.type, contains: m.contains, values: orderedValues(m.values) };
    for (const [expr, r] of Object.entries(m.thresholds ?? {})) {
      if (expr === ROUTE_FIGURES_THRESHOLD) continue; // asks for figures, judges nothing
      const actual = m.values[thresholdAggregate(expr)];
      thresholds.push({ metric: name, threshold: expr, ok: r.ok === true, ...(actual !== undefined ? { actual } : {}) });
    }
  }
  return {
    schema: SUMMARY_SCHEMA,
    testid: meta.testid,
    runId: meta.runId,
    scenario: meta.scenario,
    profile: meta.profile,
    scenarios: meta.k6Scenarios,
    baseUrl: meta.baseUrl,
    durationMs: data.state.testRunDurationMs,
    passed: thresholds.every((t) => t.ok),
    thresholds,
    checks: flattenChecks(data.root_group).map((c) => ({ path: c.path, passes: c.passes, fails: c.fails })),
    metrics,
  };
}

/** A metric value for people: ms/s for time, KB/MB for data, % for rates. */
export function formatValue(contains: string, type: string, key: string, v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (type === 'rate' && key === 'rate') return `${(v * 100).toFixed(2)}%`;
  if (key === 'rate') return contains === 'data' ? `${(v / 1e3).toFixed(1)} kB/s` : `${v.toFixed(2)}/s`;
  if (contains === 'time') return v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(2)}ms`;
  if (contains === 'data' && key === 'count') return v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : `${(v / 1e3).toFixed(1)} kB`;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

function metricLine(m: { type: string; contains: string; values: Record<string, number> }): string {
  const v = m.values;
  if (m.type === 'rate')
    return `${formatValue(m.contains, m.type, 'rate', v.rate ?? 0)} (${v.passes ?? 0} of ${(v.passes ?? 0) + (v.fails ?? 0)})`;
  if (m.type === 'counter')
    return `${formatValue(m.contains, m.type, 'count', v.count ?? 0)} ${formatValue(m.contains, m.type, 'rate', v.rate ?? 0)}`;
  if (m.type === 'gauge') return `${formatValue(m.contains, m.type, 'value', v.value ?? 0)} min=${v.min ?? 0} max=${v.max ?? 0}`;
  return Object.entries(v)
    .map(([k, x]) => `${k}=${formatValue(m.contains, m.type, k, x)}`)
    .join(' ');
}

/** The terminal summary (what k6 would print, compact): verdicts first, then metrics. */
export function toText(s: StableSummary): string {
  const lines = [
    '',
    `  stormdrill k6 · scenario ${s.scenario} · profile ${s.profile} · testid ${s.testid}`,
    `  target ${s.baseUrl} · ${(s.durationMs / 1000).toFixed(1)} s`,
  ];
  if (s.thresholds.length) {
    lines.push('', '  THRESHOLDS');
    for (const t of s.thresholds) {
      const actual =
        t.actual !== undefined
          ? ` (${thresholdAggregate(t.threshold)}=${formatValue(s.metrics[t.metric]?.contains ?? '', s.metrics[t.metric]?.type ?? '', thresholdAggregate(t.threshold), t.actual)})`
          : '';
      lines.push(`    ${t.ok ? '✓' : '✗'} ${t.metric} ${t.threshold}${actual}`);
    }
  }
  if (s.checks.length) {
    lines.push('', '  CHECKS');
    for (const c of s.checks)
      lines.push(`    ${c.fails === 0 ? '✓' : '✗'} ${c.path.replace(/^::/, '')}: ${c.passes} passed, ${c.fails} failed`);
  }
  lines.push('', '  METRICS');
  const names = Object.keys(s.metrics);
  const width = Math.min(Math.max(...names.map((n) => n.length), 10) + 2, 60);
  for (const n of names) lines.push(`    ${`${n} `.padEnd(width, '.')}: ${metricLine(s.metrics[n] as StableSummary['metrics'][string])}`);
  lines.push('', `  RESULT: ${s.passed ? 'all thresholds passed' : `${s.thresholds.filter((t) => !t.ok).length} threshold(s) failed`}`, '');
  return `${lines.join('\n')}\n`;
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A markdown report: verdict, thresholds, checks and the HTTP latency per route. */
export function toMarkdown(s: StableSummary): string {
  const out = [
    `# k6 ${s.scenario} (${s.profile}) — ${s.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `testid \`${s.testid}\` · target ${s.baseUrl} · ${(s.durationMs / 1000).toFixed(1)} s · k6 scenarios: ${s.scenarios.join(', ')}`,
    '',
    '## Thresholds',
    '',
  ];
  if (s.thresholds.length === 0) out.push('No thresholds.');
  else {
    out.push('| result | metric | threshold | actual |', '| --- | --- | --- | --- |');
    for (const t of s.thresholds) {
      const m = s.metrics[t.metric];
      const actual = t.actual !== undefined && m ? formatValue(m.contains, m.type, thresholdAggregate(t.threshold), t.actual) : '';
      out.push(`| ${t.ok ? 'pass' : '**FAIL**'} | ${mdCell(t.metric)} | \`${mdCell(t.threshold)}\` | ${actual} |`);
    }
  }
  if (s.checks.length) {
    out.push('', '## Checks', '', '| check | passed | failed |', '| --- | --- | --- |');
    for (const c of s.checks) out.push(`| ${mdCell(c.path.replace(/^::/, ''))} | ${c.passes} | ${c.fails} |`);
  }
  const trends = Object.entries(s.metrics).filter(
    ([n, m]) => m.type === 'trend' && (n === 'http_req_duration' || n.startsWith('http_req_duration{')),
  );
  if (trends.length) {
    out.push('', '## HTTP request duration', '');
    const stats = Object.keys(trends[0]?.[1].values ?? {});
    out.push(`| metric | ${stats.join(' | ')} |`, `| --- | ${stats.map(() => '---').join(' | ')} |`);
    for (const [n, m] of trends)
      out.push(`| ${mdCell(n)} | ${stats.map((k) => formatValue('time', 'trend', k, m.values[k] ?? Number.NaN)).join(' | ')} |`);
  }
  const reqs = s.metrics.http_reqs?.values;
  const failed = s.metrics.http_req_failed?.values;
  if (reqs)
    out.push('', `Requests: ${reqs.count ?? 0} (${(reqs.rate ?? 0).toFixed(1)}/s), failed ${((failed?.rate ?? 0) * 100).toFixed(2)}%.`);
  out.push('');
  return out.join('\n');
}

/** JUnit XML: one test case per threshold, a failure for each crossed one. */
export function toJUnit(s: StableSummary): string {
  return junitXml({
    title: 'stormdrill k6',
    name: `k6 ${s.scenario} (${s.profile})`,
    seconds: s.durationMs / 1000,
    properties: { testid: s.testid, scenario: s.scenario, profile: s.profile, baseUrl: s.baseUrl },
    cases: s.thresholds.map((t) => ({
      name: `${t.metric} ${t.threshold}`,
      classname: `k6.${s.scenario}.${t.metric}`,
      ...(t.ok
        ? {}
        : {
            failure: `threshold ${t.threshold} on ${t.metric} crossed${t.actual !== undefined ? `: ${thresholdAggregate(t.threshold)} was ${t.actual}` : ''}`,
          }),
    })),
  });
}

/** The files handleSummary returns: always stdout text; the report files when `dir` is set. */
export function summaryOutputs(data: K6SummaryData, meta: SummaryMeta, dir?: string): Record<string, string> {
  const s = toStableSummary(data, meta);
  const out: Record<string, string> = { stdout: toText(s) };
  if (dir) {
    const d = dir.replace(/\/+$/, '');
    out[`${d}/summary.json`] = `${JSON.stringify(s, null, 2)}\n`;
    out[`${d}/summary.md`] = toMarkdown(s);
    out[`${d}/junit.xml`] = toJUnit(s);
  }
  return out;
}
