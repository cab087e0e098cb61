/**
 * Labelled counters whose label values are known exist at 0 from the start, so a clean run
 * shows 0 on the dashboards ("No data" otherwise) and the first increment counts in
 * rate()/increase().
 */
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BenchMetrics } from '../../../lib/bench/metrics.js';
import { METRICS } from '../../../lib/core/metric-names.js';
import { createDemoMetrics } from '../../../lib/demo-service/metrics.js';
import { ERROR_STATUS } from '../../../lib/demo-service/model.js';
import { routeLabels } from '../../../lib/demo-service/router.js';
import { FillMetrics, WriteMetrics } from '../../../lib/integrity/metrics.js';
import { MirrorMetrics } from '../../../lib/mirror/metrics.js';

/** The label sets of a metric's series and their values. */
async function series(registry: Registry, name: string): Promise<Array<{ labels: Record<string, string | number>; value: number }>> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name) as
    | { values: Array<{ labels: Record<string, string | number>; value: number }> }
    | undefined;
  return m?.values ?? [];
}

describe('counters with known label values start at 0', () => {
  it('the demo service: every error kind on every route', async () => {
    const m = createDemoMetrics('t0');
    const errors = await series(m.registry, METRICS.demo.errors);
    expect(errors).toHaveLength(Object.keys(ERROR_STATUS).length * routeLabels().length);
    expect(errors.every((s) => s.value === 0)).toBe(true);
    expect(errors.map((s) => `${s.labels.kind} ${s.labels.route}`)).toContain('not_found unmatched');
    expect(errors.map((s) => `${s.labels.kind} ${s.labels.route}`)).toContain('redis_unavailable /reservations');
  });

  it('the continuous writer: outcomes, and unavailability windows and seconds for writes and reads', async () => {
    const m = new WriteMetrics('t1');
    const zero = async (name: string): Promise<Array<Record<string, string | number>>> =>
      (await series(m.registry, name)).map((s) => ({ ...s.labels, value: s.value }));
    expect(await zero(METRICS.write.windows)).toEqual([
      { testid: 't1', op: 'write', value: 0 },
      { testid: 't1', op: 'read', value: 0 },
    ]);
    expect(await zero(METRICS.write.windowSeconds)).toEqual([
      { testid: 't1', op: 'write', value: 0 },
      { testid: 't1', op: 'read', value: 0 },
    ]);
    expect((await zero(METRICS.write.ops)).map((s) => `${s.outcome}=${s.value}`)).toEqual(['acked=0', 'failed=0', 'unknown=0']);
    m.windowClosed('write', 1500);
    expect((await zero(METRICS.write.windowSeconds)).map((s) => `${s.op}=${s.value}`)).toEqual(['write=1.5', 'read=0']);
  });

  it('fill: keys and bytes', async () => {
    const m = new FillMetrics('t2');
    expect((await series(m.registry, METRICS.fill.keys)).map((s) => s.value)).toEqual([0]);
    expect((await series(m.registry, METRICS.fill.bytes)).map((s) => s.value)).toEqual([0]);
  });

  it('bench: a test’s requests from the moment it starts', async () => {
    const m = new BenchMetrics('t3');
    m.onRunStart({ kind: 'test', name: 'set', title: 'SET' });
    expect(await series(m.registry, METRICS.bench.requests)).toEqual([{ labels: { testid: 't3', test: 'SET' }, value: 0 }]);
  });

  it('mirror: every comparison outcome and dropped copies of a route once the route is seen', async () => {
    const m = new MirrorMetrics('t4');
    expect(await series(m.registry, METRICS.mirror.compared)).toEqual([]);
    m.primary('GET /items', 200, 900);
    const compared = await series(m.registry, METRICS.mirror.compared);
    expect(compared.map((s) => `${s.labels.route} ${s.labels.outcome}=${s.value}`)).toEqual([
      'GET /items match=0',
      'GET /items status=0',
      'GET /items body=0',
      'GET /items mirror-error=0',
      'GET /items mirror-timeout=0',
    ]);
    expect(await series(m.registry, METRICS.mirror.dropped)).toEqual([{ labels: { testid: 't4', route: 'GET /items' }, value: 0 }]);
  });
});
