/**
 * fill: bulk load in pipe mode without a file. Commands are generated in-process into
 * reused buffers and pushed over raw sockets with a bounded in-flight window; replies
 * are only counted (ReplyReader counting mode). It ends like `redis-cli --pipe`: an ECHO
 * of a random token per connection, then waiting for every reply. In a cluster keys go
 * to the master owning their slot; through Sentinel to the master it names.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { OptionsError, UserError } from '../../core/errors.js';
import { keyPrefix as runKeyPrefix } from '../../core/naming.js';
import {
  connectRaw,
  defined,
  discover,
  type Endpoint,
  formatEndpoint,
  type RawConn,
  type RespConn,
  slotOfBytes,
  targetOrThrow,
} from '../../redis/index.js';
import { parseInfo } from '../../stack/info.js';
import type { FillMetrics } from '../metrics.js';
import { openOrExplain } from '../router.js';
import { FillGenerator } from './generator.js';
import { FILL_DEFAULTS, type FillOptions, parseMemoryTarget, validateFillOptions } from './options.js';
import { LineReplyCounter } from './reply-counter.js';

export interface FillProgress {
  keys: number;
  bytes: number;
  errors: number;
  elapsedSeconds: number;
  keysPerSecond: number;
  /** 0..1 of the goal (keys or memory), when known. */
  fraction: number | null;
  etaSeconds: number | null;
  usedMemory: number | null;
  targetMemory: number | null;
}

/** What runFill() did (also the --json document). */
export type FillResult = Awaited<ReturnType<typeof runFill>>;

export interface FillEvents {
  progress?: (p: FillProgress) => void;
  warn?: (message: string) => void;
}

interface Lane {
  sock: Socket;
  reader: LineReplyCounter;
  sent: number;
  replies: number;
  buf: PooledBuffer;
  len: number;
  /** Bytes of buf before this were handed to the socket. */
  start: number;
}

/** A send buffer, back in the pool once retired and every write from it has been flushed. */
interface PooledBuffer {
  bytes: Buffer;
  pending: number;
  retired: boolean;
}

interface MemInfo {
  used: number;
  max: number;
  policy: string;
}

async function memInfo(conn: RespConn): Promise<MemInfo> {
  const info = parseInfo(String(await conn.call(['INFO', 'memory'])));
  return { used: Number(info.used_memory ?? 0), max: Number(info.maxmemory ?? 0), policy: info.maxmemory_policy ?? 'noeviction' };
}

const CHUNK = 256 * 1024;

