/** Native histograms pushed by our remote-write code, read back from a real Prometheus. */
import { describe, expect, it } from 'vitest';
import { NativeHistogram } from '../../../lib/observability/native-histogram.js';
import { pushSeries } from '../../../lib/observability/remote-write.js';
import { useTestEnv } from '../../support/env.js';
import { promQuery } from '../../support/prom.js';

const env = useTestEnv({ prometheus: true });

const query = (q: string, timeSec?: number) => promQuery(env.prometheus.url, q, timeSec);

describe('native histograms by remote write', () => {
  it('Prometheus stores them as native histograms with the right count, sum and quantiles', async () => {
    const testid = `${env.namespace.runId}-nh`;
    const h = new NativeHistogram();
    // 1..1000 ms, one observation each: the true median is 0.5005 s, p99 0.99 s
    for (let ms = 1; ms <= 1000; ms++) h.observe(ms / 1000);
    const t = Date.now();
    await pushSeries(env.prometheus.remoteWriteUrl, [
      { labels: { __name__: 'stormdrill_nh_test_seconds', testid }, samples: [], histograms: [h.sample(t)] },
    ]);
    const at = t / 1000;
    const [s] = await query(`stormdrill_nh_test_seconds{testid="${testid}"}`, at);
    expect(s?.histogram?.[1].count).toBe('1000');
    expect(Number(s?.histogram?.[1].sum)).toBeCloseTo(500.5, 6);
    // schema 3: buckets are 2^(1/8) ≈ 9 % wide, so quantiles are within that
    for (const [q, truth] of [
      [0.5, 0.5005],
      [0.99, 0.99],
    ] as const) {
      const [r] = await query(`histogram_quantile(${q}, stormdrill_nh_test_seconds{testid="${testid}"})`, at);
      const v = Number(r?.value?.[1]);
      expect(Math.abs(v - truth) / truth, `q${q}: ${v} vs ${truth}`).toBeLessThan(0.091);
    }
    const [c] = await query(`histogram_count(stormdrill_nh_test_seconds{testid="${testid}"})`, at);
    expect(c?.value?.[1]).toBe('1000');
  });

  it('a rate over two pushes counts only what happened in between', async () => {
    const testid = `${env.namespace.runId}-nh2`;
    const h = new NativeHistogram();
    const t0 = Date.now() - 10_000;
    for (let i = 0; i < 100; i++) h.observe(0.01);
    const first = h.sample(t0);
    for (let i = 0; i < 300; i++) h.observe(0.2);
    const second = h.sample(t0 + 5000);
    await pushSeries(env.prometheus.remoteWriteUrl, [
      { labels: { __name__: 'stormdrill_nh_rate_seconds', testid }, samples: [], histograms: [first, second] },
    ]);
    const at = (t0 + 5000) / 1000;
    // only 0.2 s observations happened between the two samples: the median of the increase is near 0.2
    const [r] = await query(`histogram_quantile(0.5, increase(stormdrill_nh_rate_seconds{testid="${testid}"}[6s]))`, at);
    expect(Math.abs(Number(r?.value?.[1]) - 0.2) / 0.2).toBeLessThan(0.091);
  });
});
