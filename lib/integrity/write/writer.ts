/**
 * The continuous writer: sequence-numbered writes at a rate or as fast as the in-flight
 * window allows, every outcome in the ledger, unavailability windows for writes (and
 * reads with the read probe), reconnects with backoff, cluster slot routing, and Sentinel
 * following: subscribed to `+switch-master` on every Sentinel given, it moves to the new
 * master as soon as any of them announces it (and re-asks the Sentinels when a
 * subscription drops or a connection fails). Writes the old master acknowledged that the
 * new master does not have are counted as the split window. It never stops by itself
 * because the target failed: only stop(), --duration or --max-writes end it.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OptionsError, UserError } from '../../core/errors.js';
import { keyPrefix as runKeyPrefix } from '../../core/naming.js';
import { ReplyError } from '../../core/resp/index.js';
import { LatencyHistogram } from '../../core/stats/index.js';
import {
  ConnectionError,
  defined,
  discover,
  type Endpoint,
  errorKind,
  firstSlotMap,
  formatEndpoint,
  masterIndexOf,
  parseSwitchMaster,
  RespConn,
  type SentinelSubscription,
  type SlotMap,
  sameEndpoint,
  sentinelMaster,
  sentinelSettings,
  subscribeSentinels,
  type Target,
  targetOrThrow,
} from '../../redis/index.js';
import type { WriteMetrics } from '../metrics.js';
import { openOrExplain } from '../router.js';
import { LedgerWriter } from './ledger.js';
import { validateWriteOptions, WRITE_DEFAULTS, type WriteOptions } from './options.js';
import { writeCommandFor, writeKey, writeValue } from './records.js';
import { AckLog, countSplit } from './split.js';
import { isStaleRead, StaleReads } from './stale.js';
import { type UnavailabilityWindow, WindowTracker } from './windows.js';

/** What a writer did (stop() and `done` resolve with it; also the --json document). */
export type WriteResult = ReturnType<Writer['result']>;

/** A master change: who said it, when the writer moved, and what the old master took alone. */
export interface MasterSwitch {
  from: string;
  to: string;
  /** '+switch-master' (the subscription), 'reconnect' (asked after a failed connection), 'resubscribe' (asked after a subscription dropped), 'not-followed' (seen, not followed). */
  reason: '+switch-master' | 'reconnect' | 'resubscribe' | 'not-followed';
  /** The Sentinel whose message moved it (for '+switch-master'). */
  sentinel?: string;
  /** Epoch ms the writer learned of the change. */
  atMs: number;
  /** Epoch ms of the first write acknowledged by the new master (null: none, or not followed). */
  firstWriteMs: number | null;
  /** Writes the old master acknowledged that the new master does not have (null: could not be counted). */
  splitWrites: number | null;
  /** Epoch ms the first of those was sent. */
  splitStartMs?: number;
}

/** Live counters: the `tick` event once a second, and snapshot(). */
export type WriterTick = ReturnType<Writer['snapshot']>;

export interface WriterEvents {
  tick: [WriterTick];
  window: [{ op: 'write' | 'read'; window: UnavailabilityWindow }];
  reconnect: [{ endpoint: string; op: 'write' | 'read' }];
  masterChanged: [{ from: string; to: string; reason: MasterSwitch['reason']; sentinel?: string }];
  /** A +switch-master the writer does not follow (--no-follow-switch-master). */
  switchSeen: [{ from: string; to: string; sentinel: string }];
  /** The split window of a switch was counted. */
  split: [MasterSwitch];
}

/** A FIFO of send times (ms, performance clock). */
class TimeQueue {
  private a = new Float64Array(256);
  private head = 0;
  private tail = 0;
  push(t: number): void {
    if (this.tail === this.a.length) {
      const live = this.tail - this.head;
      if (live * 2 > this.a.length) {
        const n = new Float64Array(this.a.length * 2);
        n.set(this.a.subarray(this.head, this.tail));
        this.a = n;
      } else this.a.copyWithin(0, this.head, this.tail);
      this.head = 0;
      this.tail = live;
    }
    this.a[this.tail++] = t;
  }
  shift(): void {
    if (this.head < this.tail) this.head++;
    if (this.head === this.tail) this.head = this.tail = 0;
  }
  get oldest(): number {
    return this.head < this.tail ? (this.a[this.head] as number) : Number.POSITIVE_INFINITY;
  }
  clear(): void {
    this.head = this.tail = 0;
  }
}

