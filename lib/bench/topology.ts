/**
 * Cluster topology over a raw connection: CLUSTER SLOTS → masters and their slot ranges.
 * Raw (not ioredis) so worker threads can refresh it the same way after MOVED/ASK.
 */
import { UserError } from '../core/errors.js';
import { ReplyError, type RespValue } from '../core/resp/index.js';
import { type ConnectOptions, connect, describeEndpoint, type Endpoint, request } from './connection.js';
import { prng32 } from './random.js';

export interface Master {
  host: string;
  port: number;
  /** Inclusive [start, end] slot ranges. */
  slots: Array<[number, number]>;
}

export interface Topology {
  masters: Master[];
}

/** Parse a CLUSTER SLOTS reply (pure). Masters sorted by host:port. */
export function parseClusterSlots(reply: RespValue, fallbackHost: string): Topology {
  if (!Array.isArray(reply)) throw new Error('CLUSTER SLOTS: unexpected reply');
  const byAddr = new Map<string, Master>();
  for (const range of reply) {
    if (!Array.isArray(range) || range.length < 3) continue;
    const start = Number(range[0]);
    const end = Number(range[1]);
    const node = range[2];
    if (!Array.isArray(node) || node.length < 2) continue;
    let host = node[0] === null ? '' : String(node[0]);
    if (host === '' || host === '?') host = fallbackHost;
    const port = Number(node[1]);
    const key = `${host}:${port}`;
    let m = byAddr.get(key);
    if (!m) {
      m = { host, port, slots: [] };
      byAddr.set(key, m);
    }
    m.slots.push([start, end]);
  }
  const masters = [...byAddr.values()].sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
  for (const m of masters) m.slots.sort((a, b) => a[0] - b[0]);
  return { masters };
}

/** Ask one node for the cluster's masters. Errors name the node and the fix. */
export async function discoverCluster(seed: Endpoint, o: ConnectOptions): Promise<Topology> {
  const conn = await connect(seed, { ...o, enableTracking: false });
  try {
    const [reply] = await request(conn, [['CLUSTER', 'SLOTS']]);
    if (reply instanceof ReplyError) {
      if (/cluster support disabled/i.test(reply.message))
        throw new UserError(
          `--cluster: ${describeEndpoint(seed)} is not a cluster node (cluster support disabled); drop --cluster or point -h/-p at a cluster node`,
        );
      throw new UserError(`--cluster: CLUSTER SLOTS failed on ${describeEndpoint(seed)}: ${reply.message}`);
    }
    const t = parseClusterSlots(reply as RespValue, seed.host);
    if (t.masters.length === 0)
      throw new UserError(`--cluster: ${describeEndpoint(seed)} reports no slots assigned; create the cluster first`);
    return t;
  } finally {
    conn.sock.destroy();
  }
}

/** Uniform random slot among a master's ranges. */
export function slotChooser(m: Master, rand: () => number): () => number {
  const starts: number[] = [];
  const before: number[] = [];
  let total = 0;
  for (const [s, e] of m.slots) {
    starts.push(s);
    before.push(total);
    total += e - s + 1;
  }
  if (total === 0) return () => -1;
  return () => {
    const x = rand() % total;
    let i = before.length - 1;
    while (i > 0 && (before[i] as number) > x) i--;
    return (starts[i] as number) + x - (before[i] as number);
  };
}

/** The node a `MOVED <slot> <host>:<port>` or `ASK ...` reply points at (pure); null if none. */
export function redirectTarget(message: string, fallbackHost: string): Endpoint | null {
  const m = /^(?:MOVED|ASK) \d+ (.*):(\d+)$/.exec(message.trim());
  if (!m) return null;
  const host = m[1] === '' ? fallbackHost : (m[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(m[2]) };
}

/**
 * After MOVED/ASK: re-read CLUSTER SLOTS (one refresh at a time) and give every client the
 * new slot ranges of its master, so later batches only use slots it owns. The map is read
 * from the node the redirect names — the one that knows of the change first — and from the
 * seed only when that node cannot answer: the seed may not have heard of the move yet.
 */
export function slotMapRefresher(
  o: ConnectOptions & { host: string; port: number },
  clients: Array<{ endpoint: Endpoint; nextSlot: () => number }>,
): (redirect: string) => Promise<void> {
  let running: Promise<void> | null = null;
  const rand = prng32((Date.now() ^ 0x2545f491) >>> 0);
  const seed: Endpoint = { host: o.host, port: o.port };
  return (redirect) => {
    if (running) return running;
    running = (async () => {
      const target = redirectTarget(redirect, o.host);
      const fresh =
        (target ? await discoverCluster(target, o).catch(() => null) : null) ?? (await discoverCluster(seed, o).catch(() => null));
      if (!fresh) return;
      for (const c of clients) {
        const m = fresh.masters.find((x) => x.host === c.endpoint.host && x.port === c.endpoint.port);
        c.nextSlot = m ? slotChooser(m, rand) : () => -1;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
