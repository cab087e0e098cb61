import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, parseQuiet, parseReport } from '../../../lib/bench/format.js';
import { requireBinary } from '../../../lib/stack/binaries.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';
import { bench } from './helpers.js';

const env = useTestEnv({
  redis: true,
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
});
let client: Redis;

beforeAll(async () => {
  client = redisClient(env.redis.port);
  await client.connect();
});

const p = () => ['-p', String(env.redis.port)];

describe('stormdrill bench against a real redis-server', () => {
  it('SET with -r 1000 touches at most 1000 keys, named and sized like redis-benchmark', async () => {
    await client.flushall();
    const { outcome } = await bench([...p(), '-t', 'set', '-n', '20000', '-r', '1000', '-d', '42', '-q']);
    expect(outcome.runs[0]?.result.finished).toBe(20000);
    const keys = await client.keys('*');
    expect(keys.length).toBeGreaterThan(900);
    expect(keys.length).toBeLessThanOrEqual(1000);
    for (const k of keys) expect(k).toMatch(/^key:0000000\d{5}$/);
    expect(Math.max(...keys.map((k) => Number(k.slice(4))))).toBeLessThan(1000);
    expect(await client.strlen(keys[0] as string)).toBe(42);
  });

  it('without -r every request uses the one literal key', async () => {
    await client.flushall();
    await bench([...p(), '-t', 'set,incr', '-n', '3000', '-q']);
    expect((await client.keys('*')).sort()).toEqual(['counter:__rand_int__', 'key:__rand_int__']);
    expect(await client.get('counter:__rand_int__')).toBe('3000');
  });

  it('MSET writes 10 keys per request; LRANGE pre-fills mylist; types match the tests', async () => {
    await client.flushall();
    await bench([...p(), '-t', 'mset', '-n', '300', '-r', '1000000000', '-q']);
    const msetKeys = await client.dbsize();
    expect(msetKeys).toBeGreaterThan(2990);
    expect(msetKeys).toBeLessThanOrEqual(3000);
    await client.flushall();
    const { out } = await bench([...p(), '-t', 'lrange_100,sadd,hset,zadd,xadd', '-n', '2000', '-r', '100', '-q']);
    expect(parseQuiet(out).map((r) => r.title)).toEqual([
      'SADD',
      'HSET',
      'ZADD',
      'LPUSH (needed to benchmark LRANGE)',
      'LRANGE_100 (first 100 elements)',
      'XADD',
    ]);
    expect(await client.llen('mylist')).toBe(2000);
    expect(await client.type('myset')).toBe('set');
    expect(await client.scard('myset')).toBeLessThanOrEqual(100);
    expect(await client.type('myhash')).toBe('hash');
    expect(await client.type('myzset')).toBe('zset');
    expect(await client.xlen('mystream')).toBe(2000);
  });

  it('keeps every key under --key-prefix', async () => {
    await client.flushall();
    const prefix = env.namespace.keyPrefix;
    await bench([...p(), '-t', 'set,lpush,sadd', '-n', '500', '-r', '50', '--key-prefix', prefix, '-q']);
    const keys = await client.keys('*');
    expect(keys.length).toBeGreaterThan(2);
    for (const k of keys) expect(k.startsWith(prefix)).toBe(true);
  });

  it('runs a custom command with __rand_int__ substituted', async () => {
    await client.flushall();
    const { out } = await bench([...p(), '-n', '1000', '-r', '10', '-q', 'sadd', 'custom', '__rand_int__']);
    expect(parseQuiet(out)[0]?.title).toBe('sadd custom __rand_int__');
    const members = await client.smembers('custom');
    expect(members.length).toBe(10);
    for (const m of members) expect(m).toMatch(/^\d{12}$/);
  });

  it('pipelines (-P), merges worker threads (--threads) and reconnects (-k 0) with exact counts', async () => {
    await client.flushall();
    const a = await bench([...p(), '-t', 'incr', '-n', '16000', '-P', '16', '-q']);
    expect(a.outcome.runs[0]?.result.finished).toBe(16000);
    expect(a.outcome.runs[0]?.result.histogram.count).toBe(16000);
    const b = await bench([...p(), '-t', 'incr', '-n', '10000', '-c', '4', '--threads', '2', '-q']);
    expect(b.outcome.runs[0]?.result.histogram.count).toBe(10000);
    const c = await bench([...p(), '-t', 'incr', '-n', '300', '-c', '3', '-k', '0', '-q']);
    expect(c.outcome.runs[0]?.result.reconnects).toBeGreaterThanOrEqual(290);
    expect(await client.get('counter:__rand_int__')).toBe('26300');
  });

  it('runs for --duration after --warmup, and holds --rate with corrected latency', async () => {
    const d = await bench([...p(), '-t', 'get', '--duration', '1', '--warmup', '0.3', '-c', '4', '-q']);
    const r = d.outcome.runs[0]?.result;
    // the run lasts the duration; a busy machine may add to the end, never take from it
    expect(r?.elapsedMs).toBeGreaterThan(950);
    expect(r?.elapsedMs).toBeLessThan(4000);
    expect(r?.series.toArray().reduce((s, b) => s + b.ops, 0)).toBe(r?.finished);
    const rate = await bench([...p(), '-t', 'get', '--duration', '2', '--rate', '2000', '-c', '4']);
    const rr = rate.outcome.runs[0]?.result;
    const achieved = (rr?.finished ?? 0) / ((rr?.elapsedMs ?? 1) / 1000);
    // never faster than the rate; slower only when the machine cannot keep up (the open model
    // then counts the requests that were due, so nothing is hidden)
    expect(achieved).toBeLessThan(2300);
    expect(achieved).toBeGreaterThan(0);
    expect(rate.out).toContain('coordinated omission corrected');
  });

  it('reports a mix per command and in total', async () => {
    await client.flushall();
    const { out, outcome } = await bench([...p(), '--mix', 'set=1,get=3', '-n', '8000', '-r', '100', '--seed', '7', '-q']);
    const lines = parseQuiet(out);
    expect(lines.map((l) => l.title)).toEqual(['SET', 'GET', 'MIX set=1,get=3']);
    const r = outcome.runs[0]?.result;
    expect(r?.kindFinished.reduce((a, b) => a + b, 0)).toBe(8000);
    expect((r?.kindFinished[1] ?? 0) / 8000).toBeGreaterThan(0.7);
    expect((r?.kindFinished[1] ?? 0) / 8000).toBeLessThan(0.8);
  });

  describe('output parity with redis-benchmark on the same server', () => {
    const rb = (args: string[]) =>
      execa(requireBinary('redis-benchmark'), [...p(), ...args], { all: true, reject: false, timeout: 60_000 });
    const cli = (args: string[]) => stormdrill(['bench', ...args]);
    const args = ['-t', 'ping,set,get,lrange_100,mset', '-n', '5000', '-r', '1000', '-d', '16'];

    it('-q', async () => {
      const [theirs, ours] = [await rb([...args, '-q']), await cli([...p(), ...args, '-q'])];
      expect(theirs.exitCode, theirs.all).toBe(0);
      expect(ours.exitCode, ours.all).toBe(0);
      const a = parseQuiet(theirs.all);
      const b = parseQuiet(ours.all);
      expect(b.map((r) => r.title)).toEqual(a.map((r) => r.title));
      expect(a.length).toBe(7);
      for (const r of b) expect(r.rps).toBeGreaterThan(0);
    });

    it('--csv', async () => {
      const [theirs, ours] = [await rb([...args, '--csv']), await cli([...p(), ...args, '--csv'])];
      const header = (t: string) => t.split('\n').find((l) => l.startsWith('"test"'));
      expect(header(ours.all)).toBe(header(theirs.all));
      const a = parseCsv(theirs.all);
      const b = parseCsv(ours.all);
      expect(b.map((r) => r.title)).toEqual(a.map((r) => r.title));
      for (const r of b) expect(Object.keys(r).sort()).toEqual(Object.keys(a[0] as object).sort());
      for (const r of b) expect(r.min).toBeLessThanOrEqual(r.p50 as number);
    });

    it('default report', async () => {
      const [theirs, ours] = [await rb(args), await cli([...p(), ...args])];
      const a = parseReport(theirs.all.replace(/\r[^\n]*\r/g, ''));
      const b = parseReport(ours.all);
      expect(b.map((r) => r.title)).toEqual(a.map((r) => r.title));
      expect(b.map((r) => r.requests)).toEqual(a.map((r) => r.requests));
      const section = (t: string) =>
        t
          .split('\n')
          .map((l) => l.replace(/\d+(\.\d+)?/g, 'N').trimEnd())
          .filter((l) => /^( {2}\S|Latency by|Cumulative distribution|Summary|====== )/.test(l));
      expect(section(ours.all).slice(0, 12)).toEqual(section(theirs.all.replace(/\r[^\n]*\r/g, '\n')).slice(0, 12));
    });
  });
});