interface Channel {
  conn: RespConn | null;
  connecting: boolean;
  backoff: number;
  sent: TimeQueue;
}

interface Lane {
  ep: Endpoint;
  write: Channel;
  read: Channel;
  /** Sentinel targets: the writes this master acknowledged, to count a split window. */
  acks: AckLog | null;
  /** `ep` came from a +switch-master message: connect without asking the Sentinels first. */
  fresh: boolean;
  /** The switch that moved the lane here (and the old master's acknowledged writes), until the first acknowledged write. */
  arriving: { sw: MasterSwitch; acks: AckLog | null } | null;
  /**
   * The first write sent to this lane's master: the read probe judges staleness only for
   * writes the master it reads from acknowledged (this lane, since this write). A write
   * another master acknowledged and this one lacks was lost with that master (the audit
   * counts it), not read stale.
   */
  sinceSeq: number;
}

const newChannel = (min: number): Channel => ({ conn: null, connecting: false, backoff: min, sent: new TimeQueue() });

export class Writer extends EventEmitter<WriterEvents> {
  private readonly ledger: LedgerWriter;
  private readonly writes = new WindowTracker();
  private readonly readsT = new WindowTracker();
  private readonly hist = new LatencyHistogram();
  private readonly lanes = new Map<string, Lane>();
  private laneList: Lane[] = [];
  private nextSeq = 0;
  private inflight = 0;
  private lastAckedSeq = -1;
  /** The lane (master) that acknowledged lastAckedSeq. */
  private lastAckedLane: Lane | null = null;
  private readonly counts = { acked: 0, failed: 0, unknown: 0 };
  private readonly readCounts = { ok: 0, failed: 0 };
  private readonly stale = new StaleReads();
  private readPending = 0;
  private reconnects = 0;
  private stopping = false;
  private stopPromise: Promise<WriteResult> | null = null;
  private pumping = false;
  private tokens = 0;
  private readTokens = 0;
  private lastRefill = 0;
  private readonly startPerf: number;
  private endPerf = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private mapRefreshing = false;
  private lastMapRefresh = 0;
  private sentinelSub: SentinelSubscription | null = null;
  private readonly switches: MasterSwitch[] = [];
  private readonly splitCounts: Array<Promise<void>> = [];
  /** A +switch-master seen but not followed. */
  private unfollowed: { atMs: number; sentinel: string } | null = null;
  private lastTickAcked = 0;
  /** Resolves when the writer stopped (duration reached, max writes, or stop()). */
  readonly done: Promise<WriteResult>;
  private resolveDone!: (r: WriteResult) => void;

  /** Use startWriter(). */
  constructor(
    private readonly o: WriteOptions & { keyPrefix: string },
    private readonly target: Target,
    masters: Endpoint[],
    private map: SlotMap | null,
    private readonly metrics?: WriteMetrics,
  ) {
    super();
    for (const m of masters) this.laneFor(m);
    mkdirSync(dirname(o.ledgerPath), { recursive: true });
    this.ledger = new LedgerWriter(
      o.ledgerPath,
      { runId: o.runId, mode: o.mode, keyPrefix: o.keyPrefix, valueSize: o.valueSize, startedAt: new Date().toISOString() },
      o.flushMs,
    );
    this.startPerf = performance.now();
    this.lastRefill = this.startPerf;
    this.done = new Promise((r) => {
      this.resolveDone = r;
    });
  }

  private laneFor(ep: Endpoint): Lane {
    const k = formatEndpoint(ep);
    let lane = this.lanes.get(k);
    if (!lane) {
      lane = {
        ep,
        write: newChannel(this.o.backoffMinMs),
        read: newChannel(this.o.backoffMinMs),
        acks: this.target.mode === 'sentinel' ? new AckLog() : null,
        fresh: false,
        arriving: null,
        sinceSeq: this.nextSeq,
      };
      this.lanes.set(k, lane);
      this.laneList.push(lane);
    }
    return lane;
  }

