/**
 * Pure parts of the fault proxy: classify a connection from its first client bytes, match
 * a fault's scope and direction, and schedule delayed/throttled chunks.
 */
import type { ConnClass, CutPeers, Direction, NetworkFault, PeerScope } from './types.js';

/** Bytes inspected before a connection that has not revealed itself counts as a client. */
export const SNIFF_LIMIT = 4096;

/** Commands a replica or Sentinel sends before the one that identifies it. */
const PREAMBLE = new Set(['PING', 'AUTH', 'HELLO']);

/**
 * Parse the RESP (or inline) commands at the start of `buf`. Returns the commands fully
 * received (upper-cased name + args), and whether the buffer ended mid-command.
 */
export function parseCommands(buf: Buffer, max = 8): { commands: string[][]; partial: boolean } {
  const commands: string[][] = [];
  let i = 0;
  const line = (from: number): { text: string; next: number } | null => {
    const end = buf.indexOf('\r\n', from, 'latin1');
    if (end < 0) return null;
    return { text: buf.toString('latin1', from, end), next: end + 2 };
  };
  while (i < buf.length && commands.length < max) {
    if (buf[i] === 0x2a /* '*' */) {
      const head = line(i + 1);
      if (!head) return { commands, partial: true };
      const n = Number.parseInt(head.text, 10);
      if (!Number.isFinite(n) || n < 0 || n > 1024) return { commands, partial: false };
      let j = head.next;
      const args: string[] = [];
      for (let k = 0; k < n; k++) {
        if (j >= buf.length) return { commands, partial: true };
        if (buf[j] !== 0x24 /* '$' */) return { commands, partial: false };
        const len = line(j + 1);
        if (!len) return { commands, partial: true };
        const l = Number.parseInt(len.text, 10);
        if (!Number.isFinite(l) || l < 0) return { commands, partial: false };
        if (len.next + l + 2 > buf.length) return { commands, partial: true };
        args.push(buf.toString('latin1', len.next, len.next + Math.min(l, 256)));
        j = len.next + l + 2;
      }
      if (args.length > 0) args[0] = (args[0] as string).toUpperCase();
      commands.push(args);
      i = j;
    } else {
      const l = line(i);
      if (!l) return { commands, partial: true };
      const args = l.text.trim().split(/\s+/).filter(Boolean);
      if (args.length > 0) {
        args[0] = (args[0] as string).toUpperCase();
        commands.push(args);
      }
      i = l.next;
    }
  }
  return { commands, partial: false };
}

/**
 * Who is on the other end of a connection, from the first bytes it sent; null while
 * undecided (only preamble commands so far).
 */
export function classifyPrefix(buf: Buffer): ConnClass | null {
  return classifyConnection(buf)?.cls ?? null;
}

/** Who a connection is from: its class, a replica's announced listening port, a Sentinel's id prefix, a Cluster node's id. */
export interface ConnIdentity {
  cls: ConnClass;
  replicaPort?: number;
  sentinelId?: string;
  busNodeId?: string;
}

/**
 * The cluster bus message header, as far as it identifies the sender (Redis 7, `clusterMsg`):
 * the signature "RCmb" at byte 0, the total length (32-bit big-endian) at 4, then version,
 * port, type, count (16 bits each), three 64-bit epochs/offsets, and the sender's node id
 * (40 hex characters) at byte 40.
 */
const BUS_SIGNATURE = 'RCmb';
const BUS_SENDER_OFFSET = 40;
const BUS_NODE_ID_LENGTH = 40;
const BUS_HEADER_MIN = BUS_SENDER_OFFSET + BUS_NODE_ID_LENGTH;

/**
 * Who opened a cluster bus connection, from its first message (every node starts a link it
 * opens with a MEET or PING naming itself as sender); null while fewer than 80 bytes arrived.
 * Bytes that are not a bus message make it an unnamed 'bus' connection (no cut names it).
 */
export function classifyBusConnection(buf: Buffer): ConnIdentity | null {
  const sigLen = Math.min(buf.length, BUS_SIGNATURE.length);
  if (buf.toString('latin1', 0, sigLen) !== BUS_SIGNATURE.slice(0, sigLen)) return { cls: 'bus' };
  if (buf.length < BUS_HEADER_MIN) return null;
  if (buf.readUInt32BE(4) < BUS_HEADER_MIN) return { cls: 'bus' };
  const id = buf.toString('latin1', BUS_SENDER_OFFSET, BUS_SENDER_OFFSET + BUS_NODE_ID_LENGTH);
  return /^[0-9a-f]{40}$/.test(id) ? { cls: 'bus', busNodeId: id } : { cls: 'bus' };
}

