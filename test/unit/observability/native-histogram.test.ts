import { describe, expect, it } from 'vitest';
import {
  bucketIndex,
  bucketUpperBound,
  decodeBuckets,
  encodeBuckets,
  K6_ZERO_THRESHOLD,
  NativeHistogram,
} from '../../../lib/observability/native-histogram.js';
import { decodeWriteRequest, encodeWriteRequest, type TimeSeries } from '../../../lib/observability/write-request.js';
import { K6ShapedMetrics, trendStat, trendStatSuffix } from '../../support/k6-shape.js';

describe('native histogram buckets', () => {
  it('puts a value in the bucket whose bounds enclose it, also exactly on a boundary', () => {
    for (const v of [0.000070433, 0.0011, 0.00390625, 1, 2, 3.7, 1234.5]) {
      for (const schema of [0, 3, 8]) {
        const i = bucketIndex(schema, v);
        expect(bucketUpperBound(schema, i - 1)).toBeLessThan(v);
        expect(bucketUpperBound(schema, i)).toBeGreaterThanOrEqual(v);
      }
    }
    // what real k6 wrote for a 70.433 µs k6_http_req_sending_seconds observation
    expect(bucketIndex(3, 0.000070433)).toBe(-110);
    expect(bucketIndex(3, 1)).toBe(0);
    expect(bucketIndex(3, 2)).toBe(8);
  });

  it('encodes sparse counts as spans and deltas, and decodes them back', () => {
    const counts = new Map([
      [-5, 2],
      [-4, 3],
      [-3, 1],
      [0, 4],
      [7, 1],
    ]);
    const { spans, deltas } = encodeBuckets(counts);
    expect(spans).toEqual([
      { offset: -5, length: 3 },
      { offset: 2, length: 1 },
      { offset: 6, length: 1 },
    ]);
    expect(deltas).toEqual([2, 1, -2, 3, -3]);
    expect(decodeBuckets(spans, deltas)).toEqual(counts);
  });

  it('accumulates count, sum, zero bucket and buckets', () => {
    const h = new NativeHistogram();
    for (const v of [0, 0.001, 0.001, 0.002, 0.5]) h.observe(v);
    const s = h.sample(1000);
    expect(s).toMatchObject({
      count: 5,
      schema: 3,
      zeroThreshold: K6_ZERO_THRESHOLD,
      zeroCount: 1,
      resetHint: 'unknown',
      timestampMs: 1000,
    });
    expect(s.sum).toBeCloseTo(0.504, 9);
    const buckets = decodeBuckets(s.positiveSpans, s.positiveDeltas);
    expect([...buckets.values()].reduce((a, b) => a + b, 0)).toBe(4);
    expect(buckets.get(bucketIndex(3, 0.001))).toBe(2);
    expect(() => h.observe(-1)).toThrow(/>= 0/);
    expect(() => new NativeHistogram(9)).toThrow(/schema/);
  });

  it('round-trips histogram samples through the WriteRequest protobuf', () => {
    const h = new NativeHistogram();
    for (const v of [0.003, 0.004, 0.2]) h.observe(v);
    const series: TimeSeries[] = [
      { labels: { __name__: 'k6_http_req_duration_seconds', testid: 't' }, samples: [], histograms: [h.sample(1_700_000_000_000)] },
      { labels: { __name__: 'k6_vus', testid: 't' }, samples: [{ value: 3, timestampMs: 1_700_000_000_000 }] },
    ];
    expect(decodeWriteRequest(encodeWriteRequest(series))).toEqual(series);
  });
});

describe('k6-shaped series', () => {
  it('names trend stats like k6', () => {
    expect(trendStatSuffix('p(99)')).toBe('p99');
    expect(trendStatSuffix('p(99.9)')).toBe('p999');
    expect(trendStatSuffix('med')).toBe('med');
    expect(() => trendStatSuffix('p99')).toThrow(/unknown trend stat 'p99'/);
    expect(trendStat([1, 2, 3, 4], 'p(50)')).toBe(2.5);
    expect(trendStat([1, 2, 3, 4], 'max')).toBe(4);
  });

  const req = {
    scenario: 'stress',
    name: 'GET /items',
    method: 'GET',
    status: 200,
    durationSeconds: 0.01,
    expected: true,
    sentBytes: 100,
    receivedBytes: 900,
  };

  it('native mode: histograms, counters, rates and the feature label on every series', () => {
    const m = new K6ShapedMetrics({
      testid: 't1',
      nativeHistograms: true,
      tags: { instance_id: '0' },
      scenarioTags: { profile: 'stress' },
    });
    m.httpRequest(req);
    m.httpRequest({ ...req, status: 503, expected: false, durationSeconds: 0.5 });
    m.check('stress', 'GET /items', 'GET /items is 200', false);
    m.iteration('stress', 0.6);
    m.vus(2, 5);
    const s = m.series(1000);
    for (const x of s) expect(x.labels).toMatchObject({ testid: 't1', k6_feature_native_histograms: 'true', instance_id: '0' });
    // scenario tags only where k6 puts them: on series of the scenario, not on k6_vus
    for (const x of s) expect(x.labels.profile, x.labels.__name__).toBe(x.labels.scenario ? 'stress' : undefined);
    const byName = (n: string) => s.filter((x) => x.labels.__name__ === n);
    expect(byName('k6_http_reqs_total').map((x) => [x.labels.status, x.samples[0]?.value])).toEqual([
      ['200', 1],
      ['503', 1],
    ]);
    expect(byName('k6_http_req_failed_rate').find((x) => x.labels.status === '503')?.samples[0]?.value).toBe(1);
    expect(byName('k6_http_req_duration_seconds')).toHaveLength(2);
    expect(byName('k6_http_req_duration_seconds')[0]?.histograms?.[0]?.count).toBe(1);
    expect(byName('k6_http_req_duration_p99')).toHaveLength(0);
    expect(byName('k6_checks_rate')[0]?.samples[0]?.value).toBe(0);
    expect(byName('k6_data_sent_total')[0]?.samples[0]?.value).toBe(200);
    expect(byName('k6_vus')[0]?.samples[0]?.value).toBe(2);
    expect(byName('k6_iteration_duration_seconds')).toHaveLength(1);
  });

  it('trend-stat mode: one gauge per stat in seconds, no feature label', () => {
    const m = new K6ShapedMetrics({ testid: 't2', nativeHistograms: false, trendStats: ['p(50)', 'p(99)', 'max'] });
    for (const d of [0.01, 0.02, 0.03]) m.httpRequest({ ...req, durationSeconds: d });
    const s = m.series(1000);
    expect(s.some((x) => 'k6_feature_native_histograms' in x.labels)).toBe(false);
    const v = (n: string) => s.find((x) => x.labels.__name__ === n)?.samples[0]?.value;
    expect(v('k6_http_req_duration_p50')).toBeCloseTo(0.02, 9);
    expect(v('k6_http_req_duration_max')).toBe(0.03);
    expect(v('k6_http_req_duration_p99')).toBeGreaterThan(0.029);
    expect(() => new K6ShapedMetrics({ testid: 'x', nativeHistograms: false, trendStats: ['p95'] })).toThrow(/unknown trend stat/);
  });
});
