import { describe, expect, it } from 'vitest';
import { tagSlot } from '../../../lib/bench/cluster-router.js';
import { benchExitCode, jsonReport, publicConfig } from '../../../lib/bench/json-report.js';
import { parseBenchArgv } from '../../../lib/bench/options.js';
import { formatRedirections, redirectKind } from '../../../lib/bench/redirections.js';
import { fromWire, mergeResults, toWire } from '../../../lib/bench/result.js';
import type { RunResult } from '../../../lib/bench/runner.js';
import { newHistogram, requestShares, threadPlans } from '../../../lib/bench/setup.js';
import { LatencyHistogram, PerSecondSeries } from '../../../lib/core/stats/index.js';
import { parseClusterSlots, redirectTarget } from '../../../lib/redis/index.js';

function result(values: number[], startMs: number, errors: Record<string, number> = {}): RunResult {
  const h = newHistogram(3);
  for (const v of values) h.record(v);
  const series = new PerSecondSeries(startMs);
  series.add(startMs + 10, values.length, 0);
  return {
    finished: values.length,
    elapsedMs: values.length,
    histogram: h,
    kindHistograms: [],
    kindFinished: [values.length],
    errors,
    errorMessages: Object.fromEntries(Object.keys(errors).map((k) => [k, `${k} first message at ${startMs}`])),
    kindErrors: [0],
    redirections: { MOVED: 1, ASK: 2, TRYAGAIN: 0 },
    series,
    reconnects: 0,
  };
}