/** classifyPrefix plus, for a replica's link, the listening port it announces, and for a Sentinel's, its id prefix. */
export function classifyConnection(buf: Buffer): ConnIdentity | null {
  const { commands, partial } = parseCommands(buf);
  for (const c of commands) {
    const name = c[0] ?? '';
    if (PREAMBLE.has(name)) continue;
    if (name === 'REPLCONF' || name === 'SYNC' || name === 'PSYNC') {
      let replicaPort: number | undefined;
      for (const r of commands) {
        if (r[0] === 'REPLCONF' && (r[1] ?? '').toLowerCase() === 'listening-port') replicaPort = Number(r[2]);
      }
      return replicaPort !== undefined && Number.isInteger(replicaPort) ? { cls: 'replication', replicaPort } : { cls: 'replication' };
    }
    if (name === 'CLIENT' && (c[1] ?? '').toUpperCase() === 'SETNAME' && (c[2] ?? '').startsWith('sentinel-')) {
      const id = /^sentinel-([0-9a-f]{8})-/i.exec(c[2] ?? '')?.[1];
      return id ? { cls: 'sentinel', sentinelId: id.toLowerCase() } : { cls: 'sentinel' };
    }
    return { cls: 'client' };
  }
  if (buf.length >= SNIFF_LIMIT) return { cls: 'client' };
  if (!partial && commands.length === 0 && buf.length > 0) return { cls: 'client' };
  return null;
}

/** The connection class each narrower scope covers. */
const SCOPE_CLASS: Record<Exclude<PeerScope, 'all'>, ConnClass> = { clients: 'client', replication: 'replication', sentinels: 'sentinel' };

/** Whether a fault's scope covers a connection of class `c` (undecided connections: only 'all'). */
export function scopeMatches(scope: PeerScope | undefined, c: ConnClass): boolean {
  return scope === undefined || scope === 'all' || SCOPE_CLASS[scope] === c;
}

/** Whether a connection from `who` is one of the cut peers (undecided connections: no). */
export function cutMatches(peers: CutPeers, who: ConnIdentity): boolean {
  switch (who.cls) {
    case 'client':
      return peers.clients === true;
    case 'replication':
      return who.replicaPort !== undefined && (peers.replicaPorts ?? []).includes(who.replicaPort);
    case 'sentinel':
      return who.sentinelId !== undefined && (peers.sentinelIds ?? []).includes(who.sentinelId);
    case 'bus':
      return who.busNodeId !== undefined && (peers.busNodeIds ?? []).includes(who.busNodeId);
    default:
      return false;
  }
}

/** Whether a fault hits a connection of this identity (scope, the replica filter when set, a cut's peers). */
export function faultApplies(fault: NetworkFault, who: ConnIdentity): boolean {
  if (fault.kind === 'cut') return cutMatches(fault.peers, who);
  if (fault.peerPort !== undefined) return who.cls === 'replication' && who.replicaPort === fault.peerPort;
  return scopeMatches(fault.scope, who.cls);
}

export function directionMatches(d: Direction | undefined, lane: 'up' | 'down'): boolean {
  const dir = d ?? 'both';
  return dir === 'both' || dir === lane;
}

/** What happens to a chunk travelling `lane` on a connection of identity `who` under `fault`. */
export type ChunkFate =
  | { act: 'pass' }
  | { act: 'drop' }
  | { act: 'hold' }
  | { act: 'delay'; ms: number }
  | { act: 'throttle'; bytesPerSec: number };

export function chunkFate(
  fault: NetworkFault | null,
  who: ConnIdentity,
  lane: 'up' | 'down',
  random: () => number = Math.random,
): ChunkFate {
  if (!fault || !faultApplies(fault, who)) return { act: 'pass' };
  switch (fault.kind) {
    case 'cut':
      return { act: 'hold' };
    case 'reset':
      return { act: 'drop' };
    case 'blackhole':
      if (!directionMatches(fault.direction, lane)) return { act: 'pass' };
      return fault.drop ? { act: 'drop' } : { act: 'hold' };
    case 'latency': {
      if (!directionMatches(fault.direction, lane)) return { act: 'pass' };
      const j = fault.jitterMs ?? 0;
      return { act: 'delay', ms: Math.max(0, fault.ms + (j > 0 ? (random() * 2 - 1) * j : 0)) };
    }
    case 'bandwidth':
      return directionMatches(fault.direction, lane) ? { act: 'throttle', bytesPerSec: fault.bytesPerSec } : { act: 'pass' };
  }
}

/**
 * Due times of the pieces of a chunk sent at `now` through a lane whose previous piece is
 * due at `lastDue`: order is kept (never before lastDue); throttled chunks are cut in
 * pieces of at most 1/20 s of bandwidth.
 */
export function schedule(
  len: number,
  fate: ChunkFate,
  now: number,
  lastDue: number,
): Array<{ offset: number; length: number; dueAt: number }> {
  if (fate.act === 'delay') return [{ offset: 0, length: len, dueAt: Math.max(now + fate.ms, lastDue) }];
  if (fate.act === 'throttle') {
    const piece = Math.max(1, Math.floor(fate.bytesPerSec / 20));
    const out: Array<{ offset: number; length: number; dueAt: number }> = [];
    let t = Math.max(now, lastDue);
    for (let off = 0; off < len; off += piece) {
      const n = Math.min(piece, len - off);
      t += (n / fate.bytesPerSec) * 1000;
      out.push({ offset: off, length: n, dueAt: t });
    }
    return out;
  }
  return [{ offset: 0, length: len, dueAt: Math.max(now, lastDue) }];
}

