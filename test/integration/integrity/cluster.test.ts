/**
 * Cluster: keys routed per slot (checked against CLUSTER KEYSLOT), fill, write, audit
 * and verify across every master of a real 3-master Redis Cluster.
 */
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, runFill, runVerify, runWrite } from '../../../lib/integrity/index.js';
import { writeKey } from '../../../lib/integrity/write/records.js';
import { keySlot } from '../../../lib/redis/index.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import type { Topology } from '../../../lib/topology/types.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { startTestTopology } from '../../support/topology.js';

let cluster: Topology;
let single: RedisNode;
let client: Cluster;
const seed = () => ({ port: cluster.nodes[0]?.port as number, cluster: true });

beforeAll(async () => {
  cluster = await startTestTopology({ kind: 'cluster', masters: 3, replicasPerMaster: 0, faultProxies: false });
  single = await startRedisServer({ port: await ports.take(), dir: `${tmpDir('single')}/node` });
  client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]?.port as number }]);
});
afterAll(async () => {
  client?.disconnect();
  await single?.stop();
});

/** Keys of this file's fill on each master. */
async function dbsizes(): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (n) => (await redisClient(n.port).keys(`${namespace.keyPrefix}fill:*`)).length));
}

describe('integrity on a Redis Cluster', () => {
  it('computes the same slot as CLUSTER KEYSLOT', async () => {
    const node = redisClient(cluster.nodes[0]?.port as number);
    for (let i = 0; i < 300; i++) {
      const key = `${namespace.keyPrefix}${Math.random().toString(36).slice(2)}${i % 5 === 0 ? `{t${i}}` : ''}`;
      expect(keySlot(key)).toBe(Number(await node.call('CLUSTER', 'KEYSLOT', key)));
    }
  });

  it('fills every master by slot, writes and audits across masters, and finds exactly the K keys destroyed', async () => {
    const f = await runFill({ runId: namespace.runId, keys: 30_000, type: 'mixed', connection: seed() });
    expect(f).toMatchObject({ errors: 0, keys: 30_000 });
    const sizes = await dbsizes();
    expect(
      sizes.reduce((a, b) => a + b, 0),
      `dbsizes ${sizes}`,
    ).toBe(30_000);
    for (const s of sizes) expect(s, `dbsizes ${sizes}`).toBeGreaterThan(8000);

    const ledgerPath = `${tmpDir('ledger')}/ledger`;
    const w = await runWrite({ runId: namespace.runId, ledgerPath, maxWrites: 15_000, connection: seed() });
    expect(w).toMatchObject({ acked: 15_000, failed: 0, unknown: 0 });
    const k = 1 + Math.floor(Math.random() * 300);
    const gone = new Set<number>();
    while (gone.size < k) gone.add(Math.floor(Math.random() * 15_000));
    for (const s of gone) await client.del(writeKey(w.keyPrefix, s));
    const a = await runAudit({ ledgerPath, connection: seed() });
    expect(a).toMatchObject({ acked: 15_000, ackedLost: k, ackedCorrupt: 0, ackedOk: 15_000 - k });
  });

  it('verifies a cluster against a standalone server node by node, both ways', async () => {
    const match = `${namespace.keyPrefix}fill:*`;
    await runFill({ runId: namespace.runId, keys: 30_000, type: 'mixed', connection: { port: single.port } });
    const same = await runVerify({ source: seed(), target: { port: single.port }, match, rounds: 1 });
    expect(same.keysCompared).toBe(30_000);
    expect(same.conflicts.total).toBe(0);
    const s = redisClient(single.port);
    await s.del(`${namespace.keyPrefix}fill:5`, `${namespace.keyPrefix}fill:77`);
    await s.set(`${namespace.keyPrefix}fill:extra`, 'x');
    const there = await runVerify({ source: seed(), target: { port: single.port }, match, rounds: 1 });
    expect(there.conflicts).toMatchObject({ missingOnTarget: 2, missingOnSource: 1, total: 3 });
    const back = await runVerify({ source: { port: single.port }, target: seed(), match, rounds: 1 });
    expect(back.conflicts).toMatchObject({ missingOnTarget: 1, missingOnSource: 2, total: 3 });
  });
});