describe('results', () => {
  it('merges thread results (histograms, counts, errors, series) and survives the wire', () => {
    const a = fromWire(toWire(result([100, 200, 300], 1_000_000, { OOM: 2 })));
    const b = fromWire(toWire(result([400, 500], 1_001_000, { OOM: 1, ERR: 1 })));
    const m = mergeResults([a, b], () => newHistogram(3));
    expect(m.finished).toBe(5);
    expect(m.elapsedMs).toBe(3);
    expect(m.histogram.count).toBe(5);
    expect(m.histogram.max).toBeGreaterThanOrEqual(500);
    expect(m.errors).toEqual({ OOM: 3, ERR: 1 });
    expect(m.redirections).toEqual({ MOVED: 2, ASK: 4, TRYAGAIN: 0 });
    expect(m.errorMessages).toEqual({ OOM: 'OOM first message at 1000000', ERR: 'ERR first message at 1001000' });
    expect(m.series.toArray()).toEqual([
      { second: 0, ops: 3, errors: 0 },
      { second: 1, ops: 2, errors: 0 },
    ]);
  });

  it('merges a thread whose slowest request fell in the top sub-bucket of its histogram (a 4.19 s wait on a paused master)', () => {
    // the largest value in the last counts slot: hdr-histogram-js rounds its max up past the array
    for (const slowUs of [4_193_000, 4_194_303]) {
      const paused = newHistogram(3);
      paused.recordN(slowUs, 1);
      const busy = newHistogram(3);
      busy.recordN(300, 2999);
      for (const parts of [
        [paused, busy],
        [busy, paused],
      ]) {
        const m = newHistogram(3);
        for (const h of parts) m.merge(LatencyHistogram.decode(h.encode()));
        expect(m.count).toBe(3000);
        expect(m.max).toBeGreaterThanOrEqual(slowUs);
        expect(m.mean).toBeCloseTo((slowUs + 300 * 2999) / 3000, -3);
        expect([...m.buckets()].reduce((a, [, c]) => a + c, 0)).toBe(3000);
      }
    }
  });

  it('writes the JSON report without secrets', () => {
    const { options } = parseBenchArgv(['-a', 'hunter2', '-t', 'set', '--prom-rw', 'http://u:pw@127.0.0.1:9090/api/v1/write']);
    expect(publicConfig(options).password).toBe('***');
    const doc = jsonReport(
      options,
      {
        seed: 1,
        topology: null,
        runs: [
          {
            run: { kind: 'test', name: 'set', title: 'SET' },
            titles: ['SET'],
            result: result([100, 200], 0),
            reports: [],
            interrupted: false,
          },
        ],
        errors: 0,
        interrupted: false,
      },
      { testid: 't', startedAt: 'a', finishedAt: 'b' },
    );
    const text = JSON.stringify(doc);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(':pw@');
    expect((doc as { tests: Array<{ rps: number; requests: number }> }).tests[0]).toMatchObject({ requests: 2, rps: 1000 });
  });

  it('parses CLUSTER SLOTS (masters with their ids) and keeps one hash-tag slot per master', () => {
    const t = parseClusterSlots(
      [
        [0, 5460, [Buffer.from('127.0.0.1'), 7000, Buffer.from('id-a')]],
        [5461, 10922, [Buffer.from(''), 7001, Buffer.from('id-b')]],
        [10923, 16383, [Buffer.from('127.0.0.1'), 7002, Buffer.from('id-c')], [Buffer.from('127.0.0.1'), 7005, Buffer.from('id-r')]],
      ] as never,
      '10.0.0.1',
    );
    expect(t.masters.map((m) => `${m.id} ${m.host}:${m.port}`)).toEqual([
      'id-b 10.0.0.1:7001',
      'id-a 127.0.0.1:7000',
      'id-c 127.0.0.1:7002',
    ]);
    const slots: Array<[number, number]> = [
      [10, 12],
      [100, 100],
    ];
    expect(tagSlot({ slots })).toBe(10); // the first slot, as redis-benchmark picks it
    expect(tagSlot({ slots }, 100)).toBe(100); // kept while the master owns it
    expect(tagSlot({ slots }, 13)).toBe(10); // moved away: back to the first owned slot
    expect(tagSlot({ slots: [] }, 13)).toBe(-1);
  });

  it('reads the node a MOVED or ASK reply points at, and which redirection a reply is', () => {
    expect(redirectTarget('MOVED 3999 127.0.0.1:7001', 'x')).toEqual({ host: '127.0.0.1', port: 7001 });
    expect(redirectTarget('ASK 12 :7002', '10.0.0.1')).toEqual({ host: '10.0.0.1', port: 7002 });
    expect(redirectTarget('MOVED 1 [::1]:7003', 'x')).toEqual({ host: '::1', port: 7003 });
    expect(redirectTarget('ERR unknown command', 'x')).toBeNull();
    expect(
      ['MOVED 1 h:1', 'ASK 1 h:1', 'TRYAGAIN Multiple keys request during rehashing of slot', 'ERR x', 'MOVEDX'].map(redirectKind),
    ).toEqual(['MOVED', 'ASK', 'TRYAGAIN', null, null]);
    expect(formatRedirections({ MOVED: 3, ASK: 1, TRYAGAIN: 0 })).toBe('MOVED=3 ASK=1');
    expect(formatRedirections({ MOVED: 3, ASK: 1, TRYAGAIN: 2 })).toBe('MOVED=3 ASK=1 TRYAGAIN=2');
  });

  it('plans one thread per master at least in cluster mode, more with --threads, the clients shared out', () => {
    const plans = threadPlans({ clients: 50, threads: 0 }, 3);
    expect(plans.map((p) => [p.master, p.first, p.count])).toEqual([
      [0, 0, 17],
      [1, 17, 17],
      [2, 34, 16],
    ]);
    const six = threadPlans({ clients: 12, threads: 6 }, 3);
    expect(six.map((p) => [p.master, p.first, p.count])).toEqual([
      [0, 0, 2],
      [1, 2, 2],
      [2, 4, 2],
      [0, 6, 2],
      [1, 8, 2],
      [2, 10, 2],
    ]);
    // fewer clients than masters: threads without a client are dropped
    expect(threadPlans({ clients: 2, threads: 0 }, 3).map((p) => [p.master, p.count])).toEqual([
      [0, 1],
      [1, 1],
    ]);
    // no cluster: --threads as given, at most one per client
    expect(threadPlans({ clients: 3, threads: 8 }, 0).map((p) => [p.master, p.count])).toEqual([
      [undefined, 1],
      [undefined, 1],
      [undefined, 1],
    ]);
  });

  it('exits 1 when any request failed unless --allow-errors, 130 when interrupted', () => {
    expect(benchExitCode({ errors: 0, interrupted: false }, { allowErrors: false })).toBe(0);
    expect(benchExitCode({ errors: 3, interrupted: false }, { allowErrors: false })).toBe(1);
    expect(benchExitCode({ errors: 3, interrupted: false }, { allowErrors: true })).toBe(0);
    expect(benchExitCode({ errors: 0, interrupted: true }, { allowErrors: false })).toBe(130);
  });
});

describe('requestShares', () => {
  const o = { requests: 3001 };
  it('one counter for -n, also in cluster mode', () => {
    expect(requestShares(o, { kind: 'test', name: 'set', title: 'SET' }, 3)).toEqual([3001]);
    expect(requestShares(o, { kind: 'test', name: 'lrange_prefill', title: 'LPUSH (needed to benchmark LRANGE)' }, 0)).toEqual([3001]);
  });

  it('the LRANGE pre-fill in cluster mode: one even share per master', () => {
    expect(requestShares(o, { kind: 'test', name: 'lrange_prefill', title: 'LPUSH (needed to benchmark LRANGE)' }, 3)).toEqual([
      1001, 1000, 1000,
    ]);
  });
});