  private laneOfKey(key: string): Lane {
    if (!this.map) return this.laneList[0] as Lane;
    const i = masterIndexOf(this.map, Buffer.from(key));
    return this.laneFor(this.map.masters[Math.max(i, 0)] as Endpoint);
  }

  /** Called by startWriter once the first connection is up. */
  begin(firstConn: RespConn): void {
    const lane = this.laneList[0] as Lane;
    this.attach(lane, lane.write, firstConn, 'write');
    for (const l of this.laneList) if (!l.write.conn) void this.connect(l, l.write, 'write');
    this.timers.push(setInterval(() => this.onTimer(), 5));
    this.timers.push(setInterval(() => this.emitTick(), 1000));
    if (this.o.durationSeconds > 0) this.timers.push(setTimeout(() => void this.stop(), this.o.durationSeconds * 1000));
    if (this.target.mode === 'sentinel') this.watchSentinels();
    this.pump();
  }

  private attach(lane: Lane, ch: Channel, conn: RespConn, op: 'write' | 'read'): void {
    ch.conn = conn;
    ch.backoff = this.o.backoffMinMs;
    ch.sent.clear();
    conn.onClose(() => {
      if (ch.conn !== conn) return;
      ch.conn = null;
      ch.sent.clear();
      if (!this.stopping) void this.connect(lane, ch, op);
    });
  }

  private async connect(lane: Lane, ch: Channel, op: 'write' | 'read'): Promise<void> {
    if (ch.connecting || this.stopping || ch.conn) return;
    ch.connecting = true;
    const tracker = op === 'write' ? this.writes : this.readsT;
    let ok = false;
    try {
      if (this.target.mode === 'sentinel' && !lane.fresh) {
        try {
          this.moveLane(lane, await sentinelMaster(this.target), 'reconnect');
        } catch {
          /* keep the last known master; the Sentinels may be electing */
        }
      }
      lane.fresh = false;
      if (!this.stopping) {
        const ep = lane.ep;
        const conn = await RespConn.open(ep, this.target, Math.min(this.target.connectTimeoutMs, this.o.timeoutMs));
        if (this.stopping) conn.close();
        else if (!sameEndpoint(ep, lane.ep)) {
          // the master changed while connecting: go to the new one now
          conn.close();
          ch.connecting = false;
          void this.connect(lane, ch, op);
          return;
        } else {
          this.reconnects++;
          this.attach(lane, ch, conn, op);
          this.emit('reconnect', { endpoint: formatEndpoint(lane.ep), op });
          ok = true;
        }
      }
    } catch (e) {
      // a node that is no longer a master of the cluster is not an outage: stop retrying it
      if (!this.isCurrentMaster(lane)) {
        ch.connecting = false;
        return;
      }
      tracker.failure(this.nowMs(), e instanceof UserError ? 'AUTH' : errorKind(e));
      if (this.map) this.refreshMap();
    }
    if (ok || this.stopping) {
      ch.connecting = false;
      this.pump();
      return;
    }
    const wait = ch.backoff;
    ch.backoff = Math.min(ch.backoff * 2, this.o.backoffMaxMs);
    setTimeout(() => {
      ch.connecting = false;
      void this.connect(lane, ch, op);
    }, wait);
  }

  private isCurrentMaster(lane: Lane): boolean {
    if (!this.map) return true;
    return this.map.masters.some((m) => sameEndpoint(m, lane.ep));
  }

