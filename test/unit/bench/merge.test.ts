import { describe, expect, it } from 'vitest';
import { MergeError, mergeBenchDocs } from '../../../lib/bench/merge.js';
import { LatencyHistogram } from '../../../lib/core/stats/index.js';

/** A bench --json document of one instance: `values` µs latencies, run from startMs for seconds. */
function doc(instance: string, values: number[], startMs: number, seconds: number, errors: Record<string, number> = {}) {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return {
    tool: 'stormdrill bench',
    testid: 'run-1',
    instance,
    latencyMeasuredFrom: 'intended send time (coordinated omission corrected)',
    tests: [
      {
        title: 'SET',
        requests: values.length,
        startedAtMs: startMs,
        elapsedSeconds: seconds,
        rps: values.length / seconds,
        latencyMs: h.summaryMs(),
        errors,
        perSecond: [{ second: 0, ops: values.length, errors: 0 }],
        hdrHistogram: h.encode(),
      },
    ],
  };
}

describe('stormdrill merge (pure)', () => {
  it('adds the histograms exactly: the merged p99 is the p99 of all values, not an average of p99s', () => {
    // instance a: 1000 fast values; instance b: 1000 values, 30 of them slow
    const a = Array.from({ length: 1000 }, () => 100);
    const b = [...Array.from({ length: 970 }, () => 100), ...Array.from({ length: 30 }, () => 50_000)];
    const m = mergeBenchDocs([
      { name: 'a.json', doc: doc('a', a, 1_000_000, 2, { ERR: 1 }) },
      { name: 'b.json', doc: doc('b', b, 1_000_500, 2, { ERR: 2, WRONGTYPE: 1 }) },
    ]);
    const t = m.tests[0] as unknown as {
      requests: number;
      rps: number;
      latencyMs: { p99: number; p50: number };
      errors: Record<string, number>;
    };
    expect(t.requests).toBe(2000);
    expect(t.rps).toBe(1000);
    // 30 of 2000 values are slow (1.5 %): the run's p99 is slow; the average of the two p99s would be 25 ms
    const all = new LatencyHistogram();
    for (const v of [...a, ...b]) all.record(v);
    expect(t.latencyMs.p99).toBe(all.summaryMs().p99);
    expect(t.latencyMs.p99).toBeGreaterThan(49);
    expect(t.errors).toEqual({ ERR: 3, WRONGTYPE: 1 });
    expect(m.tests[0]).toMatchObject({ commonWindow: { fromMs: 1_000_500, toMs: 1_002_000 }, elapsedSeconds: 2.5, instances: 2 });
    expect(m.mergedFrom).toEqual([
      { file: 'a.json', instance: 'a' },
      { file: 'b.json', instance: 'b' },
    ]);
  });

  it.each([
    [[doc('a', [1], 0, 1)], /at least two/],
    [[doc('a', [1], 0, 1), { ...doc('b', [1], 0, 1), testid: 'other' }], /b\.json has testid other but a\.json has run-1/],
    [[doc('a', [1], 0, 1), doc('a', [1], 0, 1)], /both instance 'a'/],
    [[doc('a', [1], 0, 1), doc('b', [1], 5000, 1)], /did not run SET at the same time/],
    [[doc('a', [1], 0, 1), { tool: 'x' }], /b\.json is not a `stormdrill bench --json` result/],
  ])('refuses what is not one run: %#', (docs, message) => {
    const named = docs.map((d, i) => ({ name: `${'ab'[i]}.json`, doc: d }));
    expect(() => mergeBenchDocs(named)).toThrow(MergeError);
    expect(() => mergeBenchDocs(named)).toThrow(message);
  });

  it('needs the encoded histograms', () => {
    const b = doc('b', [1], 0, 1);
    delete (b.tests[0] as { hdrHistogram?: string }).hdrHistogram;
    expect(() =>
      mergeBenchDocs([
        { name: 'a.json', doc: doc('a', [1], 0, 1) },
        { name: 'b.json', doc: b },
      ]),
    ).toThrow(/b\.json: test SET has no hdrHistogram/);
  });

  it('merges cluster runs per master (by address) and adds the redirections by kind', () => {
    const hist = (values: number[]) => {
      const h = new LatencyHistogram();
      for (const v of values) h.record(v);
      return h;
    };
    const clusterDoc = (instance: string, slow: number) => {
      const d = doc(instance, [100, 200, slow, 300], 1_000_000, 1);
      const m0 = hist([100, 200]);
      const m1 = hist([slow, 300]);
      const master = (index: number, port: number, h: LatencyHistogram) => ({
        index,
        id: `id${index}`,
        host: '127.0.0.1',
        port,
        requests: h.count,
        elapsedSeconds: 1,
        rps: h.count,
        latencyMs: h.summaryMs(),
        errors: index === 1 ? { OOM: 1 } : {},
        redirections: { MOVED: index + 1, ASK: 1, TRYAGAIN: 0 },
        hdrHistogram: h.encode(),
      });
      Object.assign(d.tests[0] as object, {
        redirections: { MOVED: 3, ASK: 2, TRYAGAIN: 0 },
        masters: [master(0, 7000, m0), master(1, 7001, m1)],
      });
      return d;
    };
    const m = mergeBenchDocs([
      { name: 'a.json', doc: clusterDoc('a', 400) },
      { name: 'b.json', doc: clusterDoc('b', 90_000) },
    ]);
    const t = m.tests[0] as unknown as {
      redirections: Record<string, number>;
      masters: Array<{
        port: number;
        requests: number;
        rps: number;
        errors: Record<string, number>;
        redirections: Record<string, number>;
        latencyMs: { max: number };
      }>;
    };
    expect(t.redirections).toEqual({ MOVED: 6, ASK: 4, TRYAGAIN: 0 });
    expect(t.masters.map((x) => [x.port, x.requests, x.rps])).toEqual([
      [7000, 4, 4],
      [7001, 4, 4],
    ]);
    expect(t.masters[1]?.errors).toEqual({ OOM: 2 });
    expect(t.masters[1]?.redirections).toEqual({ MOVED: 4, ASK: 2, TRYAGAIN: 0 });
    // the hot shard's slow request survives the merge (histograms added, not averaged)
    expect(t.masters[1]?.latencyMs.max).toBe(hist([90_000]).summaryMs().max);
    expect(t.masters[0]?.latencyMs.max).toBe(hist([200]).summaryMs().max);
  });
});
