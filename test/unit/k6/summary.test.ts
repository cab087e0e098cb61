import { describe, expect, it } from 'vitest';
import { xmlEscape } from '../../../lib/core/junit.ts';
import { ROUTE_FIGURES_THRESHOLD } from '../../../lib/k6/slo.ts';
import {
  type K6SummaryData,
  SUMMARY_SCHEMA,
  type SummaryMeta,
  summaryOutputs,
  thresholdAggregate,
  toJUnit,
  toMarkdown,
  toStableSummary,
  toText,
} from '../../../lib/k6/summary.ts';

/** The shape k6 v2.2 hands to handleSummary (trimmed from a real run). */
function data(opts: { latencyOk: boolean; failedOk: boolean }): K6SummaryData {
  return {
    metrics: {
      http_reqs: { type: 'counter', contains: 'default', values: { count: 337, rate: 67.27 } },
      http_req_failed: {
        type: 'rate',
        contains: 'default',
        values: { rate: 0.02, passes: 7, fails: 330 },
        thresholds: { 'rate<=0.01': { ok: opts.failedOk } },
      },
      'http_req_duration{name:POST /reservations}': {
        type: 'trend',
        contains: 'time',
        values: { 'p(99)': 12.5, max: 20, avg: 2, 'p(95)': 9.25, min: 0.3, med: 1 },
        thresholds: { 'p(99)<500': { ok: opts.latencyOk } },
      },
      http_req_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 1, min: 0.2, med: 0.8, max: 7, 'p(90)': 2, 'p(95)': 2.3, 'p(99)': 4.2 },
      },
      data_received: { type: 'counter', contains: 'data', values: { count: 360_500, rate: 72_000 } },
    },
    root_group: {
      name: '',
      path: '',
      groups: [{ name: 'g', path: '::g', groups: [], checks: [{ name: 'inner', path: '::g::inner', passes: 1, fails: 2 }] }],
      checks: [{ name: 'GET /items is 200', path: '::GET /items is 200', passes: 80, fails: 0 }],
    },
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'] },
    state: { testRunDurationMs: 5012.5 },
  };
}

const meta: SummaryMeta = {
  testid: 'run-1',
  runId: 'run-1',
  scenario: 'stress',
  profile: 'stress',
  k6Scenarios: ['stress'],
  baseUrl: 'http://127.0.0.1:8080',
};

describe('handleSummary outputs', () => {
  it('the stable JSON carries identity and per-threshold pass/fail with ok=true meaning PASSED', () => {
    const s = toStableSummary(data({ latencyOk: true, failedOk: false }), meta);
    expect(s).toMatchObject({
      schema: SUMMARY_SCHEMA,
      testid: 'run-1',
      scenario: 'stress',
      profile: 'stress',
      scenarios: ['stress'],
      durationMs: 5012.5,
    });
    expect(s.passed).toBe(false);
    expect(s.thresholds).toEqual([
      { metric: 'http_req_duration{name:POST /reservations}', threshold: 'p(99)<500', ok: true, actual: 12.5 },
      { metric: 'http_req_failed', threshold: 'rate<=0.01', ok: false, actual: 0.02 },
    ]);
    expect(toStableSummary(data({ latencyOk: true, failedOk: true }), meta).passed).toBe(true);
    // a threshold that only asks k6 for a route's figures is no verdict; the figures stay
    const d = data({ latencyOk: true, failedOk: true });
    d.metrics['http_req_duration{name:GET /items}'] = {
      type: 'trend',
      contains: 'time',
      values: { avg: 1, 'p(99)': 3 },
      thresholds: { [ROUTE_FIGURES_THRESHOLD]: { ok: true } },
    };
    const withFigures = toStableSummary(d, meta);
    expect(withFigures.thresholds).toEqual(s.thresholds.map((t) => (t.metric === 'http_req_failed' ? { ...t, ok: true } : t)));
    expect(withFigures.metrics['http_req_duration{name:GET /items}']?.values['p(99)']).toBe(3);
    expect(s.checks).toEqual([
      { path: '::GET /items is 200', passes: 80, fails: 0 },
      { path: '::g::inner', passes: 1, fails: 2 },
    ]);
    // values in a stable order: avg, min, med, max, then percentiles ascending
    expect(Object.keys(s.metrics['http_req_duration{name:POST /reservations}']?.values ?? {})).toEqual([
      'avg',
      'min',
      'med',
      'max',
      'p(95)',
      'p(99)',
    ]);
  });

  it('finds the aggregate a threshold compares', () => {
    expect(thresholdAggregate('p(99.9)<300')).toBe('p(99.9)');
    expect(thresholdAggregate('rate<=0.01')).toBe('rate');
    expect(thresholdAggregate('count>10')).toBe('count');
  });

  it('JUnit XML has one test case per threshold and a failure for each crossed one', () => {
    const xml = toJUnit(toStableSummary(data({ latencyOk: false, failedOk: false }), meta));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('<testsuites name="stormdrill k6" tests="2" failures="2" time="5.013">');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain('name="http_req_duration{name:POST /reservations} p(99)&lt;500"');
    expect(xml).toContain('<property name="testid" value="run-1"/>');
    const passing = toJUnit(toStableSummary(data({ latencyOk: true, failedOk: true }), meta));
    expect(passing).toContain('failures="0"');
    expect(passing).not.toContain('<failure');
    expect(xmlEscape(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });

  it('markdown shows the verdict, thresholds with actual values, checks and latency', () => {
    const md = toMarkdown(toStableSummary(data({ latencyOk: true, failedOk: false }), meta));
    expect(md.split('\n')[0]).toBe('# k6 stress (stress) — FAILED');
    expect(md).toContain('| **FAIL** | http_req_failed | `rate<=0.01` | 2.00% |');
    expect(md).toContain('| pass | http_req_duration{name:POST /reservations} | `p(99)<500` | 12.50ms |');
    expect(md).toContain('| g::inner | 1 | 2 |');
    expect(md).toContain('Requests: 337 (67.3/s), failed 2.00%.');
  });

  it('the terminal text marks each threshold and ends with the result', () => {
    const text = toText(toStableSummary(data({ latencyOk: true, failedOk: false }), meta));
    expect(text).toContain('✗ http_req_failed rate<=0.01 (rate=2.00%)');
    expect(text).toContain('✓ http_req_duration{name:POST /reservations} p(99)<500 (p(99)=12.50ms)');
    expect(text).toMatch(/data_received \.+: 360\.5 kB 72\.0 kB\/s/);
    expect(text).toContain('RESULT: 1 threshold(s) failed');
  });

  it('returns stdout always and the three files only when a directory is given', () => {
    const d = data({ latencyOk: true, failedOk: true });
    expect(Object.keys(summaryOutputs(d, meta))).toEqual(['stdout']);
    const out = summaryOutputs(d, meta, '/tmp/x/');
    expect(Object.keys(out).sort()).toEqual(['/tmp/x/junit.xml', '/tmp/x/summary.json', '/tmp/x/summary.md', 'stdout']);
    expect(JSON.parse(out['/tmp/x/summary.json'] as string).passed).toBe(true);
  });
});