  /**
   * Another master: point the lane there, drop the old connections (their pending writes
   * become unknown), connect at once, and count the old master's split window once the
   * new master took a write.
   */
  private moveLane(lane: Lane, m: Endpoint, reason: MasterSwitch['reason'], sentinel?: string): void {
    if (sameEndpoint(m, lane.ep) || this.stopping) return;
    const sw = this.recordSwitch(lane.ep, m, reason, sentinel, this.nowMs());
    lane.arriving = { sw, acks: lane.acks };
    lane.acks = lane.acks ? new AckLog() : null;
    lane.ep = m;
    lane.sinceSeq = this.nextSeq;
    lane.fresh = reason === '+switch-master';
    this.unfollowed = null;
    // from the switch to the first write on the new master, writes are unavailable
    this.writes.failure(sw.atMs, 'SWITCH');
    this.emit('masterChanged', { from: sw.from, to: sw.to, reason, sentinel });
    for (const ch of [lane.write, lane.read]) ch.conn?.close(new ConnectionError('SWITCH', 'master changed'));
    if (reason === '+switch-master') void this.connect(lane, lane.write, 'write');
  }

  private recordSwitch(from: Endpoint, to: Endpoint, reason: MasterSwitch['reason'], sentinel: string | undefined, atMs: number) {
    const sw: MasterSwitch = {
      from: formatEndpoint(from),
      to: formatEndpoint(to),
      reason,
      sentinel,
      atMs,
      firstWriteMs: null,
      splitWrites: null,
    };
    this.switches.push(sw);
    return sw;
  }

  /** The first write the new master acknowledged: count what the old one took alone. */
  private arrived(lane: Lane, conn: RespConn, ackMs: number): void {
    const { sw, acks } = lane.arriving as NonNullable<Lane['arriving']>;
    lane.arriving = null;
    sw.firstWriteMs = ackMs;
    if (acks && acks.length > 0) this.countSplitOf(sw, acks, conn);
    else sw.splitWrites = 0;
  }

  private countSplitOf(sw: MasterSwitch, acks: AckLog, conn: RespConn, closeAfter = false): void {
    const p = countSplit(acks, (seq) => writeKey(this.o.keyPrefix, seq), conn)
      .then((r) => {
        sw.splitWrites = r.writes;
        if (r.writes > 0) {
          sw.splitStartMs = r.firstSentMs;
          this.writes.backdate(r.firstSentMs, 'SPLIT', r.writes);
        }
        this.emit('split', sw);
      })
      .catch(() => {
        /* the new master went away too: the split stays uncounted (null) */
      })
      .finally(() => {
        if (closeAfter) conn.close();
      });
    this.splitCounts.push(p);
  }

  /** Subscribe to +switch-master on every Sentinel; re-ask them when a subscription drops or comes back. */
  private watchSentinels(): void {
    const lane = this.laneList[0] as Lane;
    const settings = sentinelSettings(this.target, this.target.sentinelPassword);
    const dropped = new Set<string>();
    this.sentinelSub = subscribeSentinels(this.target.endpoints, settings, {
      channel: '+switch-master',
      onMessage: (m) => {
        const sw = parseSwitchMaster(m.message);
        if (!sw || sw.masterName !== this.target.masterName) return;
        if (this.o.followSwitchMaster) this.moveLane(lane, sw.to, '+switch-master', formatEndpoint(m.sentinel));
        else if (!sameEndpoint(sw.to, lane.ep) && !this.unfollowed) {
          this.unfollowed = { atMs: m.atMs, sentinel: formatEndpoint(m.sentinel) };
          this.emit('switchSeen', { from: formatEndpoint(lane.ep), to: formatEndpoint(sw.to), sentinel: formatEndpoint(m.sentinel) });
        }
      },
      onLink: (at, up) => {
        const k = formatEndpoint(at);
        if (!up) dropped.add(k);
        else if (!dropped.delete(k)) return;
        // a subscription dropped or came back: a +switch-master may have been missed
        if (this.o.followSwitchMaster && !this.stopping)
          sentinelMaster(this.target).then(
            (m) => this.moveLane(lane, m, 'resubscribe'),
            () => {},
          );
      },
    });
  }

