/**
 * The drill's verify check: after the load stopped and replication caught up, every live
 * replica against its master, for the keys of this run. Primary+replicas, Sentinel and
 * HAProxy topologies use `stormdrill verify` (scripts, chunked big keys); a cluster
 * compares each shard with DEBUG DIGEST-VALUE (see integrity/verify/digest.ts), because a
 * cluster replica refuses script reads.
 */
import { userMessage } from '../core/errors.js';
import { keyPrefix } from '../core/naming.js';
import { replicasCaughtUp } from '../faults/index.js';
import { compareByDigest } from '../integrity/verify/digest.js';
import { runVerify } from '../integrity/verify/verify.js';
import { RespConn } from '../redis/index.js';
import { redisOnce } from '../redis/once.js';
import { waitUntil } from '../stack/info.js';
import { nodeAuth, topologyAuth } from '../topology/node-auth.js';
import type { Topology, TopoNode } from '../topology/types.js';
import type { VerifyOutcome } from './checks.js';

/** How long a shard may take to catch up before it is compared anyway. */
const SETTLE_MS = 15_000;

/** ROLE of a running node, null when it does not answer. */
async function roleOf(t: Topology, n: TopoNode): Promise<unknown[] | null> {
  if (n.process && n.process.status !== 'running') return null;
  const r = await redisOnce(n.port, ['ROLE'], { ...nodeAuth(t, n), timeoutMs: 1000 }).catch(() => null);
  return Array.isArray(r) ? r : null;
}

interface PairResult {
  keys: number;
  conflicts: number;
  line: string;
}

async function comparePair(t: Topology, runId: string, master: TopoNode, replica: TopoNode): Promise<PairResult> {
  const match = `${keyPrefix(runId)}*`;
  // each node on its own port (past the fault proxies), with the topology's credentials and TLS
  const at = (n: TopoNode) => ({ host: n.host, port: n.port, ...topologyAuth(t) });
  const conns: RespConn[] = [];
  try {
    if (t.kind !== 'cluster') {
      const v = await runVerify({ source: at(master), target: at(replica), match, rounds: 3, interval: 0.5 });
      return {
        keys: v.keysCompared,
        conflicts: v.conflicts.total,
        line: `${replica.name}: ${v.conflicts.total} conflict(s) in ${v.keysCompared} keys`,
      };
    }
    for (const n of [master, replica])
      conns.push(await RespConn.open({ host: n.host, port: n.port }, { ...topologyAuth(t), connectTimeoutMs: 2000 }));
    const r = await compareByDigest(conns[0] as RespConn, conns[1] as RespConn, { match });
    const sample = r.samples.length ? ` (e.g. ${r.samples.slice(0, 3).join(', ')})` : '';
    return { keys: r.keys, conflicts: r.conflicts, line: `${replica.name}: ${r.conflicts} conflict(s) in ${r.keys} keys${sample}` };
  } catch (err) {
    return { keys: 0, conflicts: 1, line: `${replica.name}: verify failed: ${userMessage(err).split('\n')[0]}` };
  } finally {
    for (const c of conns) c.close();
  }
}

/** The masters to compare, each with its live replicas (cluster: every shard; otherwise the primary). */
async function shards(t: Topology): Promise<Array<{ master: TopoNode; replicas: TopoNode[] }> | null> {
  if (t.kind !== 'cluster') {
    const primary = await t.currentPrimary().catch(() => null);
    if (!primary) return null;
    const replicas: TopoNode[] = [];
    for (const n of t.nodes) {
      if (n === primary) continue;
      const role = await roleOf(t, n);
      if (role && String(role[0]) === 'slave') replicas.push(n);
    }
    return [{ master: primary, replicas }];
  }
  const byMaster = new Map<TopoNode, TopoNode[]>();
  for (const n of t.nodes) {
    const role = await roleOf(t, n);
    if (!role) continue;
    if (String(role[0]) === 'master') {
      if (!byMaster.has(n)) byMaster.set(n, []);
    } else if (String(role[0]) === 'slave') {
      // a restarted master may still be syncing: it is given time to catch up below
      const master = t.nodeByAddress(String(role[1]), Number(role[2]));
      if (!master) continue;
      byMaster.set(master, [...(byMaster.get(master) ?? []), n]);
    }
  }
  return [...byMaster.entries()].map(([master, replicas]) => ({ master, replicas }));
}

/** Every live replica against its master (keys of this run); null when there is no replica to compare. */
export async function verifyReplicas(
  t: Topology,
  runId: string,
  note: (kind: string, detail: string) => void,
): Promise<VerifyOutcome | null> {
  const groups = await shards(t);
  if (!groups) return { ok: false, replicas: 0, keys: 0, conflicts: 0, detail: 'no primary to compare' };
  const pairs = groups.filter((g) => g.replicas.length > 0);
  if (pairs.length === 0) return null;
  let conflicts = 0;
  let keys = 0;
  let replicas = 0;
  const parts: string[] = [];
  for (const { master, replicas: rs } of pairs) {
    await waitUntil(`the replicas of ${master.name} to catch up`, () => replicasCaughtUp(t, master, rs), SETTLE_MS, 100).catch(() => {});
    let shardKeys = 0;
    const lines: string[] = [];
    for (const r of rs) {
      const p = await comparePair(t, runId, master, r);
      conflicts += p.conflicts;
      shardKeys = Math.max(shardKeys, p.keys);
      lines.push(p.line);
      replicas++;
    }
    keys += shardKeys;
    parts.push(`${master.name} vs ${lines.join('; ')}`);
  }
  const detail = parts.join(' | ');
  note('verify', detail);
  return { ok: conflicts === 0, replicas, keys, conflicts, detail };
}
