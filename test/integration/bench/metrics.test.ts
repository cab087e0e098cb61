import { describe, expect, it } from 'vitest';
import { METRICS } from '../../../lib/core/metric-names.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { promQuery } from '../../support/prom.js';
import { waitForValue } from '../../support/wait.js';

const env = useTestEnv({
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
  redis: true,
  prometheus: true,
});

const query = (q: string) => promQuery(env.prometheus.url, q);
const cli = (args: string[]) => stormdrill(['bench', ...args]);

describe('bench metrics via Prometheus remote write', () => {
  it('pushes requests, errors and the duration histogram, every series labelled with testid', async () => {
    const testid = `${env.namespace.runId}-rw`;
    const r = await cli([
      '-p',
      String(env.redis.port),
      '-t',
      'set,get',
      '-n',
      '30000',
      '-r',
      '1000',
      '-q',
      '--prom-rw',
      env.prometheus.remoteWriteUrl,
      '--testid',
      testid,
    ]);
    expect(r.exitCode, r.all).toBe(0);
    const requests = await waitForValue(
      'both tests in Prometheus',
      () => query(`${METRICS.bench.requests}{testid="${testid}"}`),
      (x) => x.length === 2,
      10_000,
      200,
    );
    const byTest = Object.fromEntries(requests.map((s) => [s.metric.test, Number(s.value?.[1])]));
    expect(byTest).toEqual({ SET: 30000, GET: 30000 });
    const count = await query(`${METRICS.bench.duration}_count{testid="${testid}",test="SET"}`);
    expect(Number(count[0]?.value?.[1])).toBe(30000);
    const inf = await query(`${METRICS.bench.duration}_bucket{testid="${testid}",test="GET",le="+Inf"}`);
    expect(Number(inf[0]?.value?.[1])).toBe(30000);
    const p99 = await query(`histogram_quantile(0.99, ${METRICS.bench.duration}_bucket{testid="${testid}",test="GET"})`);
    expect(Number(p99[0]?.value?.[1])).toBeGreaterThan(0);
    expect(Number(p99[0]?.value?.[1])).toBeLessThan(1);
  });

  it('counts error replies by kind', async () => {
    const testid = `${env.namespace.runId}-err`;
    const port = String(env.redis.port);
    expect((await cli(['-p', port, '-t', 'set', '-n', '10', '-q'])).exitCode).toBe(0);
    const r = await cli([
      '-p',
      port,
      '-n',
      '500',
      '-q',
      '--prom-rw',
      env.prometheus.remoteWriteUrl,
      '--testid',
      testid,
      '--allow-errors',
      'lpush',
      'key:__rand_int__',
      'v',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/^Error from server: WRONGTYPE/m);
    const errors = await waitForValue(
      'the error series in Prometheus',
      () => query(`${METRICS.bench.errors}{testid="${testid}"}`),
      (x) => x.length > 0,
      10_000,
      200,
    );
    expect(errors.map((e) => [e.metric.kind, e.metric.test, Number(e.value?.[1])])).toEqual([
      ['WRONGTYPE', 'lpush key:__rand_int__ v', 500],
    ]);
  });
});