/** One-line description, e.g. 'latency(200ms, both, clients)'. */
export function describeFault(f: NetworkFault | null): string {
  if (!f) return 'none';
  if (f.kind === 'cut') return `cut(${describeCutPeers(f.peers)})`;
  const scope = f.peerPort !== undefined ? `, replica ${f.peerPort}` : f.scope && f.scope !== 'all' ? `, ${f.scope}` : '';
  switch (f.kind) {
    case 'blackhole':
      return `blackhole(${f.direction ?? 'both'}${scope}${f.drop ? ', drop' : ''})`;
    case 'latency':
      return `latency(${f.ms}ms${f.jitterMs ? `±${f.jitterMs}` : ''}, ${f.direction ?? 'both'}${scope})`;
    case 'reset':
      return `reset(${f.peerPort !== undefined ? `replica ${f.peerPort}` : (f.scope ?? 'all')})`;
    case 'bandwidth':
      return `bandwidth(${f.bytesPerSec}B/s, ${f.direction ?? 'both'}${scope})`;
  }
}

/** e.g. 'clients, replicas 7001 7002, sentinels 3f2a9c01'. */
export function describeCutPeers(p: CutPeers): string {
  const parts: string[] = [];
  if (p.clients) parts.push('clients');
  if (p.replicaPorts?.length) parts.push(`replicas ${p.replicaPorts.join(' ')}`);
  if (p.sentinelIds?.length) parts.push(`sentinels ${p.sentinelIds.join(' ')}`);
  if (p.busNodeIds?.length) parts.push(`cluster nodes ${p.busNodeIds.map((id) => id.slice(0, 8)).join(' ')}`);
  return parts.join(', ') || 'nobody';
}

/** Problems with a fault description (empty = valid). */
export function validateFault(f: unknown): string[] {
  const p: string[] = [];
  if (typeof f !== 'object' || f === null) return ['a network fault must be an object with a kind: blackhole, latency, reset or bandwidth'];
  const o = f as Record<string, unknown>;
  const kinds = ['blackhole', 'latency', 'reset', 'bandwidth', 'cut'];
  if (!kinds.includes(String(o.kind))) return [`unknown network fault '${String(o.kind)}': use one of ${kinds.join(', ')}`];
  if (o.kind === 'cut') {
    const peers = o.peers as Record<string, unknown> | undefined;
    if (typeof peers !== 'object' || peers === null) return ['a cut needs peers: { clients?, replicaPorts?, sentinelIds?, busNodeIds? }'];
    const ports = peers.replicaPorts;
    if (ports !== undefined && !(Array.isArray(ports) && ports.every((x) => Number.isInteger(x) && x > 0 && x < 65536)))
      p.push("cut peers.replicaPorts must be TCP ports (the replicas' announced listening ports)");
    const ids = peers.sentinelIds;
    if (ids !== undefined && !(Array.isArray(ids) && ids.every((x) => typeof x === 'string' && /^[0-9a-f]{8}$/.test(x))))
      p.push("cut peers.sentinelIds must be the first 8 hex characters of each Sentinel's id (SENTINEL MYID)");
    const nodes = peers.busNodeIds;
    if (nodes !== undefined && !(Array.isArray(nodes) && nodes.every((x) => typeof x === 'string' && /^[0-9a-f]{40}$/.test(x))))
      p.push('cut peers.busNodeIds must be Cluster node ids (CLUSTER MYID: 40 hex characters)');
    return p;
  }
  if (o.direction !== undefined && !['both', 'up', 'down'].includes(String(o.direction)))
    p.push(`direction '${String(o.direction)}' is invalid: use both, up (client→server) or down (server→client)`);
  if (o.scope !== undefined && !['all', 'clients', 'replication', 'sentinels'].includes(String(o.scope)))
    p.push(`scope '${String(o.scope)}' is invalid: use all, clients, replication or sentinels`);
  if (o.kind === 'latency') {
    if (typeof o.ms !== 'number' || !(o.ms >= 0 && o.ms <= 60_000)) p.push('latency needs ms between 0 and 60000');
    if (o.jitterMs !== undefined && (typeof o.jitterMs !== 'number' || o.jitterMs < 0 || o.jitterMs > 60_000))
      p.push('latency jitterMs must be between 0 and 60000');
  }
  if (o.kind === 'bandwidth' && (typeof o.bytesPerSec !== 'number' || !(o.bytesPerSec >= 1 && o.bytesPerSec <= 10_000_000_000)))
    p.push('bandwidth needs bytesPerSec of at least 1');
  if (o.kind === 'reset' && o.direction !== undefined) p.push('a reset has no direction: remove it');
  if (o.peerPort !== undefined && !(typeof o.peerPort === 'number' && Number.isInteger(o.peerPort) && o.peerPort > 0 && o.peerPort < 65536))
    p.push("peerPort must be a TCP port (the replica's announced listening port)");
  if (o.drop !== undefined && (o.kind !== 'blackhole' || typeof o.drop !== 'boolean'))
    p.push("'drop' is a true/false option of blackhole only");
  return p;
}