  private refreshMap(): void {
    const now = performance.now();
    if (this.mapRefreshing || now - this.lastMapRefresh < 100 || this.stopping) return;
    this.mapRefreshing = true;
    this.lastMapRefresh = now;
    const seeds = [...this.laneList.map((l) => l.ep), ...this.target.endpoints];
    firstSlotMap(seeds, this.target)
      .then((m) => {
        this.map = m;
        for (const ep of m.masters) {
          const l = this.laneFor(ep);
          if (!l.write.conn) void this.connect(l, l.write, 'write');
        }
      })
      .catch(() => {})
      .finally(() => {
        this.mapRefreshing = false;
        this.pump();
      });
  }

  private nowMs(): number {
    return performance.timeOrigin + performance.now();
  }

  private onTimer(): void {
    const now = performance.now();
    // time out unanswered operations: drop the connection, its pending ops become "unknown"
    for (const l of this.laneList) {
      for (const ch of [l.write, l.read]) {
        if (ch.conn && now - ch.sent.oldest > this.o.timeoutMs)
          ch.conn.close(new ConnectionError('TIMEOUT', `no reply within ${this.o.timeoutMs} ms`));
      }
    }
    if (this.stopping) return;
    this.refill(now);
    this.pump();
    if (this.o.readRate > 0) this.probeReads();
  }

  private refill(now: number): void {
    const dt = (now - this.lastRefill) / 1000;
    this.lastRefill = now;
    if (this.o.rate > 0) this.tokens = Math.min(this.tokens + dt * this.o.rate, Math.max(1, this.o.rate * 0.02));
    if (this.o.readRate > 0) this.readTokens = Math.min(this.readTokens + dt * this.o.readRate, Math.max(1, this.o.readRate * 0.02));
  }

  private pump(): void {
    if (this.pumping || this.stopping) return;
    this.pumping = true;
    try {
      const { concurrency, maxWrites, rate, keyPrefix, valueSize, mode } = this.o;
      while (this.inflight < concurrency) {
        if (maxWrites > 0 && this.nextSeq >= maxWrites) {
          if (this.inflight === 0) void this.stop();
          break;
        }
        if (rate > 0 && this.tokens < 1) break;
        const seq = this.nextSeq;
        const key = writeKey(keyPrefix, seq);
        const lane = this.laneOfKey(key);
        const conn = lane.write.conn;
        if (!conn || conn.closed) {
          void this.connect(lane, lane.write, 'write');
          break;
        }
        this.nextSeq++;
        if (rate > 0) this.tokens -= 1;
        this.send(lane, conn, seq, writeCommandFor(mode, key, writeValue(seq, valueSize)));
      }
    } finally {
      this.pumping = false;
    }
  }

  private send(lane: Lane, conn: RespConn, seq: number, args: string[]): void {
    const sent = performance.now();
    const ch = lane.write;
    ch.sent.push(sent);
    this.inflight++;
    conn.send(args, (err, v) => {
      const now = performance.now();
      if (ch.conn === conn) ch.sent.shift();
      this.inflight--;
      const sentMs = performance.timeOrigin + sent;
      if (err) {
        this.counts.unknown++;
        this.ledger.record(seq, 3);
        // a write cut by our own stop is unknown, but not an outage
        if (!(this.stopping && err.kind === 'CLOSED')) this.writes.failure(sentMs, err.kind);
      } else if (v instanceof ReplyError) {
        this.counts.failed++;
        this.ledger.record(seq, 2);
        const kind = errorKind(v);
        this.writes.failure(sentMs, kind);
        if (kind === 'MOVED' || kind === 'ASK' || kind === 'CLUSTERDOWN') this.refreshMap();
        else if (kind === 'READONLY' || kind === 'MASTERDOWN') conn.close(new ConnectionError(kind, 'node is not a writable master'));
      } else {
        this.counts.acked++;
        this.ledger.record(seq, 1);
        if (lane.acks && ch.conn === conn) lane.acks.push(seq, sentMs);
        if (lane.arriving && ch.conn === conn) this.arrived(lane, conn, performance.timeOrigin + now);
        if (seq > this.lastAckedSeq) {
          this.lastAckedSeq = seq;
          this.lastAckedLane = lane;
        }
        this.hist.record((now - sent) * 1000);
        this.metrics?.observe((now - sent) / 1000);
        this.closed('write', this.writes.success(sentMs, performance.timeOrigin + now));
      }
      if (this.stopping) return;
      this.pump();
    });
  }

