import { describe, expect, it } from 'vitest';
import { jsonReport, publicConfig } from '../../../lib/bench/json-report.js';
import { parseBenchArgv } from '../../../lib/bench/options.js';
import { fromWire, mergeResults, toWire } from '../../../lib/bench/result.js';
import type { RunResult } from '../../../lib/bench/runner.js';
import { newHistogram } from '../../../lib/bench/setup.js';
import { slotChooser } from '../../../lib/bench/topology.js';
import { PerSecondSeries } from '../../../lib/core/stats/index.js';
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
    kindErrors: [0],
    moved: 1,
    ask: 0,
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
    expect(m.moved).toBe(2);
    expect(m.series.toArray()).toEqual([
      { second: 0, ops: 3, errors: 0 },
      { second: 1, ops: 2, errors: 0 },
    ]);
  });

  it('writes the JSON report without secrets', () => {
    const { options } = parseBenchArgv(['-a', 'hunter2', '-t', 'set', '--prom-rw', 'http://u:pw@127.0.0.1:9090/api/v1/write']);
    expect(publicConfig(options).password).toBe('***');
    const doc = jsonReport(
      options,
      {
        seed: 1,
        topology: null,
        runs: [{ run: { kind: 'test', name: 'set', title: 'SET' }, titles: ['SET'], result: result([100, 200], 0), reports: [] }],
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

  it('parses CLUSTER SLOTS and draws slots only from a master’s ranges', () => {
    const t = parseClusterSlots(
      [
        [0, 5460, [Buffer.from('127.0.0.1'), 7000, Buffer.from('id-a')]],
        [5461, 10922, [Buffer.from(''), 7001, Buffer.from('id-b')]],
        [10923, 16383, [Buffer.from('127.0.0.1'), 7002, Buffer.from('id-c')], [Buffer.from('127.0.0.1'), 7005, Buffer.from('id-r')]],
      ] as never,
      '10.0.0.1',
    );
    expect(t.masters.map((m) => `${m.host}:${m.port}`)).toEqual(['10.0.0.1:7001', '127.0.0.1:7000', '127.0.0.1:7002']);
    const m = {
      host: 'h',
      port: 1,
      slots: [
        [10, 12],
        [100, 100],
      ] as Array<[number, number]>,
    };
    let i = 0;
    const draw = slotChooser(m, () => i++);
    expect(Array.from({ length: 8 }, draw)).toEqual([10, 11, 12, 100, 10, 11, 12, 100]);
  });

  it('reads the node a MOVED or ASK reply points at', () => {
    expect(redirectTarget('MOVED 3999 127.0.0.1:7001', 'x')).toEqual({ host: '127.0.0.1', port: 7001 });
    expect(redirectTarget('ASK 12 :7002', '10.0.0.1')).toEqual({ host: '10.0.0.1', port: 7002 });
    expect(redirectTarget('MOVED 1 [::1]:7003', 'x')).toEqual({ host: '::1', port: 7003 });
    expect(redirectTarget('ERR unknown command', 'x')).toBeNull();
  });
});
