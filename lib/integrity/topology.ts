/**
 * Where the data lives: the master of a standalone server, the master a Sentinel group
 * names, or the masters of a Cluster with their slot ranges. The Router keeps one
 * RespConn per master and routes keys by slot.
 */

import { SLOT_COUNT, slotOfBytes } from '../core/cluster-slots.js';
import { UserError } from '../core/errors.js';
import type { RespValue } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint, type Target } from './connection.js';
import { connectFailureMessage, RespConn } from './resp-conn.js';

export interface ClusterMap {
  masters: Endpoint[];
  /** slot → index into masters (-1: unassigned). */
  owner: Int16Array;
}

/** Ask the Sentinels which node is the master of `target.masterName`. */
export async function sentinelMaster(target: Target): Promise<Endpoint> {
  const failures: string[] = [];
  for (const s of target.endpoints) {
    let conn: RespConn | null = null;
    try {
      conn = await RespConn.open(s, target, { auth: target.sentinelPassword ? { password: target.sentinelPassword } : null, db: 0 });
      const r = await conn.call(['SENTINEL', 'get-master-addr-by-name', target.masterName as string]);
      if (Array.isArray(r) && r.length === 2) return { host: String(r[0]), port: Number(String(r[1])) };
      failures.push(`${formatEndpoint(s)} does not know master '${target.masterName}'`);
    } catch (e) {
      failures.push(connectFailureMessage(e, `sentinel ${formatEndpoint(s)}`));
    } finally {
      conn?.close();
    }
  }
  throw new UserError(`no Sentinel named a master '${target.masterName}': ${failures.join('; ')}`);
}

/** Parse a CLUSTER SLOTS reply. Pure (exported for tests). */
export function parseClusterSlots(reply: RespValue, seedHost: string): ClusterMap {
  const masters: Endpoint[] = [];
  const index = new Map<string, number>();
  const owner = new Int16Array(SLOT_COUNT).fill(-1);
  if (!Array.isArray(reply)) throw new Error('CLUSTER SLOTS: unexpected reply');
  for (const range of reply) {
    if (!Array.isArray(range) || range.length < 3) continue;
    const start = Number(range[0]);
    const end = Number(range[1]);
    const node = range[2] as RespValue[];
    const rawHost = node[0] === null || node[0] === undefined ? '' : String(node[0]);
    const host = rawHost === '' || rawHost === '?' ? seedHost : rawHost;
    const ep = { host, port: Number(node[1]) };
    const k = formatEndpoint(ep);
    let i = index.get(k);
    if (i === undefined) {
      i = masters.length;
      masters.push(ep);
      index.set(k, i);
    }
    for (let s = start; s <= end; s++) owner[s] = i;
  }
  return { masters, owner };
}

/** Read the slot map from the first seed that answers. */
export async function clusterMap(target: Target, seeds: Endpoint[] = target.endpoints): Promise<ClusterMap> {
  const failures: string[] = [];
  for (const s of seeds) {
    let conn: RespConn | null = null;
    try {
      conn = await RespConn.open(s, target);
      const map = parseClusterSlots(await conn.call(['CLUSTER', 'SLOTS']), s.host);
      if (map.masters.length === 0) throw new Error('no slots assigned');
      return map;
    } catch (e) {
      if (e instanceof UserError) throw e;
      failures.push(connectFailureMessage(e, `cluster node ${formatEndpoint(s)}`));
    } finally {
      conn?.close();
    }
  }
  throw new UserError(`cannot read the cluster's slot map: ${failures.join('; ')}`);
}

/** The masters to talk to (one unless a cluster), with the slot map for a cluster. */
export async function discover(target: Target): Promise<{ masters: Endpoint[]; map: ClusterMap | null }> {
  if (target.mode === 'sentinel') return { masters: [await sentinelMaster(target)], map: null };
  if (target.mode === 'cluster') {
    const map = await clusterMap(target);
    return { masters: map.masters, map };
  }
  return { masters: [target.endpoints[0] as Endpoint], map: null };
}

/** Open a connection to an endpoint, turning failures into one clear UserError line. */
export async function openOrExplain(ep: Endpoint, target: Target): Promise<RespConn> {
  try {
    return await RespConn.open(ep, target);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(connectFailureMessage(e, formatEndpoint(ep)));
  }
}

/**
 * One connection per master; keys routed by slot in a cluster. Used by audit and
 * verify (the writer manages its own reconnects).
 */
export class Router {
  private constructor(
    readonly target: Target,
    readonly masters: Endpoint[],
    readonly conns: RespConn[],
    private readonly map: ClusterMap | null,
  ) {}

  static async open(target: Target): Promise<Router> {
    const { masters, map } = await discover(target);
    const conns: RespConn[] = [];
    try {
      for (const m of masters) conns.push(await openOrExplain(m, target));
    } catch (e) {
      for (const c of conns) c.close();
      throw e;
    }
    return new Router(target, masters, conns, map);
  }

  /** Index of the master owning `key`. */
  nodeOf(key: Buffer): number {
    if (!this.map) return 0;
    const i = this.map.owner[slotOfBytes(key)] as number;
    if (i < 0) throw new UserError('the cluster has unassigned slots: fix the cluster (CLUSTER INFO shows cluster_state) and retry');
    return i;
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}