  private closed(op: 'write' | 'read', w: UnavailabilityWindow | null): void {
    if (!w) return;
    this.emit('window', { op, window: w });
    this.metrics?.windowClosed(op, w.durationMs);
  }

  private probeReads(): void {
    while (this.readTokens >= 1 && this.readPending < 64) {
      this.readTokens -= 1;
      const seq = this.lastAckedSeq;
      const ackedBy = this.lastAckedLane;
      const key = writeKey(this.o.keyPrefix, Math.max(0, seq));
      const lane = this.laneOfKey(key);
      const ch = lane.read;
      const conn = ch.conn;
      if (!conn || conn.closed) {
        void this.connect(lane, ch, 'read');
        return;
      }
      const sent = performance.now();
      const from = formatEndpoint(lane.ep);
      ch.sent.push(sent);
      this.readPending++;
      conn.send(['GET', key], (err, v) => {
        if (ch.conn === conn) ch.sent.shift();
        this.readPending--;
        const sentMs = performance.timeOrigin + sent;
        // reads cut by our own stop are not an outage
        if (this.stopping && err?.kind === 'CLOSED') return;
        if (err || v instanceof ReplyError) {
          this.readCounts.failed++;
          const kind = err ? err.kind : errorKind(v);
          this.readsT.failure(sentMs, kind);
          if (kind === 'MOVED') this.refreshMap();
        } else {
          this.readCounts.ok++;
          // seq was acknowledged before this read was sent (none yet: nothing to be stale against), by this master
          if (seq >= 0 && lane === ackedBy && seq >= lane.sinceSeq)
            this.stale.record(from, sentMs, isStaleRead(this.o.mode, v, seq, this.o.valueSize));
          this.closed('read', this.readsT.success(sentMs, this.nowMs()));
        }
      });
    }
  }

  /** Live counters (for drills). */
  snapshot() {
    return {
      elapsedSeconds: (performance.now() - this.startPerf) / 1000,
      attempted: this.nextSeq,
      ...this.counts,
      /** Acked writes in the last tick, per second. */
      ackedPerSecond: this.counts.acked - this.lastTickAcked,
      reads: { ...this.readCounts },
      errors: { ...this.writes.errorTotals },
      writeWindow: this.writes.openWindow,
      readWindow: this.readsT.openWindow,
      /** Outcomes safely in the ledger file. */
      ledgerRecorded: this.ledger.writtenTotal,
    };
  }

  private emitTick(): void {
    const t = this.snapshot();
    this.lastTickAcked = this.counts.acked;
    this.metrics?.sync(this.counts, t.errors, { write: t.writeWindow !== null, read: t.readWindow !== null });
    this.emit('tick', t);
  }

  /** The highest sequence number acknowledged so far (-1: none yet). */
  lastAcked(): number {
    return this.lastAckedSeq;
  }

  /**
   * At the end of a run in which the writer stayed on a master the Sentinels no longer
   * name (not followed, or no chance yet): count what that master took alone.
   */
  private async countUnfollowed(): Promise<void> {
    const lane = this.laneList[0] as Lane;
    if (!lane.acks || lane.acks.length === 0) return;
    const master = await sentinelMaster(this.target).catch(() => null);
    if (!master || sameEndpoint(master, lane.ep)) return;
    const seen = this.unfollowed;
    const sw = this.recordSwitch(lane.ep, master, 'not-followed', seen?.sentinel, seen?.atMs ?? this.nowMs());
    const conn = await RespConn.open(master, this.target).catch(() => null);
    if (conn) this.countSplitOf(sw, lane.acks, conn, true);
  }

