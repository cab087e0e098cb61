import { describe, expect, it } from 'vitest';
import {
  changePercent,
  evaluateGate,
  type GateInput,
  gateMarkdown,
  globMatcher,
  parseRule,
  type Rule,
  readResult,
} from '../../../lib/gate/index.js';

const doc = (rps: number, p99: number) => ({
  tool: 'stormdrill bench',
  testid: 't1',
  tests: [{ title: 'SET', requests: 1000, rps, latencyMs: { p50: 0.2, p99 }, errors: {} }],
});
const read = (d: unknown) => readResult(d) as GateInput;

describe('gate --markdown (the job summary table)', () => {
  it('has one row per check with the figures, the change against the baseline in percent and pass/fail', () => {
    const run = read(doc(850, 0.6));
    const baseline = read(doc(1000, 0.5));
    const rules = [parseRule('SET.p99<=2') as Rule];
    const result = evaluateGate(run, { rules, baseline, maxRegression: 0.1, compare: globMatcher('SET.rps,SET.p99') });
    const md = gateMarkdown(result, { title: 'now.json (stormdrill bench, testid t1)', run, baseline });
    expect(md.split('\n')).toEqual([
      '### stormdrill gate: FAILED (2 of 3 checks failed)',
      '',
      'now.json (stormdrill bench, testid t1)',
      '',
      '| check | kind | figures | change | verdict |',
      '| --- | --- | --- | ---: | --- |',
      '| SET.p99<=2 | rule | SET.p99 = 0.6 ms | +20.0 % | ✅ pass |',
      '| SET.rps | baseline | 850 rps vs baseline 1000 rps | -15.0 % | ❌ fail |',
      '| SET.p99 | baseline | 0.6 ms vs baseline 0.5 ms | +20.0 % | ❌ fail |',
      '',
      '',
    ]);
  });

  it('leaves the change empty without a baseline and escapes pipes in names', () => {
    const run = read({ ...doc(900, 0.6), tests: [{ title: 'EVAL a|b', requests: 10, rps: 5, latencyMs: { p99: 1 }, errors: {} }] });
    const result = evaluateGate(run, { rules: [parseRule('EVAL a|b.p99<0.5') as Rule], maxRegression: 0.1, compare: () => true });
    const md = gateMarkdown(result, { title: 'x', run });
    expect(md).toContain('| EVAL a\\|b.p99<0.5 | rule | EVAL a\\|b.p99 = 1 ms |  | ❌ fail |');
    expect(md).toMatch(/^### stormdrill gate: FAILED \(1 of 1 checks failed\)/);
  });

  it('computes the change in percent, and none against a zero baseline', () => {
    expect(changePercent(110, 100)).toBeCloseTo(10);
    expect(changePercent(90, 100)).toBeCloseTo(-10);
    expect(changePercent(5, 0)).toBeNull();
    const zero = read({ ...doc(1, 1), tests: [{ title: 'SET', requests: 1, rps: 1, latencyMs: {}, errors: {} }] });
    const r = evaluateGate(zero, { rules: [], baseline: zero, maxRegression: 0.1, compare: globMatcher('SET.errors') });
    expect(gateMarkdown(r, { title: 't', run: zero, baseline: zero })).toContain(
      '| SET.errors | baseline | 0 vs baseline 0 | +0.0 % | ✅ pass |',
    );
  });
});
