import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COMPARE,
  evaluateGate,
  formatGate,
  type GateInput,
  gateJUnit,
  globMatcher,
  listStatistics,
  missingStatistics,
  parseRule,
  parseRules,
  type Rule,
  readResult,
  splitName,
} from '../../../lib/gate/index.js';

const benchDoc = (rps: number, p99: number, errors: Record<string, number> = {}) => ({
  tool: 'stormdrill bench',
  testid: 't1',
  interrupted: false,
  tests: [
    { title: 'SET', requests: 1000, rps, latencyMs: { avg: 0.2, min: 0.05, p50: 0.19, p99, max: 3 }, errors },
    { title: 'MSET (10 keys)', requests: 1000, rps: rps / 3, latencyMs: { p50: 0.4, p99: 0.9 }, errors: {} },
  ],
});

const k6Doc = (p95: number, failedRate: number, thresholdOk = true) => ({
  schema: 'stormdrill.k6-summary/v1',
  testid: 'k1',
  thresholds: [{ metric: 'http_req_failed', threshold: 'rate<=0.01', ok: thresholdOk, actual: failedRate }],
  metrics: {
    http_reqs: { type: 'counter', contains: 'default', values: { count: 500, rate: 100 } },
    http_req_failed: { type: 'rate', contains: 'default', values: { rate: failedRate, passes: 1, fails: 499 } },
    'http_req_duration{name:POST /reservations}': { type: 'trend', contains: 'time', values: { 'p(95)': p95, 'p(99.9)': 40, med: 2 } },
    checks: { type: 'rate', contains: 'default', values: { rate: 1 } },
    vus: { type: 'gauge', contains: 'default', values: { value: 10 } },
  },
});

const read = (doc: unknown) => readResult(doc) as GateInput;
const rule = (t: string) => parseRule(t) as Rule;
const opts = { rules: [] as Rule[], maxRegression: 0.1, compare: globMatcher(DEFAULT_COMPARE) };

describe('gate: reading results', () => {
  it('names each statistic <subject>.<stat>, with titles and tags kept whole', () => {
    const b = read(benchDoc(1000, 0.5));
    expect([...b.metrics.keys()]).toContain('MSET (10 keys).p99');
    expect(b.metrics.get('SET.rps')).toMatchObject({ value: 1000, better: 'higher' });
    expect(b.metrics.get('SET.p99')).toMatchObject({ value: 0.5, better: 'lower', unit: 'ms' });
    const k = read(k6Doc(9, 0.002));
    expect(k.metrics.get('http_req_duration{name:POST /reservations}.p(95)')).toMatchObject({ value: 9, better: 'lower' });
    expect(k.metrics.get('http_req_failed.rate')?.better).toBe('lower');
    expect(k.metrics.get('checks.rate')?.better).toBe('higher');
    expect(k.metrics.get('vus.value')?.better).toBeUndefined();
    expect(splitName('http_req_duration{name:POST /reservations}.p(99.9)')).toEqual({
      subject: 'http_req_duration{name:POST /reservations}',
      stat: 'p(99.9)',
    });
  });

  it('refuses what is neither a bench result nor a k6 summary', () => {
    expect(readResult([])).toMatch(/neither/);
    expect(readResult(null)).toMatch(/not a JSON object/);
  });

  it('parses rules and says what a bad one should look like', () => {
    expect(parseRule('SET.p99 <= 2')).toMatchObject({ metric: 'SET.p99', op: '<=', limit: 2 });
    expect(parseRule('http_req_duration.p(95)<300ms')).toMatchObject({ metric: 'http_req_duration.p(95)', op: '<', limit: 300 });
    expect(parseRule('SET.p99 is small')).toMatch(/METRIC OP NUMBER/);
    expect(parseRule('SET<2')).toMatch(/name a statistic/);
  });
});