export async function runFill(input: Partial<FillOptions> & Pick<FillOptions, 'runId'>, events: FillEvents = {}, metrics?: FillMetrics) {
  const o = { ...FILL_DEFAULTS, connection: {}, ...defined(input) } as FillOptions;
  const problems = validateFillOptions(o);
  if (problems.length > 0) throw new OptionsError(problems);
  const target = targetOrThrow(o.connection);
  const prefix = o.keyPrefix ?? runKeyPrefix(o.runId);
  const { masters, map } = await discover(target);

  // control connections: memory checks before and during the fill
  const control: RespConn[] = [];
  const lanes: Lane[] = [];
  try {
    for (const m of masters) control.push(await openOrExplain(m, target));
    const mem = await Promise.all(control.map(memInfo));
    const memTarget = o.untilMemory !== undefined ? parseMemoryTarget(o.untilMemory) : null;
    let targetMemory: number | null = null;
    for (const [i, m] of mem.entries()) {
      const where = formatEndpoint(masters[i] as Endpoint);
      if (m.max > 0 && m.policy !== 'noeviction') {
        const msg = `${where} has maxmemory-policy ${m.policy}: the fill will silently evict keys once maxmemory is reached; set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction) or pass --allow-eviction`;
        if (!o.allowEviction) throw new UserError(msg);
        events.warn?.(`warning: ${msg}`);
      }
      if (memTarget && 'percent' in memTarget) {
        if (m.max === 0)
          throw new UserError(
            `${where} has no maxmemory (0): --until-memory ${o.untilMemory} needs one; give a size instead, e.g. --until-memory 2GiB`,
          );
        targetMemory = Math.round((m.max * memTarget.percent) / 100);
      } else if (memTarget) targetMemory = memTarget.bytes;
    }

    // data lanes: raw sockets after the handshake
    let failure: unknown = null;
    let errors = 0;
    const errorSamples: string[] = [];
    for (const m of masters) {
      const raw: RawConn = await connectRaw(m, target);
      const sock = raw.sock;
      const lane: Lane = {
        sock,
        sent: 0,
        replies: 0,
        buf: { bytes: Buffer.alloc(0), pending: 0, retired: false },
        len: 0,
        start: 0,
        reader: new LineReplyCounter((err) => {
          errors++;
          if (errorSamples.length < 5 && !errorSamples.includes(err)) errorSamples.push(err);
        }),
      };
      raw.onBytes = (buf, n) => {
        try {
          lane.reader.feed(buf.subarray(0, n));
        } catch (e) {
          failure ??= new UserError(`${formatEndpoint(m)}: ${(e as Error).message}`);
        }
        lane.replies = lane.reader.replies;
        wake();
      };
      sock.on('drain', () => wake());
      sock.on('error', (e: Error) => {
        failure ??= new UserError(`lost the connection to ${formatEndpoint(m)} during the fill: ${e.message}`);
        wake();
      });
      sock.on('close', () => {
        failure ??= new UserError(`${formatEndpoint(m)} closed the connection during the fill`);
        wake();
      });
      lanes.push(lane);
    }

    const gen = new FillGenerator({
      keyPrefix: prefix,
      type: o.type,
      valueMin: o.valueSizeRange?.[0] ?? o.valueSize,
      valueMax: o.valueSizeRange?.[1] ?? o.valueSize,
      elements: o.elements,
      ttlShare: o.ttlShare,
      ttlSeconds: o.ttlSeconds,
      seed: o.seed,
    });
    const perKey = gen.maxBytesPerKey;
    // Fixed-size strings without TTLs on one master go as MSET of `mset` keys: the same keys
    // and values, fewer commands for the server to dispatch and answer.
    const msetKeys = o.mset > 1 && gen.msetable && lanes.length === 1 ? o.mset : 1;
    const window = Math.max(1, Math.floor(o.window / msetKeys));
    const scratch = Buffer.allocUnsafe(gen.keyLength(Number.MAX_SAFE_INTEGER) + 8);
    const laneOf = (n: number): Lane => {
      if (!map) return lanes[0] as Lane;
      const len = gen.writeKey(scratch, 0, n);
      return lanes[map.owner[slotOfBytes(scratch, 0, len)] as number] as Lane;
    };

    const started = performance.now();
    let next = 0;
    let bytes = 0;
    let stopGenerating = false;
    let stoppedBy: 'keys' | 'memory' | 'time' = 'keys';
    let usedMemory: number | null = mem.length ? Math.max(...mem.map((m) => m.used)) : null;
    const limitKeys = o.keys > 0 ? o.keys : Number.MAX_SAFE_INTEGER;
    const maxPendingBytes = 8 * 1024 * 1024;
    let finishing = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const token = randomBytes(10).toString('hex');

    // Commands go into a large buffer; a flush hands the socket a view of the new bytes
    // and writing continues after them, so a fresh buffer is needed only every few MiB.
    // Buffers are recycled once the socket flushed every write from them: no GC churn.
    const bufSize = Math.max(4 * 1024 * 1024, (CHUNK + perKey * Math.max(64, msetKeys * 2)) * 4);
    const pool: PooledBuffer[] = [];
    const takeBuffer = (): PooledBuffer => {
      const b = pool.pop() ?? { bytes: Buffer.allocUnsafe(bufSize), pending: 0, retired: false };
      b.retired = false;
      return b;
    };
    for (const l of lanes) l.buf = takeBuffer();
    const flush = (l: Lane) => {
      if (l.len === l.start) return;
      bytes += l.len - l.start;
      const pb = l.buf;
      pb.pending++;
      l.sock.write(pb.bytes.subarray(l.start, l.len), () => {
        if (--pb.pending === 0 && pb.retired) pool.push(pb);
      });
      if (pb.bytes.length - l.len < CHUNK + perKey * Math.max(64, msetKeys * 2)) {
        pb.retired = true;
        l.buf = takeBuffer();
        l.len = 0;
      }
      l.start = l.len;
    };

    // Memory per RESP byte sent, learned as the fill goes (2.0 until measured: conservative).
    const startUsed = usedMemory ?? 0;
    let perByte = 2;
    let atPoll = { used: startUsed, bytes: 0 };
    /** RESP bytes whose replies arrived (replies are FIFO; bytes per command are near-uniform). */
    const bytesLanded = () => {
      const sent = lanes.reduce((a, l) => a + l.sent, 0);
      const replies = lanes.reduce((a, l) => a + l.replies, 0);
      return sent > 0 ? (bytes * replies) / sent : 0;
    };
    const measured = (used: number) => {
      const landed = bytesLanded();
      if (landed > 256 * 1024 && used > startUsed) perByte = (used - startUsed) / landed;
      atPoll = { used, bytes: landed };
    };
    /** used_memory expected once every command sent so far is applied (spread evenly over the masters). */
    const projected = () => atPoll.used + (perByte * (bytes - atPoll.bytes)) / lanes.length;
    let toppingUp = false;

    let producing = false;
    function wake(): void {
      if (producing) return;
      producing = true;
      try {
        produce();
      } finally {
        producing = false;
      }
    }

    /** Read used_memory on every master; at or above `goal`, stop generating. True when reached. */
    async function measureMemory(goal: number): Promise<boolean> {
      const ms = await Promise.all(control.map(memInfo));
      usedMemory = Math.max(...ms.map((m) => m.used));
      measured(usedMemory);
      if (usedMemory < goal) return false;
      stoppedBy = 'memory';
      stopGenerating = true;
      return true;
    }

    /** Near the goal: let the commands in flight land, measure, and top up if still below. */
    function measureAndResume(goal: number): void {
      toppingUp = true;
      measureMemory(goal)
        .catch((e) => {
          failure ??= e;
        })
        .finally(() => {
          toppingUp = false;
          wake();
        });
    }

    function produce(): void {
      if (failure) {
        resolveDone();
        return;
      }
      if (!finishing) {
        for (;;) {
          if (stopGenerating || next >= limitKeys) break;
          if (targetMemory !== null && projected() >= targetMemory) {
            if (!toppingUp && lanes.every((l) => l.replies >= l.sent)) measureAndResume(targetMemory);
            return;
          }
          // back-pressure: every lane under its window and socket buffer
          let blocked = false;
          for (const l of lanes) if (l.sent - l.replies >= window || l.sock.writableLength >= maxPendingBytes) blocked = true;
          if (blocked) return;
          const end = Math.min(limitKeys, next + 512);
          if (msetKeys > 1) {
            const l = lanes[0] as Lane;
            while (next < end) {
              const c = Math.min(msetKeys, end - next);
              l.len = gen.writeMset(l.buf.bytes, l.len, next, c);
              l.sent += 1;
              next += c;
              if (l.len - l.start >= CHUNK) flush(l);
            }
          } else {
            for (; next < end; next++) {
              const l = laneOf(next);
              l.len = gen.write(l.buf.bytes, l.len, next);
              l.sent += gen.lastCommands;
              if (l.len - l.start >= CHUNK) flush(l);
            }
          }
          for (const l of lanes) flush(l);
        }
        finishing = true;
        // end like redis-cli --pipe: ECHO a random token and wait for it
        for (const l of lanes) {
          const echo = `*2\r\n$4\r\nECHO\r\n$${token.length}\r\n${token}\r\n`;
          l.sock.write(echo);
          bytes += echo.length;
          l.sent++;
        }
      }
      if (lanes.every((l) => l.replies >= l.sent)) resolveDone();
    }

    const progress = () => {
      const elapsed = (performance.now() - started) / 1000;
      const fraction =
        targetMemory !== null && usedMemory !== null ? Math.min(1, usedMemory / targetMemory) : o.keys > 0 ? next / o.keys : null;
      metrics?.sync(next, bytes);
      events.progress?.({
        keys: next,
        bytes,
        errors,
        elapsedSeconds: elapsed,
        keysPerSecond: elapsed > 0 ? next / elapsed : 0,
        fraction,
        etaSeconds: fraction !== null && fraction > 0 ? (elapsed * (1 - fraction)) / fraction : null,
        usedMemory,
        targetMemory,
      });
    };

    const timers: NodeJS.Timeout[] = [];
    timers.push(setInterval(progress, 250));
    timers.push(
      setTimeout(() => {
        stoppedBy = 'time';
        stopGenerating = true;
        wake();
      }, o.maxSeconds * 1000),
    );
    if (targetMemory !== null) {
      const goal = targetMemory;
      let polling = false;
      let pollTick = 0;
      timers.push(
        setInterval(() => {
          if (polling || stopGenerating || toppingUp) return;
          // poll every tick near the goal, every 5th tick before
          if ((usedMemory ?? 0) < goal * 0.7 && ++pollTick % 5 !== 0) return;
          polling = true;
          measureMemory(goal)
            .then((reached) => {
              if (reached) wake();
            })
            .catch(() => {})
            .finally(() => {
              polling = false;
            });
        }, o.memoryPollMs),
      );
    }
    // a stall guard: no reply progress for 30 s while waiting is a failure, not a hang
    let lastReplies = -1;
    let stalledSince = performance.now();
    timers.push(
      setInterval(() => {
        const r = lanes.reduce((a, l) => a + l.replies, 0);
        if (r !== lastReplies) {
          lastReplies = r;
          stalledSince = performance.now();
        } else if (performance.now() - stalledSince > 30_000) {
          failure ??= new UserError('the server stopped answering during the fill (no reply for 30 s)');
          resolveDone();
        }
      }, 1000),
    );

    wake();
    await done;
    for (const t of timers) clearInterval(t);
    if (failure) throw failure;
    const durationSeconds = (performance.now() - started) / 1000;
    const finalMem = await Promise.all(control.map(memInfo)).catch(() => null);
    if (finalMem) usedMemory = Math.max(...finalMem.map((m) => m.used));
    progress();
    return {
      runId: o.runId,
      keyPrefix: prefix,
      target: masters.map(formatEndpoint).join(','),
      keys: next,
      /** RESP bytes sent. */
      bytes,
      /** Error replies (e.g. OOM). */
      errors,
      errorSamples,
      commands: lanes.reduce((a, l) => a + l.sent, 0),
      durationSeconds,
      keysPerSecond: durationSeconds > 0 ? next / durationSeconds : 0,
      stoppedBy,
      usedMemory,
      maxmemory: mem.length ? Math.max(...mem.map((m) => m.max)) : null,
      targetMemory,
    };
  } finally {
    for (const c of control) c.close();
    for (const l of lanes) l.sock.destroy();
  }
}
