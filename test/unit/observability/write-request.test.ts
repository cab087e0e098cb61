import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registryToSeries } from '../../../lib/observability/remote-write.js';
import { decodeWriteRequest, encodeWriteRequest, snappyBody, type TimeSeries, unsnappy } from '../../../lib/observability/write-request.js';

describe('remote-write encoding', () => {
  it('round-trips a WriteRequest through protobuf and snappy', () => {
    const series: TimeSeries[] = [
      { labels: { __name__: 'a_total', testid: 't1', b: 'x' }, samples: [{ value: 3, timestampMs: 1_700_000_000_000 }] },
      { labels: { __name__: 'g' }, samples: [{ value: -0.5, timestampMs: 1_700_000_000_001 }] },
    ];
    expect(decodeWriteRequest(encodeWriteRequest(series))).toEqual(series);
    expect(decodeWriteRequest(unsnappy(snappyBody(series)))).toEqual(series);
  });

  it('turns a prom-client registry into series with the testid label', async () => {
    const reg = new Registry();
    const c = new Counter({ name: 'x_ops_total', help: 'h', labelNames: ['kind'], registers: [reg] });
    c.inc({ kind: 'set' }, 5);
    const h = new Histogram({ name: 'x_seconds', help: 'h', buckets: [0.1, 1], registers: [reg] });
    h.observe(0.5);
    const s = await registryToSeries(reg, { testid: 'r1' }, 1000);
    const byName = (n: string) => s.filter((x) => x.labels.__name__ === n);
    expect(byName('x_ops_total')[0]).toEqual({
      labels: { __name__: 'x_ops_total', kind: 'set', testid: 'r1' },
      samples: [{ value: 5, timestampMs: 1000 }],
    });
    expect(byName('x_seconds_bucket').map((x) => [x.labels.le, x.samples[0]?.value])).toEqual([
      ['0.1', 0],
      ['1', 1],
      ['+Inf', 1],
    ]);
    expect(byName('x_seconds_count')[0]?.samples[0]?.value).toBe(1);
  });
});
