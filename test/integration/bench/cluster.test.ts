import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseQuiet } from '../../../lib/bench/format.js';
import { keySlot } from '../../../lib/bench/slots.js';
import type { Topology } from '../../../lib/topology/types.js';
import { redisClient } from '../../support/redis.js';
import { startTestTopology } from '../../support/topology.js';
import { bench } from './helpers.js';

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

/**
 * A GET run of 3 s (`extra` flags added) during which the first 2000 slots (no keys there)
 * move from their owner to another master; the run's result.
 */
async function runWhileSlotsMove(extra: string[]) {
  const ids = await Promise.all(clients.map(async (c) => String(await c.cluster('MYID'))));
  const ranges = (await clients[0]?.cluster('SLOTS')) as unknown as Array<[number, number, [string, number, string]]>;
  const [first] = ranges.sort((a, b) => a[0] - b[0]);
  const fromId = first?.[2][2] as string;
  const toId = ids.find((id) => id !== fromId) as string;
  const slots = Array.from({ length: 2000 }, (_, i) => (first?.[0] as number) + i);
  await Promise.all(clients.map((c) => c.flushall()));
  const run = bench([...seed(), '--cluster', '-t', 'get', '--duration', '3', '-r', '1000', '-c', '6', '-q', ...extra]);
  await new Promise((r) => setTimeout(r, 700));
  await moveSlots(slots, { fromId, toId }, clients[ids.indexOf(toId)] as Redis, clients[ids.indexOf(fromId)] as Redis);
  const { outcome } = await run;
  return outcome.runs[0]?.result;
}

describe('stormdrill bench --cluster', () => {
  it("runs the documented cluster line and spreads the keys over every master, each key on its slot's owner", async () => {
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
    expect(outcome.topology?.masters).toHaveLength(3);
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
      expect(r.result.moved + r.result.ask).toBe(0);
    }
    for (const c of clients) {
      expect(await c.dbsize()).toBeGreaterThan(100);
      const ranges = (await c.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
      const port = Number(c.options.port);
      const mine = ranges.filter((r) => r[2][1] === port);
      const keys = (await c.scan('0', 'COUNT', '200'))[1];
      for (const k of keys)
        expect(
          mine.some(([s, e]) => keySlot(k) >= s && keySlot(k) <= e),
          k,
        ).toBe(true);
    }
  });

  it('counts MOVED/ASK replies when slots move during a run, refreshes the map and goes on', async () => {
    const r = await runWhileSlotsMove([]);
    // MIGRATING answers ASK for a missing key until the move completes, MOVED after it
    const redirects = (r?.moved ?? 0) + (r?.ask ?? 0);
    expect(redirects).toBeGreaterThan(0);
    expect(redirects).toBeLessThan((r?.finished ?? 0) / 10);
    const series = r?.series.toArray() ?? [];
    expect(series.at(-1)?.ops).toBeGreaterThan(0);
    expect(series.at(-1)?.errors).toBe(0);
  });

  it('also with --threads: every worker thread refreshes its own slot map', async () => {
    const r = await runWhileSlotsMove(['--threads', '2']);
    // MIGRATING answers ASK for a missing key until the move completes, MOVED after it
    const redirects = (r?.moved ?? 0) + (r?.ask ?? 0);
    expect(redirects).toBeGreaterThan(0);
    expect(redirects).toBeLessThan((r?.finished ?? 0) / 10);
    expect(r?.series.toArray().at(-1)?.errors, JSON.stringify({ errors: r?.errors, series: r?.series.toArray() })).toBe(0);
  });
});
