import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, parseQuiet } from '../../../lib/bench/format.js';
import { findBinary } from '../../../lib/stack/index.js';
import type { Topology } from '../../../lib/topology/types.js';
import { stormdrill } from '../../support/cli.js';
import { tmpDir } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { startTestTopology } from '../../support/topology.js';
import { bench } from './helpers.js';

const REDIS_BENCHMARK = findBinary('redis-benchmark') as string;
/** `stormdrill bench <args>` as a process: exit code and both streams. */
const cli = async (args: string[], timeoutMs = 60_000) => {
  const r = await stormdrill(['bench', ...args], { timeoutMs });
  return { code: r.exitCode, text: r.all };
};

let cluster: Topology;
let clients: Redis[];

beforeAll(async () => {
  cluster = await startTestTopology({ kind: 'cluster', masters: 3, replicasPerMaster: 0, faultProxies: false });
  clients = cluster.nodes.map((n) => redisClient(n.port));
  await Promise.all(clients.map((c) => c.connect()));
});

/**
 * Move empty slots the way redis-cli --cluster reshard does: IMPORTING on the new owner,
 * MIGRATING on the old one, then NODE on the new owner first, the old one next, the rest last.
 * The IMPORTING step matters: only then does the new owner bump its config epoch, so a stale
 * gossip claim from the old owner cannot take the slots back (a bare SETSLOT NODE can leave
 * two masters each pointing at the other, and every client bouncing between them).
 */
async function moveSlots(slots: number[], ids: { fromId: string; toId: string }, to: Redis, from: Redis): Promise<void> {
  const setAll = async (c: Redis, ...args: string[]) => {
    const p = c.pipeline();
    for (const s of slots) p.call('CLUSTER', 'SETSLOT', String(s), ...args);
    const res = await p.exec();
    for (const [err] of res ?? []) expect(err).toBeNull();
  };
  await setAll(to, 'IMPORTING', ids.fromId);
  await setAll(from, 'MIGRATING', ids.toId);
  for (const c of [to, from, ...clients.filter((c) => c !== to && c !== from)]) await setAll(c, 'NODE', ids.toId);
}

const seed = () => ['-p', String(cluster.nodes[0]?.port)];

/** The masters as CLUSTER SLOTS shows them now: id, port and slot ranges, by first slot. */
async function owners(): Promise<Array<{ id: string; port: number; ranges: Array<[number, number]> }>> {
  const ranges = (await clients[0]?.cluster('SLOTS')) as unknown as Array<[number, number, [string, number, string]]>;
  const byId = new Map<string, { id: string; port: number; ranges: Array<[number, number]> }>();
  for (const [s, e, [, port, id]] of ranges) {
    const m = byId.get(id) ?? { id, port, ranges: [] };
    m.ranges.push([s, e]);
    byId.set(id, m);
  }
  const out = [...byId.values()];
  for (const m of out) m.ranges.sort((a, b) => a[0] - b[0]);
  return out.sort((a, b) => (a.ranges[0]?.[0] ?? 0) - (b.ranges[0]?.[0] ?? 0));
}
const clientOf = (port: number) => clients.find((c) => Number(c.options.port) === port) as Redis;
const flushAll = () => Promise.all(clients.map((c) => c.flushall()));

/** Calls of `command` a node has served (INFO commandstats). */
async function calls(c: Redis, command: string): Promise<number> {
  const m = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(await c.info('commandstats'));
  return m ? Number(m[1]) : 0;
}