  /** Stop writing, wait for in-flight replies (bounded by the op timeout), close the ledger. */
  stop(): Promise<WriteResult> {
    if (this.stopPromise) return this.stopPromise;
    this.stopping = true;
    this.endPerf = performance.now();
    this.stopPromise = (async () => {
      const deadline = performance.now() + this.o.timeoutMs + 100;
      while ((this.inflight > 0 || this.readPending > 0) && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 2));
        this.onTimer();
      }
      this.sentinelSub?.stop();
      if (this.target.mode === 'sentinel') await this.countUnfollowed();
      await Promise.all(this.splitCounts);
      for (const l of this.laneList) {
        l.write.conn?.close();
        l.read.conn?.close();
      }
      for (const t of this.timers) clearInterval(t);
      this.ledger.close();
      this.metrics?.sync(this.counts, this.writes.errorTotals, { write: false, read: false });
      const r = this.result();
      this.resolveDone(r);
      return r;
    })();
    return this.stopPromise;
  }

  private result() {
    const nowMs = this.nowMs();
    const durationSeconds = (this.endPerf - this.startPerf) / 1000;
    return {
      runId: this.o.runId,
      keyPrefix: this.o.keyPrefix,
      mode: this.o.mode,
      ledgerPath: this.o.ledgerPath,
      target: formatEndpoint((this.laneList[0] as Lane).ep),
      attempted: this.nextSeq,
      ...this.counts,
      reads: { ...this.readCounts },
      /** Read probe: per endpoint read from, reads answered and those older than the key's acknowledged write. */
      staleReads: this.stale.counts(),
      durationSeconds,
      /** Acknowledged writes per second over the run. */
      ackedPerSecond: durationSeconds > 0 ? this.counts.acked / durationSeconds : 0,
      writeWindows: this.writes.windows(nowMs),
      readWindows: this.readsT.windows(nowMs),
      writeUnavailableMs: this.writes.totalMs(nowMs),
      readUnavailableMs: this.readsT.totalMs(nowMs),
      errors: { ...this.writes.errorTotals },
      latencyMs: this.hist.summaryMs(),
      ledgerBytes: this.ledger.bytes,
      reconnects: this.reconnects,
      /** Sentinel targets: whether the writer moved on +switch-master (--no-follow-switch-master turns it off). */
      followSwitchMaster: this.o.followSwitchMaster,
      /** Every master change the writer saw, in order. */
      switches: this.switches.map((s) => ({ ...s })),
      /** Writes the old master acknowledged that the new master does not have (the audit finds them lost). */
      splitWindow: {
        writes: this.switches.reduce((a, s) => a + (s.splitWrites ?? 0), 0),
        switches: this.switches.filter((s) => (s.splitWrites ?? 0) > 0).length,
      },
    };
  }
}

/**
 * Validate, connect (failing fast with one clear line when the target is unreachable or
 * the password is wrong), create the ledger, and start writing.
 */
export async function startWriter(
  input: Partial<WriteOptions> & Pick<WriteOptions, 'runId' | 'ledgerPath'>,
  metrics?: WriteMetrics,
): Promise<Writer> {
  const o = { ...WRITE_DEFAULTS, connection: {}, ...defined(input) } as WriteOptions;
  const problems = validateWriteOptions(o);
  if (problems.length > 0) throw new OptionsError(problems);
  const target = targetOrThrow(o.connection);
  const { masters, map } = await discover(target);
  const first = await openOrExplain(masters[0] as Endpoint, target);
  let w: Writer;
  try {
    w = new Writer({ ...o, keyPrefix: o.keyPrefix ?? runKeyPrefix(o.runId) }, target, masters, map, metrics);
  } catch (e) {
    first.close();
    throw e;
  }
  w.begin(first);
  return w;
}

/** Run a writer until its duration / max writes is reached. */
export async function runWrite(
  input: Partial<WriteOptions> & Pick<WriteOptions, 'runId' | 'ledgerPath'>,
  metrics?: WriteMetrics,
): Promise<WriteResult> {
  const o = { ...WRITE_DEFAULTS, ...defined(input) };
  if (!(o.durationSeconds > 0) && !(o.maxWrites > 0))
    throw new UserError('runWrite needs --duration or --max-writes (or use startWriter() and stop())');
  const w = await startWriter(input, metrics);
  return w.done;
}