describe('more redis-benchmark modes', () => {
  const p = () => ['-p', String(env.redis.port)];

  it('-x reads the last argument from stdin; the title is the command as given', async () => {
    await client.flushall();
    const { out } = await bench([...p(), '-n', '100', '-q', '-x', 'set', 'fromstdin'], { stdin: 'a value\n' });
    expect(parseQuiet(out)[0]?.title).toBe('set fromstdin');
    expect(await client.get('fromstdin')).toBe('a value\n');
  });

  it('-3 (RESP3) and --enable-tracking run the tests', async () => {
    const a = await bench([...p(), '-3', '-t', 'set,get,lrange_100', '-n', '2000', '-q']);
    expect(a.outcome.runs.map((r) => r.result.errors)).toEqual([{}, {}, {}, {}]);
    const b = await bench([...p(), '--enable-tracking', '-t', 'get', '-n', '2000', '-q']);
    expect(b.outcome.runs[0]?.result.finished).toBe(2000);
  });

  it('--seed makes the keys and values repeatable', async () => {
    const snapshot = async () => {
      await client.flushall();
      await bench([...p(), '-t', 'set', '-n', '300', '-r', '100000', '-d', '20', '--seed', '42', '-q']);
      const keys = (await client.keys('*')).sort();
      return { keys, value: await client.get(keys[0] as string) };
    };
    const a = await snapshot();
    const b = await snapshot();
    expect(a.keys.length).toBeGreaterThan(250);
    expect(b).toEqual(a);
  });

  it('--data-size-range varies the payload per request within the range', async () => {
    await client.flushall();
    await bench([...p(), '-t', 'set', '--data-size-range', '10-50', '-r', '1000000000', '-n', '400', '-q']);
    const keys = await client.keys('*');
    const sizes = await Promise.all(keys.map((k) => client.strlen(k)));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(new Set(sizes).size).toBeGreaterThan(20);
  });

  it('shows the live line only on a TTY', async () => {
    const tty = await bench([...p(), '-t', 'get', '--duration', '0.8', '-c', '2'], { isTTY: true });
    expect(tty.out).toMatch(/\rGET: rps=[\d.]+ \(overall: [\d.]+\) avg_msec=[\d.]+ \(overall: [\d.]+\)/);
    const plain = await bench([...p(), '-t', 'get', '--duration', '0.8', '-c', '2']);
    expect(plain.out).not.toContain('rps=');
  });

  it('-I opens idle connections until --duration (or Ctrl-C)', async () => {
    const before = Number(/connected_clients:(\d+)/.exec(await client.info('clients'))?.[1]);
    const run = bench([...p(), '-I', '-c', '7', '--duration', '3']);
    // the seven connections are open while the run lasts
    await waitUntil(
      'seven idle connections',
      async () => Number(/connected_clients:(\d+)/.exec(await client.info('clients'))?.[1]) - before === 7,
      3000,
      50,
    );
    const { out } = await run;
    expect(out).toContain('Creating 7 idle connections');
  });

  it('-l loops until interrupted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 1200);
    const { outcome } = await bench([...p(), '-l', '-t', 'ping_mbulk', '-n', '2000', '-q'], { signal: abort.signal });
    expect(outcome.runs.length).toBeGreaterThan(1);
    expect(outcome.interrupted).toBe(true);
  });
});
