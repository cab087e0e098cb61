/**
 * The writer's read probe judges staleness only against writes the master it reads from
 * acknowledged. On a real cluster, the slot of every key the writer writes is handed to
 * another master without its keys (CLUSTER SETSLOT … NODE on every master), as a failover
 * that lost the old master's last writes would: the new owner lacks the writes the old one
 * acknowledged. Reading them there is the loss the audit counts, not a stale read; the new
 * owner's own writes read back fresh, so it has 0 stale reads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { keyPrefix } from '../../../lib/core/naming.js';
import { startWriter } from '../../../lib/integrity/index.js';
import { formatEndpoint } from '../../../lib/redis/index.js';
import { keySlot } from '../../../lib/redis/key-slot.js';
import { redisOnce } from '../../../lib/redis/once.js';
import type { Topology, TopoNode } from '../../../lib/topology/types.js';
import { namespace, tmpDir } from '../../support/namespace.js';
import { startTestTopology } from '../../support/topology.js';
import { waitMoreAcks, waitUntil } from '../../support/wait.js';

let cluster: Topology;

beforeAll(async () => {
  cluster = await startTestTopology({ kind: 'cluster', masters: 3, replicasPerMaster: 0, faultProxies: false });
});

const myId = async (n: TopoNode) => String(await redisOnce(n.port, ['CLUSTER', 'MYID']));

describe("the read probe after a slot moves to a master that lacks the old master's writes", () => {
  it('counts no stale read on the new owner: the old writes are lost there, its own read back fresh', async () => {
    const runId = `${namespace.runId}-stale`;
    const prefix = `${keyPrefix(runId)}{stale}:`;
    const slot = keySlot(prefix);
    const ids = await Promise.all(cluster.nodes.map(myId));
    const ownerIdx = await ownerOf(slot, ids);
    const from = cluster.nodes[ownerIdx] as TopoNode;
    const to = cluster.nodes[(ownerIdx + 1) % cluster.nodes.length] as TopoNode;
    const writer = await startWriter({
      runId,
      keyPrefix: prefix,
      ledgerPath: `${tmpDir('stale')}/ledger`,
      rate: 20,
      readRate: 1000,
      concurrency: 1,
      timeoutMs: 500,
      connection: { port: from.port, cluster: true },
    });
    await waitMoreAcks(writer, 20);
    // the slot, not its keys, goes to another master: every write acknowledged so far is missing there
    for (const n of cluster.nodes)
      await redisOnce(n.port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', ids[cluster.nodes.indexOf(to)] as string]);
    await waitUntil('the new owner to acknowledge 20 writes', async () => (await keysOn(to, prefix)) >= 20, 20_000, 50);
    const r = await writer.stop();
    const onNew = r.staleReads.find((c) => c.endpoint === formatEndpoint({ host: to.host, port: to.port }));
    const onOld = r.staleReads.find((c) => c.endpoint === formatEndpoint({ host: from.host, port: from.port }));
    expect(onNew?.reads ?? 0).toBeGreaterThan(0);
    expect(onNew?.stale).toBe(0);
    expect(onOld?.stale ?? 0).toBe(0);
  });
});

/** The index of the node serving `slot`. */
async function ownerOf(slot: number, ids: string[]): Promise<number> {
  const slots = (await redisOnce(cluster.nodes[0]?.port as number, ['CLUSTER', 'SLOTS'])) as unknown[][];
  for (const range of slots) {
    if (slot < Number(range[0]) || slot > Number(range[1])) continue;
    const id = String((range[2] as unknown[])[2]);
    return ids.indexOf(id);
  }
  throw new Error(`no node serves slot ${slot}`);
}

async function keysOn(n: TopoNode, prefix: string): Promise<number> {
  return ((await redisOnce(n.port, ['KEYS', `${prefix}*`])) as unknown[]).length;
}
