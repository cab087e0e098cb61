/**
 * Following Redis Cluster redirections for the few requests that get one (a slot moving
 * while the benchmark runs), the way a cluster client does:
 * - `MOVED <slot> <host:port>`: the slot has a new owner. Refresh the slot map (so later
 *   batches use a slot the client's master owns) and resend to the named node.
 * - `ASK <slot> <host:port>`: the slot is being migrated and this key is already there.
 *   Send `ASKING` and the command to the named node, once; the map stays as it is.
 * - `TRYAGAIN`: a multi-key command whose keys are split by a migration. Wait a moment
 *   and resend to the client's own node.
 * Redirections are counted by kind, not as errors; only the final reply decides whether
 * the request failed. The hot path (runner.ts) hands over the command's bytes; resends go
 * over one side connection per node, one request at a time.
 */
import { encodeCommand, ReplyError, ReplyReader, type RespValue } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint, type RawConn, redirectTarget, type SlotMaster, sameEndpoint } from '../redis/index.js';
import { type ConnectOptions, connect } from './connection.js';
import { type Redirections, redirectKind } from './redirections.js';
import type { ClientSpec } from './runner.js';
import { discoverCluster } from './topology.js';

/**
 * The slot whose hash tag a master's clients put in their keys (pure): the current one
 * while the master owns it, otherwise the master's first slot (redis-benchmark's choice);
 * -1 when it owns none.
 */
export function tagSlot(m: Pick<SlotMaster, 'slots'>, current = -1): number {
  if (current >= 0 && m.slots.some(([s, e]) => current >= s && current <= e)) return current;
  return m.slots[0]?.[0] ?? -1;
}

const ASKING = encodeCommand(['ASKING']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A side connection to one node: requests go one at a time. */
class NodeLink {
  private conn: Promise<RawConn>;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly endpoint: Endpoint,
    o: ConnectOptions,
  ) {
    this.conn = connect(endpoint, { ...o, enableTracking: false });
    this.conn.catch(() => {}); // reported by send()
  }

  /** Write `bytes` (`replies` commands) and resolve with their replies. */
  send(bytes: Buffer, replies: number, timeoutMs: number): Promise<RespValue[]> {
    const next = this.chain.then(async () => exchangeBytes(await this.conn, bytes, replies, timeoutMs, this.endpoint));
    this.chain = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    try {
      (await this.conn).sock.destroy();
    } catch {
      // never connected
    }
  }
}

/** lib/redis's exchange() for commands already encoded (a batch's bytes): write them, collect `n` replies. */
function exchangeBytes(conn: RawConn, bytes: Buffer, n: number, timeoutMs: number, e: Endpoint): Promise<RespValue[]> {
  return new Promise((resolve, reject) => {
    const values: RespValue[] = [];
    const reader = new ReplyReader({ onReply: () => {}, keepValues: true, onValue: (v) => values.push(v) });
    const sock = conn.sock;
    const done = (err?: Error) => {
      clearTimeout(timer);
      conn.onBytes = () => {};
      sock.off('close', onClose);
      if (err) reject(err);
      else resolve(values);
    };
    const onClose = () => done(new Error(`the server closed the redirection connection to ${formatEndpoint(e)}`));
    const timer = setTimeout(
      () => done(new Error(`no reply from ${formatEndpoint(e)} within ${timeoutMs} ms after a redirection`)),
      timeoutMs,
    );
    conn.onBytes = (buf, len) => {
      try {
        reader.feed(buf.subarray(0, len));
      } catch (err) {
        done(err as Error);
        return;
      }
      if (values.length >= n) done();
    };
    sock.on('close', onClose);
    sock.write(bytes);
  });
}

/** Give up on one request after this long; wait this long before resending after TRYAGAIN. */
const DEADLINE_MS = 10_000;
const TRY_AGAIN_MS = 10;

/** The router of one set of clients (a thread's): MOVED refreshes their slot map. */
export class ClusterRouter {
  private readonly links = new Map<string, NodeLink>();
  private refreshing: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly o: ConnectOptions & { host: string; port: number },
    /** The clients whose master and keys' tag slot a refresh updates. */
    private readonly clients: Array<Pick<ClientSpec, 'endpoint' | 'slot'>>,
  ) {}

  /**
   * After MOVED: re-read CLUSTER SLOTS (one refresh at a time) and move every client's tag
   * to a slot its master owns now. The map is read from the node the redirect names — the
   * one that knows of the change first — and from the seed only when that node cannot
   * answer: the seed may not have heard of the move yet.
   */
  private refreshSlots(redirect: string): Promise<void> {
    const o = this.o;
    this.refreshing ??= (async () => {
      const target = redirectTarget(redirect, o.host);
      const fresh =
        (target ? await discoverCluster(target, o).catch(() => null) : null) ??
        (await discoverCluster({ host: o.host, port: o.port }, o).catch(() => null));
      if (!fresh) return;
      for (const c of this.clients) {
        const m = fresh.masters.find((x) => sameEndpoint(x, c.endpoint));
        const slot = m ? tagSlot(m, c.slot) : -1;
        if (slot >= 0) c.slot = slot;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private link(e: Endpoint): NodeLink {
    const key = `${e.host}:${e.port}`;
    if (!this.links.has(key)) this.links.set(key, new NodeLink(e, this.o));
    return this.links.get(key) as NodeLink;
  }

  /**
   * Resend `command` (its RESP bytes), first sent to `origin` and answered with the
   * redirection `reply`, until a final reply; count every redirection seen (the first
   * one included) in `counts`. Resolves with the final error message, or null on success.
   */
  async follow(command: Buffer, reply: string, origin: Endpoint, counts: Redirections): Promise<string | null> {
    const deadline = performance.now() + DEADLINE_MS;
    let message = reply;
    for (let hop = 0; ; hop++) {
      const kind = redirectKind(message);
      if (kind === null) return message;
      counts[kind]++;
      if (this.closed) return null;
      const left = deadline - performance.now();
      if (left <= 0) return `ERR stormdrill gave up after ${hop} cluster redirections in ${DEADLINE_MS} ms (last: ${message})`;
      let target = origin;
      let bytes = command;
      let replies = 1;
      if (kind === 'MOVED') {
        await this.refreshSlots(message);
        target = redirectTarget(message, this.o.host) ?? origin;
      } else if (kind === 'ASK') {
        target = redirectTarget(message, this.o.host) ?? origin;
        bytes = Buffer.concat([ASKING, command]);
        replies = 2;
      } else await sleep(TRY_AGAIN_MS);
      const values = await this.link(target).send(bytes, replies, Math.max(1000, left));
      const last = values[values.length - 1];
      if (!(last instanceof ReplyError)) return null;
      message = last.message;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.links.values()].map((l) => l.close()));
    this.links.clear();
  }
}
