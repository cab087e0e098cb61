import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../lib/core/stats/histogram.js';
import { PerSecondSeries } from '../../../lib/core/stats/series.js';

describe('LatencyHistogram', () => {
  it('records, merges and round-trips through the HdrHistogram base64 encoding', () => {
    const a = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) a.record(i);
    const b = new LatencyHistogram();
    b.recordN(5000, 1000);
    a.merge(b);
    expect(a.count).toBe(2000);
    expect(a.percentile(50)).toBeGreaterThanOrEqual(999);
    expect(a.percentile(50)).toBeLessThanOrEqual(1001);
    expect(a.max).toBeGreaterThanOrEqual(4995);
    const enc = a.encode();
    expect(enc.startsWith('HISTF')).toBe(true);
    const back = LatencyHistogram.decode(enc);
    expect(back.count).toBe(2000);
    expect(back.percentile(99)).toBe(a.percentile(99));
    expect(a.summaryMs().p99).toBeCloseTo(a.percentile(99) / 1000, 6);
  });

  it('never reports a percentile above the largest value recorded (max >= p99 in every summary)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 200; i++) h.record(7642);
    h.record(120);
    const s = h.summaryMs();
    // 7642 µs lies in a bucket 4 µs wide: its top, 7643 µs, is both p99 and max
    expect(s.p99).toBe(7.643);
    expect(s.max).toBe(s.p99);
    expect(s.max).toBeGreaterThanOrEqual(s.p999);
    // an encoded histogram gives the same figures back
    expect(LatencyHistogram.decode(h.encode()).summaryMs()).toEqual(s);
  });

  it('is empty-safe', () => {
    const h = new LatencyHistogram();
    expect(h.summaryMs()).toMatchObject({ count: 0, avg: 0, min: 0, p99: 0 });
  });
});

describe('PerSecondSeries', () => {
  it('buckets by second and merges by start time', () => {
    const s = new PerSecondSeries(1000);
    s.add(1100, 5);
    s.add(3500, 2, 1);
    const t = new PerSecondSeries(2000);
    t.add(2100, 3);
    s.merge(t);
    expect(s.toArray()).toEqual([
      { second: 0, ops: 5, errors: 0 },
      { second: 1, ops: 3, errors: 0 },
      { second: 2, ops: 2, errors: 1 },
    ]);
  });
});
