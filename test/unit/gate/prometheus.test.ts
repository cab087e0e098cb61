import { describe, expect, it } from 'vitest';
import { benchQuery, k6Query, quantileOf, selector } from '../../../lib/gate/prometheus.js';

describe('gate --prometheus queries (pure)', () => {
  it('reads quantile names the way bench and k6 write them', () => {
    expect([
      quantileOf('p99'),
      quantileOf('p50'),
      quantileOf('p999'),
      quantileOf('p(99.9)'),
      quantileOf('p(95)'),
      quantileOf('med'),
    ]).toEqual([0.99, 0.5, 0.999, 0.999, 0.95, 0.5]);
    expect(quantileOf('max')).toBeNull();
  });

  it('bench statistics: quantiles of the summed native histograms, summed counters, rps per instance summed', () => {
    expect(benchQuery('run-1', 'SET', 'p99')).toEqual({
      query: 'histogram_quantile(0.99, sum(stormdrill_bench_request_duration_seconds{testid="run-1",test="SET"}))',
      scale: 1000,
      unit: 'ms',
    });
    expect(benchQuery('run-1', 'SET', 'rps')).toMatchObject({
      query:
        'sum(last_over_time(stormdrill_bench_requests_total{testid="run-1",test="SET"}[$RANGE]) / last_over_time(stormdrill_bench_elapsed_seconds{testid="run-1",test="SET"}[$RANGE]))',
    });
    expect(benchQuery('run-1', 'SET', 'max')).toMatch(/--json files only/);
  });

  it('k6 statistics: tags become label matchers; the failure rate from the requests counter', () => {
    expect(k6Query('r', 'http_req_duration{name:POST /reservations}', 'p(95)')).toMatchObject({
      query: 'histogram_quantile(0.95, sum(k6_http_req_duration_seconds{testid="r",name="POST /reservations"}))',
    });
    expect(k6Query('r', 'http_req_failed', 'rate')).toMatchObject({
      query:
        '(sum(last_over_time(k6_http_reqs_total{testid="r",expected_response="false"}[$RANGE])) or vector(0)) / sum(last_over_time(k6_http_reqs_total{testid="r"}[$RANGE]))',
    });
    expect(k6Query('r', 'checks', 'rate')).toMatch(/cannot be computed from Prometheus/);
    expect(selector({ a: 'x"y' })).toBe('{a="x\\"y"}');
  });
});
