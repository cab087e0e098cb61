import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  cumulativeDistribution,
  errorSummaryLines,
  formatClusterHeader,
  formatCsv,
  formatLive,
  formatQuiet,
  formatReport,
  type HistogramView,
  parseCsv,
  parseQuiet,
  parseReport,
  percentileDistribution,
  type TestReport,
} from '../../../lib/bench/format.js';
import { classicBuckets } from '../../../lib/bench/metrics.js';
import { histogramView } from '../../../lib/bench/result.js';
import { newHistogram } from '../../../lib/bench/setup.js';

function view(values: number[]): HistogramView {
  const h = newHistogram(3);
  for (const v of values) h.record(v);
  return histogramView(h);
}

function report(hist: HistogramView, over: Partial<TestReport> = {}): TestReport {
  return {
    title: 'SET',
    requests: hist.count,
    elapsedSec: 0.5,
    clients: 50,
    dataSize: 100,
    keepAlive: true,
    hist,
    hostConfig: { save: '', appendonly: 'no' },
    threads: 0,
    errors: {},
    ...over,
  };
}

describe('formatters', () => {
  // 1000 values from 100 µs to 1099 µs, plus a slow tail
  const values = [...Array.from({ length: 1000 }, (_, i) => 100 + i), 2050, 2500, 3600];
  const h = view(values);

  it('walks percentiles at half distances like HdrHistogram: 0, 50, 75, 87.5 ... then 100', () => {
    const d = percentileDistribution(h);
    expect(d.slice(0, 4).map((x) => x.percentile)).toEqual([0, 50, 75, 87.5]);
    expect(d.at(-1)).toMatchObject({ percentile: 100, cumulative: 1003 });
    expect(d.at(-1)?.valueUs).toBe(h.max);
    for (let i = 1; i < d.length; i++)
      expect((d[i] as { cumulative: number }).cumulative).toBeGreaterThanOrEqual((d[i - 1] as { cumulative: number }).cumulative);
    // the 50 % line is the median's bucket
    expect(Math.abs((d[1]?.valueUs ?? 0) - h.percentile(50))).toBeLessThanOrEqual(8);
  });

  it('steps the cumulative distribution by 0.1 ms, then by 1 ms after the first level above 2 ms', () => {
    const d = cumulativeDistribution(h);
    const levels = d.map((x) => (x.valueUs / 1000).toFixed(3));
    expect(levels.slice(0, 3)).toEqual(['0.103', '0.207', '0.303']);
    expect(levels).toContain('2.103');
    expect(levels).toContain('3.103');
    expect(levels).not.toContain('2.207');
    expect(d.at(-1)).toMatchObject({ cumulative: 1003 });
    expect(d.at(-1)?.percentile).toBe(100);
  });

  it('formats the default report and parses it back', () => {
    const text = formatReport(report(h));
    expect(text).toMatch(
      /^====== SET ======\n {2}1003 requests completed in 0\.50 seconds\n {2}50 parallel clients\n {2}100 bytes payload\n {2}keep alive: 1\n/,
    );
    expect(text).toContain('  host configuration "save": \n  host configuration "appendonly": no\n  multi-thread: no\n');
    expect(text).toContain('\nLatency by percentile distribution:\n0.000% <= 0.103 milliseconds (cumulative count ');
    expect(text).toContain('\nCumulative distribution of latencies:\n');
    expect(text).toMatch(
      /Summary:\n {2}throughput summary: 2006\.00 requests per second\n {2}latency summary \(msec\):\n {10}avg {7}min {7}p50 {7}p95 {7}p99 {7}max\n/,
    );
    const [parsed] = parseReport(text);
    expect(parsed).toMatchObject({ title: 'SET', rps: 2006, requests: 1003 });
    expect(parsed?.p50).toBeCloseTo(h.percentile(50) / 1000, 3);
    expect(parsed?.max).toBeCloseTo(h.max / 1000, 3);
  });

  it('formats -q and --csv lines and parses them back', () => {
    const r = report(h, { title: 'LRANGE_100 (first 100 elements)' });
    expect(formatQuiet(r)).toMatch(/^LRANGE_100 \(first 100 elements\): 2006\.00 requests per second, p50=0\.\d{3} msec\n$/);
    expect(parseQuiet(`\r${formatQuiet(r)}`)).toEqual([
      { title: 'LRANGE_100 (first 100 elements)', rps: 2006, p50: h.percentile(50) / 1000 },
    ]);
    expect(CSV_HEADER).toBe(
      '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n',
    );
    const csv = formatCsv({ ...r, title: 'set "x"' });
    expect(csv).toMatch(/^"set ""x""","2006\.00","\d+\.\d{3}","0\.\d{3}",/);
    expect(parseCsv(CSV_HEADER + csv)[0]).toMatchObject({ title: 'set "x"', rps: 2006 });
  });

  it('formats the live line with -nan before any reply', () => {
    expect(formatLive('SET', 0, Number.NaN, Number.NaN, Number.NaN)).toBe('SET: rps=0.0 (overall: -nan) avg_msec=-nan (overall: -nan)');
    expect(formatLive('GET', 1234.56, 1000, 0.1234, 0.2)).toBe('GET: rps=1234.6 (overall: 1000.0) avg_msec=0.123 (overall: 0.200)');
  });

  it('says when latency is corrected for coordinated omission, and lists errors', () => {
    const t = formatReport(report(h, { rate: 5000, errors: { OOM: 12 } }));
    expect(t).toContain('coordinated omission corrected');
    expect(t).toContain('errors: OOM=12');
  });

  it('uses the histogram geometry of redis-benchmark (10 µs .. 3 s, 3 digits)', () => {
    const raw = hdr.build({
      lowestDiscernibleValue: 10,
      highestTrackableValue: 3_000_000,
      numberOfSignificantValueDigits: 3,
      useWebAssembly: false,
    });
    raw.recordValue(161);
    expect(view([161]).percentile(50)).toBe(raw.getValueAtPercentile(50));
    expect(view([161]).percentile(50)).toBe(167);
  });

  it('turns HDR buckets into cumulative classic buckets', () => {
    const c = classicBuckets(
      [
        [50, 2],
        [400, 3],
        [2_000_000, 1],
      ],
      [0.0001, 0.001, 1],
    );
    expect(c.counts).toEqual([2, 5, 5]);
    expect(c.count).toBe(6);
    expect(c.sum).toBeCloseTo(2 * 0.00005 + 3 * 0.0004 + 2, 6);
  });

  it('prints the histogram value as max in the summary and CSV, the value of the 100 % line', () => {
    const hv = view([100, 200, 6927]);
    const last = percentileDistribution(hv).at(-1)?.valueUs as number;
    expect(last).toBe(6927);
    const text = formatReport(report(hv));
    expect(text).toContain('100.000% <= 6.927 milliseconds');
    expect(parseReport(text)[0]?.max).toBe(6.927);
    expect(parseCsv(CSV_HEADER + formatCsv(report(hv)))[0]?.max).toBe(6.927);
  });

  it('prints no rate for a test whose requests all failed, in every output mode', () => {
    const all = report(view([100, 200, 300]), { errors: { ERR: 3 } });
    expect(formatQuiet(all)).toBe('SET: all 3 requests failed\n');
    expect(parseQuiet(formatQuiet(all))).toEqual([]);
    expect(formatCsv(all)).toBe('"SET","","","","","","",""\n');
    expect(formatReport(all)).toContain('  throughput summary: none, all 3 requests failed\n');
    expect(formatReport(all)).not.toMatch(/requests per second/);
    // some failed: the rate stays, the errors are listed
    const some = report(view([100, 200, 300]), { errors: { ERR: 1 } });
    expect(formatQuiet(some)).toMatch(/^SET: [\d.]+ requests per second/);
    expect(errorSummaryLines('SET', 3, { ERR: 1, OOM: 2 }, { ERR: 'ERR syntax error', OOM: 'OOM command not allowed\nmore' })).toEqual([
      'Error from server: ERR syntax error (1 of 3 requests of SET)',
      'Error from server: OOM command not allowed (2 of 3 requests of SET)',
    ]);
  });

  it('quotes CSV cells as RFC 4180 says: a " in a title is doubled', () => {
    const row = formatCsv(report(view([100]), { title: 'SET k"q v,1' }));
    expect(row.startsWith('"SET k""q v,1",')).toBe(true);
    expect(parseCsv(CSV_HEADER + row)[0]?.title).toBe('SET k"q v,1');
  });

  it("prints redis-benchmark's cluster header", () => {
    expect(
      formatClusterHeader([
        { id: 'a'.repeat(40), host: '127.0.0.1', port: 7000 },
        { id: 'b'.repeat(40), host: '127.0.0.1', port: 7001 },
      ]),
    ).toBe(`Cluster has 2 master nodes:\n\nMaster 0: ${'a'.repeat(40)} 127.0.0.1:7000\nMaster 1: ${'b'.repeat(40)} 127.0.0.1:7001\n\n`);
  });
});
