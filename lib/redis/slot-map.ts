/**
 * The one cluster slot map: CLUSTER SLOTS → the masters (sorted by address), each with its
 * slot ranges, and slot → master. Bench, fill, write, audit and verify route by it.
 */
import { UserError } from '../core/errors.js';
import { ReplyError, type RespValue } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint } from './endpoint.js';
import { type ConnectSettings, connectFailureMessage, connectRaw, DEFAULT_HINTS } from './handshake.js';
import { SLOT_COUNT, slotOfBytes } from './key-slot.js';
import { exchange } from './socket.js';

export interface SlotMaster extends Endpoint {
  /** The node id (CLUSTER SLOTS gives it since Redis 4; '' when absent). */
  id: string;
  /** Inclusive [start, end] slot ranges, sorted. */
  slots: Array<[number, number]>;
}

export interface SlotMap {
  masters: SlotMaster[];
  /** slot → index into masters (-1: unassigned). */
  owner: Int16Array;
}

/** Parse a CLUSTER SLOTS reply (pure); a node announced without a host is on `fallbackHost`. */
export function parseClusterSlots(reply: RespValue, fallbackHost: string): SlotMap {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SLOTS: unexpected reply');
  const byAddr = new Map<string, SlotMaster>();
  for (const range of reply) {
    if (!Array.isArray(range) || range.length < 3) continue;
    const node = range[2];
    if (!Array.isArray(node) || node.length < 2) continue;
    const raw = node[0] === null || node[0] === undefined ? '' : String(node[0]);
    const host = raw === '' || raw === '?' ? fallbackHost : raw;
    const port = Number(node[1]);
    const key = formatEndpoint({ host, port });
    let m = byAddr.get(key);
    if (!m) {
      m = { id: node.length >= 3 && node[2] !== null && node[2] !== undefined ? String(node[2]) : '', host, port, slots: [] };
      byAddr.set(key, m);
    }
    m.slots.push([Number(range[0]), Number(range[1])]);
  }
  const masters = [...byAddr.values()].sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
  const owner = new Int16Array(SLOT_COUNT).fill(-1);
  masters.forEach((m, i) => {
    m.slots.sort((a, b) => a[0] - b[0]);
    for (const [s, e] of m.slots) owner.fill(i, s, e + 1);
  });
  return { masters, owner };
}

/** Index of the master owning a key (given as bytes); -1 when its slot is unassigned. */
export function masterIndexOf(map: SlotMap, key: Uint8Array): number {
  return map.owner[slotOfBytes(key)] as number;
}

/** Ask one node for the slot map. Rejects with a UserError when it is not a cluster node or has no slots. */
export async function readSlotMap(node: Endpoint, s: ConnectSettings): Promise<SlotMap> {
  const hints = s.hints ?? DEFAULT_HINTS;
  const conn = await connectRaw(node, { ...s, tracking: false, resp3: false, clientName: undefined });
  try {
    const [reply] = await exchange(conn, [['CLUSTER', 'SLOTS']], s.connectTimeoutMs ?? 5000);
    if (reply instanceof ReplyError) {
      if (/cluster support disabled/i.test(reply.message))
        throw new UserError(
          `${formatEndpoint(node)} is not a cluster node (cluster support disabled): drop ${hints.cluster} or point ${hints.address} at a cluster node`,
        );
      throw new UserError(`CLUSTER SLOTS failed on ${formatEndpoint(node)}: ${reply.message}`);
    }
    const map = parseClusterSlots(reply as RespValue, node.host);
    if (map.masters.length === 0) throw new UserError(`${formatEndpoint(node)} reports no slots assigned: create the cluster first`);
    return map;
  } finally {
    conn.sock.destroy();
  }
}

/** The slot map from the first seed that answers; a refusal (not a cluster node, bad password) is final. */
export async function firstSlotMap(seeds: Endpoint[], s: ConnectSettings): Promise<SlotMap> {
  const failures: string[] = [];
  for (const seed of seeds) {
    try {
      return await readSlotMap(seed, s);
    } catch (e) {
      if (e instanceof UserError) throw e;
      failures.push(connectFailureMessage(e, `cluster node ${formatEndpoint(seed)}`, s.hints));
    }
  }
  throw new UserError(`cannot read the cluster's slot map: ${failures.join('; ')}`);
}

/** The node a `MOVED <slot> <host>:<port>` or `ASK ...` reply points at (pure); null if none. */
export function redirectTarget(message: string, fallbackHost: string): Endpoint | null {
  const m = /^(?:MOVED|ASK) \d+ (.*):(\d+)$/.exec(message.trim());
  if (!m) return null;
  const host = m[1] === '' ? fallbackHost : (m[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(m[2]) };
}
