import { describe, expect, it } from 'vitest';
import { ReplyReader, type RespValue, writeUint } from '../../../lib/core/resp/index.js';
import type { GeneratorPlan } from '../../../lib/integrity/fill/generator.js';
import { FillGenerator, hashOf } from '../../../lib/integrity/fill/generator.js';
import { parseMemoryTarget, validateFillOptions } from '../../../lib/integrity/fill/options.js';

const plan = (p: Partial<GeneratorPlan> = {}): GeneratorPlan => ({
  keyPrefix: 'sd:t:',
  type: 'string',
  valueMin: 100,
  valueMax: 100,
  elements: 3,
  ttlShare: 0,
  ttlSeconds: 60,
  seed: 42,
  ...p,
});

/** Generate keys [from, to) (or the listed ones) and decode the RESP commands back. */
function decode(gen: FillGenerator, ns: number[]): string[][] {
  const buf = Buffer.alloc(gen.maxBytesPerKey * ns.length + 64);
  let off = 0;
  for (const n of ns) off = gen.write(buf, off, n);
  const cmds: string[][] = [];
  const r = new ReplyReader({
    keepValues: true,
    onReply: () => {},
    onValue: (v: RespValue) => cmds.push((v as Buffer[]).map((b) => b.toString('latin1'))),
  });
  r.feed(buf.subarray(0, off));
  expect(r.idle).toBe(true);
  return cmds;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('fill generator', () => {
  it('writes valid SET commands with the deterministic values, across digit-count changes', () => {
    const gen = new FillGenerator(plan());
    const ns = range(0, 1200);
    const cmds = decode(gen, ns);
    expect(cmds).toHaveLength(ns.length);
    cmds.forEach((c, i) => {
      expect(c[0]).toBe('SET');
      expect(c[1]).toBe(`sd:t:fill:${i}`);
      expect(c[2]).toHaveLength(100);
      expect(c[2]).toBe(gen.value(i).toString('latin1'));
    });
    // values differ per key and per seed, and are reproducible
    expect(new Set(cmds.map((c) => c[2])).size).toBe(ns.length);
    expect(new FillGenerator(plan()).value(77).equals(gen.value(77))).toBe(true);
    expect(new FillGenerator(plan({ seed: 43 })).value(77).equals(gen.value(77))).toBe(false);
  });

  it('batches keys into MSET with exactly the keys and values of the SETs, across digit-count changes', () => {
    const gen = new FillGenerator(plan());
    expect(gen.msetable).toBe(true);
    expect(new FillGenerator(plan({ ttlShare: 0.1 })).msetable).toBe(false);
    expect(new FillGenerator(plan({ valueMax: 120 })).msetable).toBe(false);
    const buf = Buffer.alloc(gen.maxBytesPerKey * 200);
    let off = 0;
    off = gen.writeMset(buf, off, 90, 20);
    off = gen.writeMset(buf, off, 110, 1);
    const cmds: string[][] = [];
    const r = new ReplyReader({
      keepValues: true,
      onReply: () => {},
      onValue: (v: RespValue) => cmds.push((v as Buffer[]).map((b) => b.toString('latin1'))),
    });
    r.feed(buf.subarray(0, off));
    expect(cmds).toHaveLength(2);
    expect(cmds[0]?.[0]).toBe('MSET');
    expect(cmds[0]).toHaveLength(41);
    const sets = decode(new FillGenerator(plan()), range(90, 111));
    expect([...(cmds[0] as string[]).slice(1), ...(cmds[1] as string[]).slice(1)]).toEqual(sets.flatMap((c) => c.slice(1)));
  });

  it('gives the same bytes in sequence and in random access (the odometer is exact)', () => {
    const ns = [...range(95, 105), 99_998, 99_999, 100_000, 100_001, 7, 1_000_000_000_123, 5, 6];
    const seq = new FillGenerator(plan({ ttlShare: 0.3 }));
    const viaSequence = new Map<number, string>();
    for (const n of ns) {
      seq.write(Buffer.alloc(seq.maxBytesPerKey), 0, n - 1); // put the odometer right behind n
      const one = decode(seq, [n])[0] as string[];
      viaSequence.set(n, one.join(' '));
    }
    const fresh = decode(new FillGenerator(plan({ ttlShare: 0.3 })), ns);
    ns.forEach((n, i) => {
      expect((fresh[i] as string[]).join(' ')).toBe(viaSequence.get(n));
    });
    expect(fresh.map((c) => c[1])).toEqual(ns.map((n) => `sd:t:fill:${n}`));
  });

  it('writes every type, elements, TTLs and size ranges as asked', () => {
    const gen = new FillGenerator(plan({ type: 'mixed', ttlShare: 0.25, valueMin: 10, valueMax: 50, elements: 4 }));
    const cmds = decode(gen, range(0, 4000));
    const byName = new Map<string, number>();
    for (const c of cmds) byName.set(c[0] as string, (byName.get(c[0] as string) ?? 0) + 1);
    for (const name of ['SET', 'HSET', 'RPUSH', 'SADD', 'ZADD']) expect(byName.get(name)).toBeGreaterThan(500);
    const keys = cmds.filter((c) => c[0] !== 'PEXPIRE').length;
    expect(keys).toBe(4000);
    const withTtl = cmds.filter((c) => c[0] === 'PEXPIRE' || (c[0] === 'SET' && c[3] === 'PX')).length;
    expect(withTtl / 4000).toBeGreaterThan(0.2);
    expect(withTtl / 4000).toBeLessThan(0.3);
    const hset = cmds.find((c) => c[0] === 'HSET') as string[];
    expect(hset).toHaveLength(2 + 8);
    expect(hset[2]).toBe('f0');
    const sadd = cmds.find((c) => c[0] === 'SADD') as string[];
    expect(new Set(sadd.slice(2)).size).toBe(4);
    const sizes = cmds.filter((c) => c[0] === 'SET').map((c) => (c[2] as string).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(new Set(sizes).size).toBeGreaterThan(20);
  });

  it('writes integers and hashes deterministically', () => {
    const b = Buffer.alloc(32);
    for (const n of [0, 9, 10, 99, 12345, 2 ** 40 + 3]) expect(b.toString('latin1', 0, writeUint(b, 0, n))).toBe(String(n));
    expect(hashOf(1, 5, 0)).toBe(hashOf(1, 5, 0));
    expect(hashOf(1, 5, 0)).not.toBe(hashOf(2, 5, 0));
    expect(hashOf(1, 2 ** 33, 0)).not.toBe(hashOf(1, 0, 0));
  });
});

describe('fill options', () => {
  it('parses memory targets', () => {
    expect(parseMemoryTarget('80%')).toEqual({ percent: 80 });
    expect(parseMemoryTarget('2GiB')).toEqual({ bytes: 2 * 1024 ** 3 });
    expect(parseMemoryTarget('500mb')).toEqual({ bytes: 500e6 });
    expect(parseMemoryTarget('12 potatoes')).toBeNull();
  });

  it('rejects bad input with every problem at once', () => {
    const p = validateFillOptions({ runId: 'ok', untilMemory: '150%', valueSize: 0, type: 'blob' as never, ttlShare: 2 });
    expect(p.join('\n')).toMatch(/--until-memory 150% is not a share of maxmemory/);
    expect(p.join('\n')).toMatch(/--value-size must be/);
    expect(p.join('\n')).toMatch(/--type must be one of/);
    expect(p.join('\n')).toMatch(/--ttl-share/);
    expect(validateFillOptions({ runId: 'ok' })).toEqual(['give --keys N or --until-memory 80% (or a size like 2GiB)']);
    expect(validateFillOptions({ runId: 'ok', keys: 10 })).toEqual([]);
  });
});
