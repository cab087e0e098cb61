/**
 * The gate's verdict (pure): explicit rules (`SET.p99<=2`), the run's own k6 thresholds, and
 * a baseline comparison direction-aware per metric (latency and errors may not grow, rps
 * and checks may not shrink, by more than the allowed regression).
 */
import { type GateInput, type Metric, splitName } from './metrics.js';

const OPS = {
  '<': (v, limit) => v < limit,
  '<=': (v, limit) => v <= limit,
  '>': (v, limit) => v > limit,
  '>=': (v, limit) => v >= limit,
  '==': (v, limit) => v === limit,
} satisfies Record<string, (v: number, limit: number) => boolean>;
export type Op = keyof typeof OPS;

export interface Rule {
  text: string;
  metric: string;
  op: Op;
  limit: number;
}

/** Parse `METRIC OP NUMBER`; a string says what is wrong. */
export function parseRule(text: string): Rule | string {
  const m = /^\s*(.+?)\s*(<=|>=|==|<|>)\s*(-?[\d.]+(?:e-?\d+)?)\s*(ms)?\s*$/.exec(text);
  if (!m || !Number.isFinite(Number(m[3])))
    return `--rule '${text}' is not METRIC OP NUMBER (e.g. 'SET.p99<=2' or 'http_req_duration.p(95)<300')`;
  if (!splitName(m[1] as string)) return `--rule '${text}': name a statistic, as in 'SET.p99' or 'http_req_failed.rate'`;
  return { text: text.trim(), metric: m[1] as string, op: m[2] as Op, limit: Number(m[3]) };
}

/** `*` matches any run of characters; several patterns separated by commas. */
export function globMatcher(patterns: string): (name: string) => boolean {
  const res = patterns
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  return (name) => res.some((r) => r.test(name));
}

/** The statistics compared against a baseline unless `--compare` names others. */
export const DEFAULT_COMPARE = '*.rps,*.p50,*.p99,*.errors,*.p(95),*.p(99),*_failed.rate,checks.rate';

export interface GateOptions {
  rules: Rule[];
  baseline?: GateInput;
  /** Allowed regression against the baseline, a fraction (0.1 = 10 %). */
  maxRegression: number;
  compare: (name: string) => boolean;
  /** Ignore the run's own k6 thresholds. */
  ignoreThresholds?: boolean;
}

export interface Check {
  kind: 'rule' | 'baseline' | 'threshold' | 'complete';
  name: string;
  ok: boolean;
  /** One line: the figures behind the verdict. */
  detail: string;
}

export interface GateResult {
  passed: boolean;
  checks: Check[];
}

const fmt = (m: Metric | number) => {
  const v = typeof m === 'number' ? m : m.value;
  const s = Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(4)).toString();
  return typeof m === 'number' || !m.unit ? s : m.unit === 'rps' ? `${s} rps` : `${s} ${m.unit}`;
};

/** Change of `cur` against `base` in percent; null when the baseline is 0. */
export function changePercent(cur: number, base: number): number | null {
  return base === 0 ? null : ((cur - base) / Math.abs(base)) * 100;
}

/** The change as the reports show it: `+20.0 %`, `-15.0 %`; `was 0` when only the baseline is 0. */
export function changeText(cur: number, base: number): string {
  const pct = cur === 0 && base === 0 ? 0 : changePercent(cur, base);
  return pct === null ? 'was 0' : `${pct >= 0 ? '+' : ''}${pct.toFixed(1)} %`;
}

function baselineCheck(name: string, cur: Metric, base: Metric, tol: number): Check {
  const change = base.value === 0 ? (cur.value === 0 ? 0 : Number.POSITIVE_INFINITY) : (cur.value - base.value) / Math.abs(base.value);
  const worse = cur.better === 'lower' ? change : -change;
  const ok = base.value === 0 && cur.better === 'higher' ? true : worse <= tol;
  const bound = `at most ${cur.better === 'lower' ? '+' : '-'}${(tol * 100).toFixed(0)} %`;
  return { kind: 'baseline', name, ok, detail: `${fmt(cur)} vs baseline ${fmt(base)} (${changeText(cur.value, base.value)}; ${bound})` };
}

export function evaluateGate(run: GateInput, o: GateOptions): GateResult {
  const checks: Check[] = [];
  if (run.incomplete) checks.push({ kind: 'complete', name: 'run complete', ok: false, detail: run.incomplete });
  for (const r of o.rules) {
    const m = run.metrics.get(r.metric) as Metric;
    checks.push({ kind: 'rule', name: r.text, ok: OPS[r.op](m.value, r.limit), detail: `${r.metric} = ${fmt(m)}` });
  }
  if (!o.ignoreThresholds)
    for (const t of run.thresholds)
      checks.push({
        kind: 'threshold',
        name: `${t.metric} ${t.threshold}`,
        ok: t.ok,
        detail: `k6 threshold ${t.ok ? 'passed' : 'crossed'}${t.actual !== undefined ? ` (${t.actual})` : ''}`,
      });
  if (o.baseline)
    for (const [name, cur] of run.metrics) {
      const base = o.baseline.metrics.get(name);
      if (!base || !cur.better || !o.compare(name)) continue;
      checks.push(baselineCheck(name, cur, base, o.maxRegression));
    }
  return { passed: checks.every((c) => c.ok), checks };
}

/** Parse every `--rule`; each one that is not `METRIC OP NUMBER` is a problem (all of them, not the first). */
export function parseRules(texts: readonly string[]): { rules: Rule[]; problems: string[] } {
  const rules: Rule[] = [];
  const problems: string[] = [];
  for (const text of texts) {
    const r = parseRule(text);
    if (typeof r === 'string') problems.push(r);
    else rules.push(r);
  }
  return { rules, problems };
}

/**
 * Every statistic a result has, grouped by subject in the result's order:
 * `SET.{rps,requests,p50,p99}, checks.rate, http_req_duration{name:GET /items}.{avg,p(99)}`.
 */
export function listStatistics(run: GateInput): string {
  const bySubject = new Map<string, string[]>();
  for (const name of run.metrics.keys()) {
    const s = splitName(name);
    const [subject, stat] = s ? [s.subject, s.stat] : [name, ''];
    const stats = bySubject.get(subject) ?? [];
    stats.push(stat);
    bySubject.set(subject, stats);
  }
  return [...bySubject]
    .map(([subject, stats]) => (stats.length === 1 ? `${subject}.${stats[0]}` : `${subject}.{${stats.join(',')}}`))
    .join(', ');
}

/** The rules naming statistics the result does not have, as one line listing every one it has; undefined when none. */
export function missingStatistics(run: GateInput, rules: readonly Rule[], resultName: string): string | undefined {
  const missing = rules.filter((r) => !run.metrics.has(r.metric));
  if (missing.length === 0) return undefined;
  const rulesText = missing.map((r) => `--rule '${r.text}'`).join(', ');
  const names = missing.map((r) => `'${r.metric}'`).join(', ');
  return `${rulesText}: ${resultName} has no ${names}; it has ${listStatistics(run)}`;
}
