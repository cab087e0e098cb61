/**
 * A small TCP fault proxy (node:net) in front of one node, controlled in-process:
 * pass-through, blackhole, latency, reset and bandwidth faults, heal().
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { StartError } from '../core/errors.js';
import type { ConnIdentity } from './classify.js';
import { chunkFate, classifyBusConnection, classifyConnection, SNIFF_LIMIT, schedule } from './classify.js';
import type { ConnClass, FaultProxy, NetworkFault, ProxyProtocol, ProxyStats } from './types.js';

interface Pending {
  buf: Buffer;
  dueAt: number;
}

/** Bytes a lane may queue (latency/bandwidth) before it stops reading its source. */
const QUEUE_HIGH_WATER = 1 << 20;

/** One direction of one connection, with backpressure: the source is paused while the
 * destination's buffer is full, the delay queue is over its high-water mark, or a
 * blackhole holds bytes. */
class Lane {
  queue: Pending[] = [];
  queuedBytes = 0;
  /** Bytes held by a blackhole (delivered on heal). */
  held: Buffer[] = [];
  lastDue = 0;
  timer: NodeJS.Timeout | null = null;
  endPending = false;
  private waitingDrain = false;
  constructor(
    readonly name: 'up' | 'down',
    readonly source: Socket,
    readonly dest: Socket,
  ) {}

  /** Write to the destination, pausing the source until it drains if needed. */
  write(buf: Buffer): void {
    if (this.dest.destroyed) return;
    if (!this.dest.write(buf) && !this.waitingDrain) {
      this.waitingDrain = true;
      this.source.pause();
      this.dest.once('drain', () => {
        this.waitingDrain = false;
        this.maybeResume();
      });
    }
  }

  hold(buf: Buffer): void {
    this.held.push(buf);
    this.source.pause();
  }

  maybeResume(): void {
    if (this.held.length === 0 && this.queuedBytes < QUEUE_HIGH_WATER && !this.waitingDrain && this.source.isPaused()) this.source.resume();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const p of this.queue) this.write(p.buf);
    this.queue = [];
    this.queuedBytes = 0;
    for (const b of this.held) this.write(b);
    this.held = [];
    this.lastDue = 0;
    this.maybeResume();
    if (this.endPending && !this.dest.destroyed) this.dest.end();
  }

  enqueue(p: Pending): void {
    this.queue.push(p);
    this.queuedBytes += p.buf.length;
    this.lastDue = p.dueAt;
    if (this.queuedBytes >= QUEUE_HIGH_WATER) this.source.pause();
    if (!this.timer) this.arm();
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head) {
      if (this.endPending && !this.dest.destroyed) this.dest.end();
      return;
    }
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = Date.now();
        while (this.queue.length > 0 && (this.queue[0] as Pending).dueAt <= now + 1) {
          const p = this.queue.shift() as Pending;
          this.queuedBytes -= p.buf.length;
          this.write(p.buf);
        }
        this.maybeResume();
        this.arm();
      },
      Math.max(0, head.dueAt - Date.now()),
    );
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queuedBytes = 0;
    this.held = [];
  }
}

class Conn {
  /** Who is on the other end, once its first bytes tell: its class, and a replica's announced port, a Sentinel's or a Cluster node's id. */
  who: ConnIdentity = { cls: 'unknown' };
  /** One end closed while a cut held this connection: the other end hears of it on heal. */
  private closePending = false;
  private sniff: Buffer = Buffer.alloc(0);
  readonly up: Lane;
  readonly down: Lane;
  closed = false;

  constructor(
    readonly proxy: TcpFaultProxy,
    readonly client: Socket,
    readonly server: Socket,
  ) {
    this.up = new Lane('up', client, server);
    this.down = new Lane('down', server, client);
    client.on('data', (d) => this.onData(d, this.up));
    server.on('data', (d) => this.onData(d, this.down));
    client.on('end', () => this.onEnd(this.up));
    server.on('end', () => this.onEnd(this.down));
    for (const s of [client, server]) {
      s.on('error', () => this.onClose(true));
      s.on('close', () => this.onClose(false));
    }
  }

  private onData(d: Buffer, lane: Lane): void {
    if (lane.name === 'up' && this.who.cls === 'unknown') {
      this.sniff = Buffer.concat([this.sniff, d]);
      const c = this.proxy.protocol === 'cluster-bus' ? classifyBusConnection(this.sniff) : classifyConnection(this.sniff);
      if (c) {
        this.who = c;
        this.sniff = Buffer.alloc(0);
        const f = this.proxy.fault;
        if (f?.kind === 'reset' && this.fate(f, 'up').act === 'drop') {
          this.close(true);
          return;
        }
      } else if (this.sniff.length >= SNIFF_LIMIT) {
        this.who = { cls: this.proxy.protocol === 'cluster-bus' ? 'bus' : 'client' };
      }
    }
    const st = this.proxy.counters;
    const side = lane.name === 'up' ? 'Up' : 'Down';
    const fate = this.fate(this.proxy.fault, lane.name);
    if (fate.act === 'drop') {
      st[`dropped${side}`] += d.length;
      return;
    }
    if (fate.act === 'hold') {
      st[`held${side}`] += d.length;
      lane.hold(d);
      return;
    }
    st[`bytes${side}`] += d.length;
    if (fate.act === 'pass' && lane.queue.length === 0) {
      lane.write(d);
      return;
    }
    for (const piece of schedule(d.length, fate, Date.now(), lane.lastDue)) {
      lane.enqueue({ buf: d.subarray(piece.offset, piece.offset + piece.length), dueAt: piece.dueAt });
    }
  }

