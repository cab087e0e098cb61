/**
 * verify against ground truth on a real primary and replica: identical data (including
 * big keys of every type) gives no conflict; a replica with K deleted keys, M changed
 * values, T changed types, U changed TTLs and E extra keys gives exactly those counts,
 * in both directions; a writer running during the check causes no false conflict.
 */
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFill, runVerify, startWriter } from '../../../lib/integrity/index.js';
import { redisInfo, waitUntil } from '../../../lib/stack/info.js';
import type { TopoNode } from '../../../lib/topology/types.js';
import { namespace, tmpDir } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { startTestTopology } from '../../support/topology.js';
import { waitMoreAcks } from '../../support/wait.js';

const group = { primary: null as unknown as TopoNode, replica: null as unknown as TopoNode };
let primary: Redis;
let replica: Redis;
const prefix = `${namespace.keyPrefix}`;

async function synced(): Promise<void> {
  await waitUntil(
    'the replica to catch up',
    async () => {
      const p = await redisInfo(group.primary.port, 'replication');
      const r = await redisInfo(group.replica.port, 'replication');
      return p.master_repl_offset === r.slave_repl_offset;
    },
    20_000,
    20,
  );
}

beforeAll(async () => {
  const t = await startTestTopology({ kind: 'replicas', replicas: 1, faultProxies: false });
  group.primary = t.node('primary');
  group.replica = t.node('replica-1');
  primary = redisClient(group.primary.port);
  replica = redisClient(group.replica.port);
  // the test changes the replica behind the primary's back
  await replica.config('SET', 'replica-read-only', 'no');
});

const src = () => ({ port: group.primary.port });
const tgt = () => ({ port: group.replica.port });

