import { Counter, Registry } from 'prom-client';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { serveMetrics } from '../../../lib/observability/metrics-server.js';
import { pushRegistry, pushSeries, startRemoteWritePush } from '../../../lib/observability/remote-write.js';
import { useTestEnv } from '../../support/env.js';
import { promQuery } from '../../support/prom.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ prometheus: true });

const query = (q: string) => promQuery(env.prometheus.url, q);

describe('remote write into a real Prometheus', () => {
  it('pushes a registry that Prometheus then answers for, labelled with testid', async () => {
    const reg = new Registry();
    const c = new Counter({ name: 'stormdrill_rw_test_total', help: 'h', registers: [reg] });
    c.inc(7);
    const testid = `${env.namespace.runId}-rw`;
    await pushRegistry(env.prometheus.remoteWriteUrl, reg, { labels: { testid } });
    const r = await query(`stormdrill_rw_test_total{testid="${testid}"}`);
    expect(r).toHaveLength(1);
    expect(r[0]?.value?.[1]).toBe('7');
  });

  it('keeps credentials out of error messages and reports a bad endpoint once', async () => {
    const err = await pushSeries('http://user:hunter2@127.0.0.1:1/api/v1/write', [
      { labels: { __name__: 'x' }, samples: [{ value: 1, timestampMs: Date.now() }] },
    ]).catch((e: Error) => e);
    expect(String(err)).toMatch(/remote write to .* failed/);
    expect(String(err)).not.toContain('hunter2');
    const reg = new Registry();
    new Counter({ name: 'y_total', help: 'h', registers: [reg] }).inc();
    const messages: string[] = [];
    const p = startRemoteWritePush({
      url: 'http://127.0.0.1:1/api/v1/write',
      registry: reg,
      intervalMs: 20,
      onError: (m) => messages.push(m),
    });
    // several failed pushes (every 20 ms), however slowly the machine gets to them
    await waitUntil('three failed pushes', async () => p.failures >= 3, 10_000, 10);
    await p.stop();
    expect(p.failures).toBeGreaterThanOrEqual(3);
    expect(messages).toHaveLength(1);
  });

  it('serves /metrics for Prometheus to scrape', async () => {
    const reg = new Registry();
    new Counter({ name: 'z_total', help: 'h', registers: [reg] }).inc(2);
    const srv = await serveMetrics(reg, { port: 0 });
    try {
      const res = await request(srv.url);
      expect(await res.body.text()).toMatch(/z_total 2/);
    } finally {
      await srv.stop();
    }
  });
});
