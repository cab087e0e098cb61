import { describe, expect, it } from 'vitest';
import { DEFAULT_SLO, parseSlo, sloThresholds, validateSlo } from '../../../lib/k6/slo.ts';

describe('SLO → thresholds', () => {
  it('turns latency, error-rate and check-rate SLOs into k6 thresholds, per route as sub-metrics', () => {
    const t = sloThresholds({
      p95Ms: 300,
      p99Ms: 800,
      errorRate: 0.01,
      checkRate: 0.99,
      routes: { 'POST /reservations': { p99Ms: 500 }, 'GET /items': { p95Ms: 100 } },
    });
    expect(t).toEqual({
      http_req_duration: ['p(95)<300', 'p(99)<800'],
      http_req_failed: ['rate<=0.01'],
      checks: ['rate>=0.99'],
      'http_req_duration{name:POST /reservations}': ['p(99)<500'],
      'http_req_duration{name:GET /items}': ['p(95)<100'],
    });
  });

  it('uses the object form with abortOnFail for profiles that stop early', () => {
    const t = sloThresholds({ p95Ms: 200, errorRate: 0.05 }, { abortOnFail: true, delayAbortEval: '5s' });
    expect(t).toEqual({
      http_req_duration: [{ threshold: 'p(95)<200', abortOnFail: true, delayAbortEval: '5s' }],
      http_req_failed: [{ threshold: 'rate<=0.05', abortOnFail: true, delayAbortEval: '5s' }],
    });
  });

  it('an empty SLO value means the default SLO', () => {
    expect(parseSlo(undefined)).toEqual({ slo: DEFAULT_SLO, errors: [] });
    expect(parseSlo('  ')).toEqual({ slo: DEFAULT_SLO, errors: [] });
  });

  it('parses JSON and names every problem of a malformed SLO', () => {
    expect(parseSlo('{"p95Ms":250,"routes":{"GET /items":{"p99Ms":90}}}')).toEqual({
      slo: { p95Ms: 250, routes: { 'GET /items': { p99Ms: 90 } } },
      errors: [],
    });
    expect(parseSlo('{p95Ms:1}').errors[0]).toMatch(/^SLO is not valid JSON .*pass e\.g\. SLO=/);
    expect(validateSlo([1]).errors).toEqual(['SLO must be a JSON object such as {"p95Ms":300,"errorRate":0.01}']);
    expect(
      validateSlo({ p95Ms: -1, errorRate: 2, checkRate: '1', p50: 3, routes: { '/items': { p95Ms: 1, max: 2 }, 'GET /x': 5 } }).errors,
    ).toEqual([
      'SLO.p95Ms must be a positive number of ms (got -1)',
      "SLO: unknown key 'p50' (allowed: p95Ms, p99Ms, errorRate, checkRate, routes)",
      'SLO.errorRate must be a number between 0 and 1 (got 2)',
      'SLO.checkRate must be a number between 0 and 1 (got "1")',
      `SLO.routes: '/items' is not a route name such as "GET /items" or "POST /reservations/:id/confirm"`,
      `SLO.routes["/items"]: unknown key 'max' (allowed: p95Ms, p99Ms)`,
      'SLO.routes["GET /x"] must be an object such as {"p95Ms":300}',
    ]);
  });
});