function sample<T>(from: T[], n: number): T[] {
  const copy = from.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

describe('verify (primary vs replica)', () => {
  it('finds no conflict while a writer keeps writing during the check (later rounds re-check the conflicts)', async () => {
    await runFill({ runId: namespace.runId, keyPrefix: `${prefix}base:`, keys: 20_000, type: 'mixed', ttlShare: 0.1, connection: src() });
    await synced();
    const writer = await startWriter({
      runId: namespace.runId,
      keyPrefix: `${prefix}live:`,
      ledgerPath: `${tmpDir('l')}/ledger`,
      rate: 4000,
      connection: src(),
    });
    try {
      await waitMoreAcks(writer, 500);
      const r = await runVerify({ source: src(), target: tgt(), rounds: 4, interval: 0.3, batchSize: 200 });
      expect(r.keysCompared).toBeGreaterThanOrEqual(20_000);
      expect(r.conflicts.total).toBe(0);
      expect(r.passed).toBe(true);
    } finally {
      await writer.stop();
    }
    await synced();
    await primary.flushall();
    await synced();
  });

  it('keeps to --qps', async () => {
    await runFill({ runId: namespace.runId, keyPrefix: `${prefix}qps:`, keys: 4000, connection: src() });
    await synced();
    const r = await runVerify({ source: src(), target: tgt(), rounds: 1, qps: 2000, batchSize: 500, bothDirections: false });
    expect(r.keysCompared).toBe(4000);
    expect(r.conflicts.total).toBe(0);
    // 4000 keys at 2000 keys/s per side: about two seconds, never much less
    expect(r.durationSeconds).toBeGreaterThan(1.7);
    await primary.flushall();
    await synced();
  });

  it('reports exactly K missing, M value, T type and U ttl conflicts and E extra keys, in both directions', async () => {
    const n = 3000;
    await runFill({ runId: namespace.runId, keys: n, type: 'mixed', ttlShare: 0.2, elements: 5, connection: src(), seed: 9 });
    // big keys of every type, compared in chunks, and a small stream
    const big = `${prefix}big:`;
    const pipe = primary.pipeline();
    for (let i = 0; i < 3000; i++) {
      pipe.hset(`${big}hash`, `f${i}`, `v${i}`);
      pipe.rpush(`${big}list`, `e${i}`);
      pipe.sadd(`${big}set`, `m${i}`);
      pipe.zadd(`${big}zset`, i, `m${i}`);
      pipe.xadd(`${big}stream`, '*', 'i', String(i));
    }
    pipe.set(`${big}string`, 'x'.repeat(700_000));
    pipe.xadd(`${prefix}small:stream`, '*', 'a', '1', 'b', '2');
    await pipe.exec();
    await synced();
    const total = n + 7;
    const clean = await runVerify({ source: src(), target: tgt(), rounds: 1 });
    expect(clean.keysCompared).toBe(total);
    expect(clean.conflicts.total).toBe(0);
    // equal sizes that hold still: the reverse direction is proven by counting
    expect(clean.reverseCounted).toBe(true);

    const keys = (await primary.keys(`${prefix}fill:*`)).sort();
    const types = await Promise.all(keys.map((k) => primary.type(k)));
    const ttls = await Promise.all(keys.map((k) => primary.pttl(k)));
    const byType = (t: string) => keys.filter((_, i) => types[i] === t);
    const K = 5 + Math.floor(Math.random() * 40);
    const T = 3 + Math.floor(Math.random() * 20);
    const U = 2 + Math.floor(Math.random() * 10);
    const E = 1 + Math.floor(Math.random() * 15);
    const used = new Set<string>();
    const take = (from: string[], count: number) => {
      const out = sample(
        from.filter((k) => !used.has(k)),
        count,
      );
      for (const k of out) used.add(k);
      return out;
    };
    const deleted = take(keys, K);
    const retyped = take(
      keys.filter((_, i) => types[i] !== 'set'),
      T,
    );
    const strings = take(byType('string'), 4);
    const hashes = take(byType('hash'), 3);
    const lists = take(byType('list'), 2);
    const zsets = take(byType('zset'), 2);
    const sets = take(byType('set'), 2);
    const ttlChanged = take(
      keys.filter((_, i) => (ttls[i] as number) < 0),
      U,
    );
    const r = replica.pipeline();
    for (const k of deleted) r.del(k);
    for (const k of retyped) r.del(k).sadd(k, 'now-a-set');
    for (const k of strings) r.set(k, 'changed', 'KEEPTTL');
    for (const k of hashes) r.hset(k, 'f0', 'changed');
    for (const k of lists) r.lset(k, 0, 'changed');
    for (const k of zsets) r.zincrby(k, 1, (await primary.zrange(k, 0, 0))[0] as string);
    for (const k of sets) r.spop(k).sadd(k, 'changed-member');
    for (const k of ttlChanged) r.pexpire(k, 3_600_000);
    r.hset(`${big}hash`, 'f2999', 'changed');
    r.lset(`${big}list`, 2500, 'changed');
    r.zadd(`${big}zset`, 99999, 'm1234');
    r.srem(`${big}set`, 'm7').sadd(`${big}set`, 'm7-changed');
    r.setrange(`${big}string`, 650_000, 'y');
    r.xadd(`${prefix}small:stream`, '*', 'c', '3');
    for (let i = 0; i < E; i++) r.set(`${prefix}extra:${i}`, 'only on the replica');
    await r.exec();
    const M = strings.length + hashes.length + lists.length + zsets.length + sets.length + 6;

    const forward = await runVerify({ source: src(), target: tgt(), rounds: 2, interval: 0.1, samples: 1000 });
    expect(forward.conflicts).toEqual({ missingOnTarget: K, value: M, type: T, ttl: U, missingOnSource: E, total: K + M + T + U + E });
    expect(forward.samples.missingOnTarget.sort()).toEqual(deleted.sort());
    expect(forward.samples.type.sort()).toEqual(retyped.sort());
    expect(forward.samples.ttl.sort()).toEqual(ttlChanged.sort());
    expect(forward.samples.value).toEqual(
      expect.arrayContaining([`${big}hash`, `${big}list`, `${big}zset`, `${big}set`, `${big}string`, ...strings]),
    );
    expect(forward.passed).toBe(false);
    expect(forward.reverseCounted).toBe(false);
    expect(forward.targetKeysScanned).toBe(total - K + E);

    const backward = await runVerify({ source: tgt(), target: src(), rounds: 2, interval: 0.1 });
    expect(backward.conflicts).toEqual({ missingOnTarget: E, value: M, type: T, ttl: U, missingOnSource: K, total: K + M + T + U + E });

    const keysOnly = await runVerify({ source: src(), target: tgt(), rounds: 1, compare: 'keys' });
    expect(keysOnly.conflicts).toEqual({ missingOnTarget: K, value: 0, type: T, ttl: U, missingOnSource: E, total: K + T + U + E });
    const lengths = await runVerify({ source: src(), target: tgt(), rounds: 1, compare: 'length', bothDirections: false });
    // lengths change only for the strings set to 'changed' (the hash/list/set/zset edits keep lengths) and the small stream
    const changedLength = strings.length + 1;
    expect(lengths.conflicts).toEqual({
      missingOnTarget: K,
      value: changedLength,
      type: T,
      ttl: U,
      missingOnSource: 0,
      total: K + changedLength + T + U,
    });
  });
});