describe('gate: rules naming what a result does not have', () => {
  it('lists every statistic the result has, grouped by subject', () => {
    expect(listStatistics(read(benchDoc(100, 1)))).toBe(
      'SET.{rps,requests,avg,min,p50,p99,max,errors}, MSET (10 keys).{rps,requests,p50,p99,errors}',
    );
    expect(listStatistics(read(k6Doc(5, 0)))).toBe(
      'http_reqs.{count,rate}, http_req_failed.{rate,passes,fails}, http_req_duration{name:POST /reservations}.{p(95),p(99.9),med}, checks.rate, vus.value',
    );
  });

  it('reports every bad rule at once: each malformed one, and all missing statistics in one line', () => {
    const { rules, problems } = parseRules(['SET.p99<=2', 'SET.p99 is small', 'SETT.p99<1', 'GET.rps>5', 'nope']);
    expect(rules.map((r) => r.metric)).toEqual(['SET.p99', 'SETT.p99', 'GET.rps']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^--rule 'SET\.p99 is small' is not METRIC OP NUMBER/);
    expect(problems[1]).toMatch(/^--rule 'nope' is not METRIC OP NUMBER/);
    const run = read(benchDoc(100, 1));
    expect(missingStatistics(run, rules, 'now.json')).toBe(
      `--rule 'SETT.p99<1', --rule 'GET.rps>5': now.json has no 'SETT.p99', 'GET.rps'; it has ${listStatistics(run)}`,
    );
    expect(missingStatistics(run, rules.slice(0, 1), 'now.json')).toBeUndefined();
  });
});

describe('gate: verdicts', () => {
  it('passes within the allowed regression and fails beyond it, in the right direction per statistic', () => {
    const base = read(benchDoc(1000, 0.5));
    const ok = evaluateGate(read(benchDoc(950, 0.54)), { ...opts, baseline: base });
    expect(ok.passed).toBe(true);
    const slower = evaluateGate(read(benchDoc(850, 0.5)), { ...opts, baseline: base });
    expect(slower.passed).toBe(false);
    expect(slower.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['SET.rps', 'MSET (10 keys).rps']);
    const laggier = evaluateGate(read(benchDoc(2000, 0.6)), { ...opts, baseline: base });
    expect(laggier.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['SET.p99']);
    // faster is never a regression
    expect(evaluateGate(read(benchDoc(5000, 0.1)), { ...opts, baseline: base }).passed).toBe(true);
  });

  it('fails when errors appear where the baseline had none', () => {
    const r = evaluateGate(read(benchDoc(1000, 0.5, { OOM: 3 })), { ...opts, baseline: read(benchDoc(1000, 0.5)) });
    expect(r.checks.find((c) => c.name === 'SET.errors')).toMatchObject({ ok: false });
    expect(r.checks.find((c) => c.name === 'SET.errors')?.detail).toContain('was 0');
  });

  it('applies rules and the run’s own k6 thresholds; an interrupted run never passes', () => {
    const k = read(k6Doc(9, 0.002));
    expect(evaluateGate(k, { ...opts, rules: [rule('http_req_duration{name:POST /reservations}.p(95)<10')] }).passed).toBe(true);
    expect(evaluateGate(k, { ...opts, rules: [rule('http_req_duration{name:POST /reservations}.p(95)<5')] }).passed).toBe(false);
    const crossed = read(k6Doc(9, 0.2, false));
    expect(evaluateGate(crossed, opts).passed).toBe(false);
    expect(evaluateGate(crossed, { ...opts, ignoreThresholds: true }).passed).toBe(true);
    const cut = read({ ...benchDoc(1000, 0.5), interrupted: true });
    expect(evaluateGate(cut, { ...opts, rules: [rule('SET.rps>1')] }).passed).toBe(false);
  });

  it('compares only the chosen statistics', () => {
    const base = read(benchDoc(1000, 0.5));
    const r = evaluateGate(read(benchDoc(500, 5)), { ...opts, baseline: base, compare: globMatcher('SET.p50') });
    expect(r.checks.map((c) => c.name)).toEqual(['SET.p50']);
    expect(r.passed).toBe(true);
  });

  it('prints one line per check and a verdict; JUnit has a failure per failed check', () => {
    const r = evaluateGate(read(benchDoc(800, 0.5)), { ...opts, baseline: read(benchDoc(1000, 0.5)) });
    const text = formatGate(r, 'gate: x');
    expect(text).toMatch(/FAIL {2}SET\.rps +800 rps vs baseline 1000 rps \(-20\.0 %; at most -10 %\)/);
    expect(text.trim().split('\n').at(-1)).toBe(`gate: FAILED (2 of ${r.checks.length} checks)`);
    const xml = gateJUnit(r, { testid: 't1' });
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain(`tests="${r.checks.length}"`);
  });
});