  /** What `f` does to this connection's chunks on `lane`. */
  fate(f: NetworkFault | null, lane: 'up' | 'down') {
    return chunkFate(f, this.who, lane);
  }

  /** A cut holds this connection now (its closes wait for heal). */
  private cutHolds(): boolean {
    const f = this.proxy.fault;
    return f?.kind === 'cut' && this.fate(f, 'up').act === 'hold';
  }

  /** An end closed: across a cut the other end hears nothing until heal. */
  private onClose(reset: boolean): void {
    if (!this.closed && this.cutHolds()) {
      this.closePending = true;
      return;
    }
    this.close(reset);
  }

  private onEnd(lane: Lane): void {
    if (this.cutHolds()) {
      lane.endPending = true;
      return;
    }
    if (lane.queue.length === 0 && lane.held.length === 0) {
      if (!lane.dest.destroyed) lane.dest.end();
    } else lane.endPending = true;
  }

  /** Flush queued bytes (after a fault changes); a close held by a cut goes through now. */
  flush(): void {
    this.up.flush();
    this.down.flush();
    if (this.closePending) this.close(false);
  }

  close(reset: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.up.clear();
    this.down.clear();
    for (const s of [this.client, this.server]) {
      if (s.destroyed) continue;
      // RST only a connected socket: resetAndDestroy() on one still connecting (or already
      // half-closed) leaves a handle whose close never completes, and Node then spins at exit.
      if (reset && !s.connecting && s.readyState === 'open') s.resetAndDestroy();
      else s.destroy();
    }
    this.proxy.forget(this);
  }
}

export interface StartProxyOptions {
  /** Port to listen on; 0: one the kernel picks (read it back from `listenPort`). */
  listenPort: number;
  target: { host: string; port: number };
  host?: string;
  /** Initial fault (default pass-through). */
  fault?: NetworkFault | null;
  /** What the connections speak (how they are told apart); default 'resp'. */
  protocol?: ProxyProtocol;
}

export class TcpFaultProxy implements FaultProxy {
  readonly host: string;
  private port: number;
  readonly target: { host: string; port: number };
  readonly protocol: ProxyProtocol;
  private current: NetworkFault | null;
  private readonly server: Server;
  private readonly conns = new Set<Conn>();
  readonly counters: ProxyStats = {
    open: 0,
    accepted: 0,
    refused: 0,
    bytesUp: 0,
    bytesDown: 0,
    droppedUp: 0,
    droppedDown: 0,
    heldUp: 0,
    heldDown: 0,
  };

  private constructor(o: StartProxyOptions) {
    this.host = o.host ?? '127.0.0.1';
    this.port = o.listenPort;
    this.target = o.target;
    this.protocol = o.protocol ?? 'resp';
    this.current = o.fault ?? null;
    this.server = createServer({ noDelay: true }, (client) => this.accept(client));
  }

  static async start(o: StartProxyOptions): Promise<TcpFaultProxy> {
    const p = new TcpFaultProxy(o);
    await new Promise<void>((resolve, reject) => {
      p.server.once('error', (e) =>
        reject(new StartError(`fault proxy could not listen on ${p.host}:${o.listenPort}: ${(e as Error).message}`)),
      );
      p.server.listen({ host: p.host, port: o.listenPort, exclusive: true }, () => resolve());
    });
    const a = p.server.address();
    if (a && typeof a === 'object') p.port = a.port;
    return p;
  }

  /** The port it listens on (the bound one when started with 0). */
  get listenPort(): number {
    return this.port;
  }

  get fault(): NetworkFault | null {
    return this.current;
  }

  private accept(client: Socket): void {
    const f = this.current;
    if (f?.kind === 'reset' && (f.scope ?? 'all') === 'all' && f.peerPort === undefined) {
      this.counters.refused++;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    this.counters.accepted++;
    client.setNoDelay(true);
    const server = connect({ host: this.target.host, port: this.target.port });
    server.setNoDelay(true);
    const conn = new Conn(this, client, server);
    this.conns.add(conn);
    this.counters.open = this.conns.size;
  }

  forget(c: Conn): void {
    this.conns.delete(c);
    this.counters.open = this.conns.size;
  }

  setFault(f: NetworkFault | null): void {
    for (const c of this.conns) c.flush();
    this.current = f;
    if (f?.kind === 'reset') {
      for (const c of [...this.conns]) {
        if (c.fate(f, 'up').act === 'drop') c.close(true);
      }
    }
  }

  heal(): void {
    this.setFault(null);
  }

  stats(): ProxyStats {
    return { ...this.counters, open: this.conns.size };
  }

  /** Connection classes open now (for status and tests). */
  connectionClasses(): ConnClass[] {
    return [...this.conns].map((c) => c.who.cls);
  }

  async stop(): Promise<void> {
    for (const c of [...this.conns]) c.close(false);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function startFaultProxy(o: StartProxyOptions): Promise<TcpFaultProxy> {
  return TcpFaultProxy.start(o);
}