/** Wait (bounded) until the benchmark is sending to `c`: its calls of `command` grew by `n`. */
async function waitSending(c: Redis, command: string, n: number): Promise<void> {
  const start = await calls(c, command);
  const deadline = Date.now() + 30_000;
  while ((await calls(c, command)) < start + n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Each master's keys grouped by name without the `-r` number (`key:{06S}`, `mylist:{06S}`). */
async function keyFamilies(): Promise<Array<Record<string, number>>> {
  return Promise.all(
    clients.map(async (c) => {
      const fam: Record<string, number> = {};
      for (const k of await c.keys('*')) {
        const f = k.replace(/:\d{12}$/, '');
        fam[f] = (fam[f] ?? 0) + 1;
      }
      return fam;
    }),
  );
}

describe('stormdrill bench --cluster', () => {
  it('shares -n across the threads as redis-benchmark does: while one master is paused, the others serve the rest', async () => {
    await flushAll();
    const paused = cluster.nodes[0];
    // SETs to this master wait 5 s; the threads of the other two keep claiming requests
    await clientOf(paused?.port as number).call('CLIENT', 'PAUSE', '5000', 'WRITE');
    const { outcome } = await bench([...seed(), '--cluster', '-n', '9000', '-c', '3', '-P', '1', '-r', '100000', '-q', '-t', 'set']);
    const [run] = outcome.runs;
    expect(run?.result.finished).toBe(9000);
    expect(run?.result.errors).toEqual({});
    const byPort = new Map(run?.perMaster?.map((m) => [m.master.port, m.result.finished]));
    // a fixed third each would be 3,000; the paused master answers only what was sent before it resumed
    expect(byPort.get(paused?.port as number)).toBeLessThan(1500);
    expect([...byPort.values()].reduce((a, b) => a + b, 0)).toBe(9000);
  });

  it('the LRANGE pre-fill gives every master its even share of -n, also while one master is paused, so each list holds 600', async () => {
    await flushAll();
    const paused = cluster.nodes[0];
    // LPUSHes to this master wait 3 s; with a first-come counter the other masters' threads would take its share
    await clientOf(paused?.port as number).call('CLIENT', 'PAUSE', '3000', 'WRITE');
    const { outcome } = await bench([...seed(), '--cluster', '-n', '3000', '-c', '3', '-P', '1', '-q', '-t', 'lrange_600']);
    const [prefill] = outcome.runs;
    expect(prefill?.run.title).toBe('LPUSH (needed to benchmark LRANGE)');
    expect(prefill?.result.finished).toBe(3000);
    for (const c of clients) {
      const lists = (await c.keys('mylist:*')) as string[];
      expect(lists).toHaveLength(1);
      expect(await c.llen(lists[0] as string)).toBe(1000);
    }
  });

  it('prints the cluster header, runs one thread per master and gives each master one hash tag, like redis-benchmark', async () => {
    await flushAll();
    const { out, outcome } = await bench([
      ...seed(),
      '--cluster',
      '-d',
      '100',
      '-n',
      '6000',
      '-r',
      '1000000',
      '-c',
      '3',
      '-q',
      '-t',
      'PING_INLINE,SET,GET,INCR,LPUSH,RPUSH,LPOP,RPOP,HSET,MSET',
    ]);
    const masters = await owners();
    expect(out.split('\n').slice(0, 6)).toEqual([
      'Cluster has 3 master nodes:',
      '',
      ...(outcome.topology?.masters ?? []).map((m, i) => `Master ${i}: ${m.id} ${m.host}:${m.port}`),
      '',
    ]);
    expect(outcome.topology?.masters.map((m) => m.id).sort()).toEqual(masters.map((m) => m.id).sort());
    expect(parseQuiet(out).map((r) => r.title)).toEqual([
      'PING_INLINE',
      'SET',
      'GET',
      'INCR',
      'LPUSH',
      'RPUSH',
      'LPOP',
      'RPOP',
      'HSET',
      'MSET (10 keys)',
    ]);
    for (const r of outcome.runs) {
      expect(r.result.finished, r.run.title).toBe(6000);
      expect(r.result.errors, r.run.title).toEqual({});
      // one request counter for all threads: every master served, together exactly -n
      const perMaster = r.perMaster?.map((m) => m.result.finished) ?? [];
      expect(perMaster.length, r.run.title).toBe(3);
      for (const n of perMaster) expect(n, r.run.title).toBeGreaterThan(0);
      expect(
        perMaster.reduce((a, b) => a + b, 0),
        r.run.title,
      ).toBe(6000);
    }
    // one tag per master: the hash tag of its first slot, in every key name it gets
    const families = await keyFamilies();
    for (const [i, c] of clients.entries()) {
      const port = Number(c.options.port);
      const m = masters.find((x) => x.port === port);
      const tag = (await c.call('CLUSTER', 'COUNTKEYSINSLOT', String(m?.ranges[0]?.[0]))) as number;
      expect(tag).toBe(await c.dbsize());
      const names = Object.keys(families[i] ?? {}).map((f) => f.replace(/\{[^}]+\}+/, '{T}'));
      // (the list may be empty again: with one counter for all threads a master's LPOPs need not match its pushes)
      expect(names.filter((n) => n !== 'mylist:{T}').sort()).toEqual(['counter:{T}', 'key:{T}', 'myhash:{T}']);
    }
  }, 180_000);

  it('matches redis-benchmark --cluster: the same key names on the same masters, the header in -q and --csv', async () => {
    await flushAll();
    const args = [...seed(), '--cluster', '-n', '3000', '-r', '1000', '-t', 'set,lpush'];
    const rb = await execa(REDIS_BENCHMARK, [...args, '--csv'], { reject: false, all: true, timeout: 60_000 });
    const theirs = { code: rb.exitCode, text: rb.all ?? '' };
    expect(theirs.code, theirs.text).toBe(0);
    const theirFamilies = await keyFamilies();
    await flushAll();
    const ours = await cli([...args, '--csv']);
    expect(ours.code, ours.text).toBe(0);
    const names = (fs: Array<Record<string, number>>) => fs.map((f) => Object.keys(f).sort());
    expect(names(await keyFamilies())).toEqual(names(theirFamilies));
    const ourHeader = ours.text.slice(0, ours.text.indexOf('"test"'));
    const theirHeader = theirs.text.slice(0, theirs.text.indexOf('"test"'));
    // the same lines (redis-benchmark lists the masters in CLUSTER NODES order, we by address)
    const lines = (h: string) =>
      h
        .split('\n')
        .map((l) => l.replace(/^Master \d+: /, 'Master: '))
        .sort();
    expect(lines(ourHeader)).toEqual(lines(theirHeader));
    expect(ourHeader).toMatch(/^Cluster has 3 master nodes:\n\nMaster 0: [0-9a-f]{40} 127\.0\.0\.1:\d+\nMaster 1: .*\nMaster 2: .*\n\n$/);
    expect(parseCsv(ours.text).map((r) => r.title)).toEqual(['SET', 'LPUSH']);
    // one list per master, and at most 1000 keys each (redis-benchmark: 573-713 for -n 3000)
    for (const f of await keyFamilies()) {
      expect(Object.keys(f).filter((k) => k.startsWith('mylist:'))).toHaveLength(1);
      expect(Object.values(f).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1001);
    }
  });

  it('LRANGE_600 reads 600 elements per call: the pre-fill builds one long list per master', async () => {
    await flushAll();
    const { outcome } = await bench([...seed(), '--cluster', '-n', '3000', '-c', '6', '-t', 'lrange_600', '-q']);
    expect(outcome.runs.map((r) => r.run.title)).toEqual(['LPUSH (needed to benchmark LRANGE)', 'LRANGE_600 (first 600 elements)']);
    for (const r of outcome.runs) expect(r.result.errors).toEqual({});
    for (const c of clients) {
      const lists = (await c.keys('mylist:*')) as string[];
      expect(lists).toHaveLength(1);
      // the list every LRANGE_600 call of this master's clients read: 600 elements from 0..599
      expect(await c.llen(lists[0] as string)).toBeGreaterThanOrEqual(600);
      expect(await c.lrange(lists[0] as string, 0, 599)).toHaveLength(600);
    }
  });

  it('follows MOVED and ASK while a slot with keys migrates (SETSLOT IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE): every request completes, none fails, the keys end on the new owner', async () => {
    await flushAll();
    const masters = await owners();
    const from = masters[0] as (typeof masters)[number];
    const to = masters[1] as (typeof masters)[number];
    const slot = from.ranges[0]?.[0] as number; // the slot whose hash tag the first master's clients write
    const fromClient = clientOf(from.port);
    const toClient = clientOf(to.port);
    const n = 120_000; // 10 s at --rate 12000: the migration happens well inside the run on a loaded machine
    const json = join(tmpDir('migrate'), 'bench.json');
    const run = cli(
      [...seed(), '--cluster', '-t', 'set', '-n', String(n), '--rate', '12000', '-r', '20000', '-c', '6', '-P', '4', '-q', '--json', json],
      170_000,
    );
    // keys exist on the old owner before the move starts (the process may start slowly on a loaded machine)
    const inSlot = async () => Number(await fromClient.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
    const deadline = Date.now() + 90_000;
    while ((await inSlot()) < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await inSlot()).toBeGreaterThanOrEqual(2000);
    await toClient.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', from.id);
    await fromClient.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', to.id);
    await new Promise((r) => setTimeout(r, 400)); // new keys are asked for on the new owner meanwhile
    for (let i = 0; i < 500; i++) {
      const keys = (await fromClient.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '200')) as string[];
      if (keys.length === 0) break;
      await fromClient.call('MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000', 'REPLACE', 'KEYS', ...keys);
    }
    for (const c of [toClient, fromClient, ...clients.filter((c) => c !== toClient && c !== fromClient)])
      await c.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', to.id);
    const r = await run;
    expect(r.code, r.text).toBe(0);
    expect(r.text).not.toMatch(/Error from server/);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    const [set] = doc.tests;
    expect(set.requests).toBe(n);
    expect(set.errors).toEqual({});
    expect(set.redirections.ASK, JSON.stringify(set.redirections)).toBeGreaterThan(0);
    expect(set.redirections.MOVED, JSON.stringify(set.redirections)).toBeGreaterThan(0);
    expect(r.text).toMatch(new RegExp(`^SET: redirections: MOVED=${set.redirections.MOVED} ASK=${set.redirections.ASK}`, 'm'));
    expect(set.perSecond.reduce((a: number, b: { ops: number; errors: number }) => a + b.ops, 0)).toBe(n);
    // the migrated slot's keys are all on the new owner
    expect(await fromClient.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(0);
    expect(await toClient.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBeGreaterThan(2000);
    // and the old owner's clients moved on to a slot it still owns
    expect(await fromClient.dbsize()).toBeGreaterThan(0);
  }, 180_000);

  it('with --threads: two threads per master, per-master results in --json, and every thread follows a slot move', async () => {
    await flushAll();
    const masters = await owners();
    const from = masters[1] as (typeof masters)[number];
    const to = masters[2] as (typeof masters)[number];
    const slots = Array.from({ length: 1000 }, (_, i) => (from.ranges[0]?.[0] as number) + i);
    const json = join(tmpDir('threads'), 'bench.json');
    const run = cli(
      [...seed(), '--cluster', '-t', 'get', '--duration', '6', '-r', '1000', '-c', '12', '--threads', '6', '-q', '--json', json],
      60_000,
    );
    await waitSending(clientOf(from.port), 'get', 2000);
    await moveSlots(slots, { fromId: from.id, toId: to.id }, clientOf(to.port), clientOf(from.port));
    const r = await run;
    expect(r.code, r.text).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    const [get] = doc.tests;
    expect(get.errors).toEqual({});
    expect(get.redirections.MOVED + get.redirections.ASK).toBeGreaterThan(0);
    expect(doc.config.threads).toBe(6);
    expect(get.masters.map((m: { port: number }) => m.port).sort()).toEqual(masters.map((m) => m.port).sort());
    expect(get.masters.reduce((a: number, m: { requests: number }) => a + m.requests, 0)).toBe(get.requests);
    for (const m of get.masters) {
      expect(m.rps).toBeGreaterThan(0);
      expect(m.latencyMs.p50).toBeGreaterThan(0);
      expect(m.hdrHistogram).toMatch(/^HISTFAA/);
    }
    // move the slots back
    await moveSlots(slots, { fromId: to.id, toId: from.id }, clientOf(from.port), clientOf(to.port));
  });
});
