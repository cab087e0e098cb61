import { describe, expect, it } from 'vitest';
import { parseBenchArgv } from '../../../lib/bench/options.js';
import { prng32 } from '../../../lib/bench/random.js';
import { buildClients, compileRun, planRuns } from '../../../lib/bench/setup.js';
import { Batch, compileCommand, VALUE, weightedPicker } from '../../../lib/bench/template.js';
import { ReplyReader } from '../../../lib/core/resp/index.js';
import { keySlot } from '../../../lib/redis/key-slot.js';

/** Decode the RESP arrays of a batch (commands) with the project's reader. */
function commands(buf: Buffer): string[][] {
  const out: string[][] = [];
  const r = new ReplyReader({ onReply: () => {}, keepValues: true, onValue: (v) => out.push((v as Buffer[]).map((b) => b.toString())) });
  r.feed(buf);
  return out;
}

describe('command templates and batches', () => {
  it('encodes once and overwrites every __rand_int__ in place per batch', () => {
    const cmd = compileCommand(['SET', 'key:__rand_int__', VALUE], { value: Buffer.from('xyz') });
    expect(cmd.fixed).toBe(true);
    const batch = new Batch({ commands: [cmd], weights: [1], pipeline: 3 });
    let k = 0;
    const len = batch.prepare(() => ++k, -1);
    expect(commands(batch.buf.subarray(0, len))).toEqual([
      ['SET', 'key:000000000001', 'xyz'],
      ['SET', 'key:000000000002', 'xyz'],
      ['SET', 'key:000000000003', 'xyz'],
    ]);
    batch.prepare(() => 777, -1);
    expect(commands(batch.buf.subarray(0, len))[2]).toEqual(['SET', 'key:000000000777', 'xyz']);
  });

  it('keeps the literal placeholder without -r', () => {
    const batch = new Batch({ commands: [compileCommand(['GET', 'key:__rand_int__'])], weights: [1], pipeline: 1 });
    const len = batch.prepare(null, -1);
    expect(commands(batch.buf.subarray(0, len))).toEqual([['GET', 'key:__rand_int__']]);
  });

  it('fills {tag} with a hash tag of the chosen slot', () => {
    const batch = new Batch({ commands: [compileCommand(['GET', 'key{tag}:__rand_int__'], { cluster: true })], weights: [1], pipeline: 2 });
    const len = batch.prepare(() => 5, 1234);
    for (const [, key] of commands(batch.buf.subarray(0, len))) expect(keySlot(key as string)).toBe(1234);
  });

  it('varies payload sizes within --data-size-range and mixes commands by weight', () => {
    const set = compileCommand(['SET', 'key:__rand_int__', VALUE]);
    const get = compileCommand(['GET', 'key:__rand_int__']);
    expect(set.fixed).toBe(false);
    const rand = prng32(1);
    const batch = new Batch({
      commands: [set, get],
      weights: [1, 3],
      pipeline: 400,
      values: { data: Buffer.alloc(50, 'v'), min: 10, max: 50, rand },
      pick: weightedPicker([1, 3], prng32(2)),
    });
    const len = batch.prepare(() => 1, -1);
    const cmds = commands(batch.buf.subarray(0, len));
    expect(cmds).toHaveLength(400);
    const sets = cmds.filter((c) => c[0] === 'SET');
    expect(sets.length).toBeGreaterThan(60);
    expect(sets.length).toBeLessThan(140);
    for (const s of sets) expect((s[2] as string).length).toBeGreaterThanOrEqual(10);
    expect(new Set(sets.map((s) => (s[2] as string).length)).size).toBeGreaterThan(10);
    cmds.forEach((c, i) => {
      expect(batch.kinds[i]).toBe(c[0] === 'SET' ? 0 : 1);
    });
  });

  it('builds the commands and key names of the built-in tests', () => {
    const { options } = parseBenchArgv(['-d', '5', '-r', '10', '-t', 'mset,zadd,ping_inline']);
    const runs = planRuns(options);
    expect(runs.map((r) => r.title)).toEqual(['PING_INLINE', 'ZADD', 'MSET (10 keys)']);
    const inline = compileRun(runs[0] as never, options).commands[0]?.parts[0] as { bytes: Buffer };
    expect(inline.bytes.toString()).toBe('PING\r\n');
    const [zadd, mset] = [runs[1], runs[2]].map((r) => {
      const [spec] = buildClients(options, r as never, null, { first: 0, count: 1, thread: 0, threads: 1 });
      const b = spec?.batch as Batch;
      return commands(b.buf.subarray(0, b.prepare(spec?.nextKey ?? null, -1)))[0] as string[];
    }) as [string[], string[]];
    expect(zadd[0]).toBe('ZADD');
    expect(zadd[1]).toBe('myzset');
    expect(zadd[2]).toMatch(/^\d{12}$/);
    expect(zadd[3]).toMatch(/^element:\d{12}$/);
    expect(mset).toHaveLength(21);
    expect(mset.filter((_a, i) => i % 2 === 1).every((k) => /^key:\d{12}$/.test(k))).toBe(true);
    expect(mset[2]).toHaveLength(5);
  });

  it('puts --key-prefix in front of every built-in key name', () => {
    const { options } = parseBenchArgv(['--key-prefix', 'sd:run1:', '-t', 'lrange_100']);
    const runs = planRuns(options);
    expect(runs.map((r) => r.title)).toEqual(['LPUSH (needed to benchmark LRANGE)', 'LRANGE_100 (first 100 elements)']);
    const [spec] = buildClients(options, runs[1] as never, null, { first: 0, count: 1, thread: 0, threads: 1 });
    const b = spec?.batch as Batch;
    expect(commands(b.buf.subarray(0, b.prepare(null, -1)))[0]).toEqual(['LRANGE', 'sd:run1:mylist', '0', '99']);
  });
});
