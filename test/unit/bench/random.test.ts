import { describe, expect, it } from 'vitest';
import { benchmarkData, keyGenerator, writeDigits12 } from '../../../lib/bench/random.js';

const draw = (g: () => number, n: number) => Array.from({ length: n }, g);

describe('keys and values', () => {
  it('writes 12 zero-padded digits in place', () => {
    const b = Buffer.from('key:__rand_int__');
    writeDigits12(b, 4, 42);
    expect(b.toString()).toBe('key:000000000042');
    writeDigits12(b, 4, 999999999999);
    expect(b.toString()).toBe('key:999999999999');
    for (const n of [0, 7, 99, 100, 999999, 1000000, 123456789012, 2 ** 31, 2 ** 32 + 5, 987654321]) {
      writeDigits12(b, 4, n);
      expect(b.toString()).toBe(`key:${String(n).padStart(12, '0')}`);
    }
  });

  it('is deterministic from the seed and stays in the keyspace', () => {
    for (const dist of [{ kind: 'uniform' }, { kind: 'zipf', s: 0.99 }, { kind: 'gaussian' }, { kind: 'sequential' }] as const) {
      const a = draw(keyGenerator(dist, 1000, 7), 2000);
      const b = draw(keyGenerator(dist, 1000, 7), 2000);
      expect(a).toEqual(b);
      expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...a)).toBeLessThan(1000);
    }
    expect(draw(keyGenerator({ kind: 'uniform' }, 1000, 7), 50)).not.toEqual(draw(keyGenerator({ kind: 'uniform' }, 1000, 8), 50));
  });

  it('sequential counts up and wraps; uniform covers the keyspace evenly', () => {
    expect(draw(keyGenerator({ kind: 'sequential' }, 3, 1, 1), 5)).toEqual([1, 2, 0, 1, 2]);
    const counts = new Array(10).fill(0);
    for (const k of draw(keyGenerator({ kind: 'uniform' }, 10, 3), 100000)) counts[k]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(600);
  });

  it('zipf makes the first keys hot; gaussian centres on its mean', () => {
    const z = draw(keyGenerator({ kind: 'zipf', s: 1.1 }, 100000, 5), 50000);
    const hot = z.filter((k) => k < 100).length / z.length;
    expect(hot).toBeGreaterThan(0.3);
    const g = draw(keyGenerator({ kind: 'gaussian', mean: 500, stddev: 20 }, 1000, 5), 20000);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    expect(Math.abs(mean - 500)).toBeLessThan(2);
    expect(g.filter((k) => Math.abs(k - 500) <= 40).length / g.length).toBeGreaterThan(0.93);
  });

  it("makes redis-benchmark's payload bytes and seeded variants", () => {
    const d = benchmarkData(64);
    expect(d).toHaveLength(64);
    for (const byte of d) expect(byte >= 48 && byte < 48 + 64).toBe(true);
    expect(benchmarkData(64)).toEqual(d);
    expect(benchmarkData(64, 9)).not.toEqual(d);
  });
});
