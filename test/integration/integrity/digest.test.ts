/**
 * compareByDigest (the drill's cluster verify) on real redis-servers: a replica that caught
 * up shows no conflict; a server missing keys, holding another value or extra keys shows
 * each of them; keys outside the namespace are not looked at.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareByDigest } from '../../../lib/integrity/verify/digest.js';
import { RespConn } from '../../../lib/redis/index.js';
import { waitUntil } from '../../../lib/stack/index.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { useTestEnv } from '../../support/env.js';

const env = useTestEnv({ redis: true });
let replica: RedisNode;
let other: RedisNode;
const clients: Redis[] = [];
const conns: RespConn[] = [];
const client = (port: number) => {
  const c = new Redis({ port, lazyConnect: true });
  clients.push(c);
  return c;
};
const open = async (port: number) => {
  const c = await RespConn.open({ host: '127.0.0.1', port }, { connectTimeoutMs: 2000 });
  conns.push(c);
  return c;
};

beforeAll(async () => {
  replica = await startRedisServer({
    port: await env.ports.take(),
    dir: env.tmpDir('digest-replica'),
    replicaOf: { host: '127.0.0.1', port: env.redis.port },
  });
  other = await startRedisServer({ port: await env.ports.take(), dir: env.tmpDir('digest-other') });
});
afterAll(async () => {
  for (const c of conns) c.close();
  for (const c of clients) c.disconnect();
  await replica?.stop();
  await other?.stop();
});

describe('compareByDigest on real redis-servers', () => {
  it('finds nothing between a master and its caught-up replica, and every missing, differing or extra key elsewhere', async () => {
    const ns = `${env.namespace.keyPrefix}dg:`;
    const master = client(env.redis.port);
    const p = master.pipeline();
    for (let i = 0; i < 1200; i++) p.set(`${ns}s:${i}`, `v${i}`);
    p.hset(`${ns}h`, { a: '1', b: '2' });
    p.rpush(`${ns}l`, 'x', 'y', 'z');
    p.set(`${env.namespace.keyPrefix}outside`, 'not compared');
    await p.exec();
    const r = client(replica.port);
    await waitUntil('the replica to hold every key', async () => (await r.dbsize()) === (await master.dbsize()), 15_000);

    const a = await open(env.redis.port);
    const caughtUp = await compareByDigest(a, await open(replica.port), { match: `${ns}*`, batch: 100 });
    expect(caughtUp).toEqual({ keys: 1202, conflicts: 0, samples: [] });

    // another server: the same keys but one value, one list order and one missing key differ, plus two extra keys
    const o = client(other.port);
    const q = o.pipeline();
    for (let i = 0; i < 1200; i++) if (i !== 7) q.set(`${ns}s:${i}`, i === 5 ? 'changed' : `v${i}`);
    q.hset(`${ns}h`, { b: '2', a: '1' }); // same hash, other insertion order: equal
    q.rpush(`${ns}l`, 'x', 'z', 'y');
    q.set(`${ns}extra:1`, '1');
    q.set(`${ns}extra:2`, '2');
    await q.exec();
    const diff = await compareByDigest(a, await open(other.port), { match: `${ns}*`, batch: 100, maxSamples: 10 });
    expect(diff.keys).toBe(1202);
    expect(diff.conflicts).toBe(5);
    expect([...diff.samples].sort()).toEqual([`${ns}extra:1`, `${ns}extra:2`, `${ns}l`, `${ns}s:5`, `${ns}s:7`].sort());
  });

  it('names the command and the node when a server refuses DEBUG', async () => {
    const noDebug = await startRedisServer({
      port: await env.ports.take(),
      dir: env.tmpDir('digest-nodebug'),
      config: { 'enable-debug-command': 'no' },
    });
    try {
      const ns = `${env.namespace.keyPrefix}dgn:`;
      await client(env.redis.port).set(`${ns}k`, 'v');
      const refused = compareByDigest(await open(env.redis.port), await open(noDebug.port), { match: `${ns}*` });
      await expect(refused).rejects.toThrow(new RegExp(`^DEBUG DIGEST-VALUE on 127\\.0\\.0\\.1:${noDebug.port}: ERR .*DEBUG`));
    } finally {
      await noDebug.stop();
    }
  });
});
