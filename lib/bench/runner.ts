/**
 * The hot path: a closed loop per connection over raw sockets. Each connection writes a
 * batch of -P pre-built commands, takes the latency from the first write to the first
 * reply byte, records it for every reply of the batch, and writes the next batch once the
 * whole batch is answered (redis-benchmark's model). With --rate the loop is open: batches
 * are due at fixed intended times and latency is measured from the intended time.
 */
import { ReplyReader } from '../core/resp/index.js';
import { type LatencyHistogram, PerSecondSeries } from '../core/stats/index.js';
import type { Endpoint, RawConn } from '../redis/index.js';
import { type ConnectOptions, connect } from './connection.js';
import { noRedirections, type Redirections, redirectKind } from './redirections.js';
import type { Batch } from './template.js';

/** One client's setup. */
export interface ClientSpec {
  endpoint: Endpoint;
  batch: Batch;
  /** Next `__rand_int__` number; null leaves the placeholder (no -r). */
  nextKey: (() => number) | null;
  /** Cluster slot whose hash tag fills `{tag}` (-1: none); the slot map refresh may change it. */
  slot: number;
}

/** Follows a cluster redirection to its final reply (cluster-router.ts). */
export interface Redirector {
  /** Resolves with the final error message, or null when the request succeeded. */
  follow(command: Buffer, reply: string, origin: Endpoint, counts: Redirections): Promise<string | null>;
}

export interface RunParams {
  clients: ClientSpec[];
  connect: ConnectOptions;
  pipeline: number;
  /** Stop after this many requests (ignored when durationMs is set). */
  requests: number;
  /**
   * Worker threads: `requests` counted across all of them, as redis-benchmark's threads
   * share one counter: each batch claims its requests here, so no thread idles while
   * another still has a share left (each slot: requests issued so far).
   */
  issuedAcrossThreads?: BigInt64Array;
  /** This thread's slot in issuedAcrossThreads (0 unless -n is split per master); `requests` is that slot's share. */
  issuedSlot?: number;
  durationMs?: number;
  warmupMs?: number;
  /** Total requests per second (open model). */
  rate?: number;
  keepAlive: boolean;
  /** Number of distinct commands (mixes: one histogram each). */
  kinds: number;
  newHistogram: () => LatencyHistogram;
  /** Called every `tickMs` while running. */
  onTick?: (p: Progress) => void;
  tickMs?: number;
  /** First error reply of each kind. */
  onNewError?: (kind: string, message: string) => void;
  /** Cluster mode: MOVED/ASK/TRYAGAIN replies are followed here instead of counted as errors. */
  router?: Redirector;
  /** Stop early (Ctrl-C): resolves the run with what was measured so far. */
  signal?: AbortSignal;
  /**
   * Worker threads: called once every connection is open; timing starts when `startGate`
   * resolves, so threads that started late do not shorten the others' measured time.
   */
  onConnected?: () => void;
  startGate?: Promise<void>;
}

export interface Progress {
  finished: number;
  elapsedMs: number;
  /** Since the previous tick. */
  intervalFinished: number;
  intervalAvgUs: number;
  overallAvgUs: number;
}

export interface RunResult {
  finished: number;
  elapsedMs: number;
  histogram: LatencyHistogram;
  /** Per command (mixes); index = kind. */
  kindHistograms: LatencyHistogram[];
  kindFinished: number[];
  errors: Record<string, number>;
  /** The first error message of each error kind. */
  errorMessages: Record<string, string>;
  /** Errors per kind of command (mixes). */
  kindErrors: number[];
  /** Cluster redirections followed (not errors). */
  redirections: Redirections;
  series: PerSecondSeries;
  reconnects: number;
}

const now = () => performance.now();
const ignore = () => {};

/** Kind of an error reply: its first word (OOM, WRONGTYPE, MOVED, ERR...). */
export function errorKind(message: string): string {
  const sp = message.indexOf(' ');
  return sp === -1 ? message : message.slice(0, sp);
}

export async function runBenchmark(p: RunParams): Promise<RunResult> {
  const P = p.pipeline;
  const shared = p.issuedAcrossThreads;
  const issuedSlot = p.issuedSlot ?? 0;
  const batchClaim = BigInt(P);
  const requestsTotal = BigInt(p.requests);
  const router = p.router;
  const mix = p.kinds > 1;
  const histogram = p.newHistogram();
  const kindHistograms = mix ? Array.from({ length: p.kinds }, () => p.newHistogram()) : [];
  const kindFinished = new Array<number>(p.kinds).fill(0);
  const kindErrors = new Array<number>(p.kinds).fill(0);
  const errors: Record<string, number> = {};
  const errorMessages: Record<string, string> = {};
  const redirections = noRedirections();
  let reconnects = 0;
  let finished = 0;
  let issued = 0;
  let recording = !(p.warmupMs && p.warmupMs > 0);
  let startMs = now();
  let endMs = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  let series = new PerSecondSeries(Date.now());
  let tickFinished = 0;
  let tickLatSum = 0;
  let totalLatSum = 0;
  let stopping = false;
  let lastFinished = 0;
  const seenErrors = new Set<string>();

  const conns: RawConn[] = await Promise.all(p.clients.map((c) => connect(c.endpoint, p.connect)));
  if (p.startGate) {
    p.onConnected?.();
    await p.startGate;
    startMs = now();
    series = new PerSecondSeries(Date.now());
  }

  return await new Promise<RunResult>((resolve, reject) => {
    let live = p.clients.length;
    let failed = false;
    const timers: NodeJS.Timeout[] = [];
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      cleanup();
      reject(err);
    };
    let closed = false;
    const cleanup = () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const c of conns) c.sock.destroy();
      p.signal?.removeEventListener('abort', onAbort);
    };
    const clientDone = () => {
      live--;
      if (live === 0 && !failed) {
        endMs = now();
        cleanup();
        resolve({
          finished,
          elapsedMs: Math.max(endMs - startMs, 0.001),
          histogram,
          kindHistograms,
          kindFinished,
          errors,
          errorMessages,
          kindErrors,
          redirections,
          series,
          reconnects,
        });
      }
    };
    const onAbort = () => {
      stopping = true;
    };
    p.signal?.addEventListener('abort', onAbort);

    const beginMeasuring = () => {
      recording = true;
      histogram.reset();
      for (const h of kindHistograms) h.reset();
      kindFinished.fill(0);
      kindErrors.fill(0);
      totalLatSum = 0;
      tickFinished = 0;
      tickLatSum = 0;
      lastFinished = 0;
      startMs = now();
      series = new PerSecondSeries(Date.now());
      issued = 0;
      finished = 0;
      if (p.durationMs !== undefined) stopAt = startMs + p.durationMs;
    };
    if (!recording) {
      const t = setTimeout(beginMeasuring, p.warmupMs);
      timers.push(t);
    } else if (p.durationMs !== undefined) stopAt = startMs + p.durationMs;

    if (p.onTick) {
      const tick = () => {
        if (!recording) return; // nothing from the warm-up is reported
        const f = finished;
        const inter = f - lastFinished;
        lastFinished = f;
        p.onTick?.({
          finished: f,
          elapsedMs: now() - startMs,
          intervalFinished: inter,
          intervalAvgUs: tickFinished > 0 ? tickLatSum / tickFinished : Number.NaN,
          overallAvgUs: f > 0 ? totalLatSum / f : Number.NaN,
        });
        tickFinished = 0;
        tickLatSum = 0;
      };
      const iv = setInterval(tick, p.tickMs ?? 250);
      timers.push(iv as unknown as NodeJS.Timeout);
    }

    // Sends follow redis-benchmark's event loop. It answers a reply by arming a writable
    // event that fires in its *next* pass, interleaved with that pass's reads. So here: a
    // reply queues its client's next send; the sends queued in one pass are due in the next,
    // where each incoming read first lets one due send go out, and the check phase sends
    // the rest. Sending in the same pass instead (one burst in the check phase) put the p50
    // at 1.30-1.34x redis-benchmark's; this scheme 1.09-1.27x at the same rps. The rest of
    // the gap is where the 50 requests queue (docs/bench.md#speed, measured with perf):
    // redis-benchmark handles 14-17 requests per poll and redis-server 5-9, this loop 6-8
    // and redis-server 14-18, so here they wait inside the server.
    let queued: Array<() => void> = [];
    let ready: Array<() => void> = [];
    let readyHead = 0;
    let passScheduled = false;
    const pass = () => {
      passScheduled = false;
      for (let i = readyHead; i < ready.length; i++) (ready[i] as () => void)();
      ready.length = 0;
      readyHead = 0;
      const t = ready;
      ready = queued;
      queued = t;
      if (ready.length > 0) {
        passScheduled = true;
        setImmediate(pass);
      }
    };
    const drainOne = () => {
      if (readyHead < ready.length) (ready[readyHead++] as () => void)();
    };
    const queueSend = (fn: () => void) => {
      queued.push(fn);
      if (!passScheduled) {
        passScheduled = true;
        setImmediate(pass);
      }
    };

    const perClientIntervalMs = p.rate ? (p.clients.length * P * 1000) / p.rate : 0;

    p.clients.forEach((spec, index) => {
      let conn = conns[index] as RawConn;
      let sock = conn.sock;
      const batch = spec.batch;
      const buf = batch.buf;
      let view = buf;
      let sentAt = 0;
      let latencyUs = -1;
      let pending = 0;
      let pos = 0;
      let batchRecorded = 0;
      let batchErrors = 0;
      let done = false;
      let intended = now() + (perClientIntervalMs * index) / p.clients.length;

      const finish = () => {
        if (done) return;
        done = true;
        conn.onBytes = ignore;
        clientDone();
      };

      /** Count one answered request; true when it goes into this batch's latency record. */
      const countReply = (kind: number, err: string | null): boolean => {
        let counted = false;
        if (recording) {
          finished++;
          if (finished <= p.requests || p.durationMs !== undefined) {
            counted = true;
            if (mix) {
              kindHistograms[kind]?.record(latencyUs);
              kindFinished[kind] = (kindFinished[kind] as number) + 1;
            }
          }
        }
        if (err !== null) {
          const k = errorKind(err);
          if (recording) {
            const prev = errors[k];
            errors[k] = prev === undefined ? 1 : prev + 1;
            if (mix) kindErrors[kind] = (kindErrors[kind] as number) + 1;
          }
          if (!seenErrors.has(k)) {
            seenErrors.add(k);
            errorMessages[k] = err;
            p.onNewError?.(k, err);
          }
        }
        return counted;
      };

      /** Positions of this batch answered with a cluster redirection, and those replies. */
      const redirected: Array<[number, string]> = [];

      const onReply = (err: string | null) => {
        const at = pos++;
        pending--;
        if (err !== null && router !== undefined && redirectKind(err) !== null) redirected.push([at, err]);
        else if (countReply(mix ? (batch.kinds[at] as number) : 0, err)) {
          batchRecorded++;
          if (err !== null) batchErrors++;
        }
        if (pending === 0) batchDone();
      };

      /** Follow this batch's redirections one by one, each request counted with its whole latency. */
      const followRedirects = async () => {
        const r = router as Redirector;
        for (const [at, reply] of redirected) {
          const final = await r.follow(batch.command(at), reply, spec.endpoint, redirections);
          if (failed || closed) return;
          const us = (now() - sentAt) * 1000;
          latencyUs = us;
          if (countReply(mix ? (batch.kinds[at] as number) : 0, final)) {
            histogram.record(us);
            series.add(Date.now(), 1, final === null ? 0 : 1);
            tickFinished++;
            tickLatSum += us;
            totalLatSum += us;
          }
        }
        redirected.length = 0;
        next();
      };

      let reader = new ReplyReader({ onReply });

      const onBytes = (buf: Buffer, n: number) => {
        if (latencyUs < 0) latencyUs = (now() - sentAt) * 1000;
        drainOne();
        try {
          reader.feed(n === buf.length ? buf : buf.subarray(0, n));
        } catch (err) {
          fail(err as Error);
        }
      };

      const attach = (c: RawConn) => {
        const s = c.sock;
        c.onBytes = onBytes;
        s.on('error', (err) => {
          if (!done && !stopping) fail(new Error(`connection to ${spec.endpoint.host}:${spec.endpoint.port} failed: ${err.message}`));
        });
        s.on('close', () => {
          if (!done && !stopping && s === sock)
            fail(new Error(`the server closed connection ${index + 1} (${spec.endpoint.host}:${spec.endpoint.port})`));
          else if (!done && s === sock) finish();
        });
      };
      attach(conn);

      const batchDone = () => {
        if (batchRecorded > 0) {
          histogram.recordN(latencyUs, batchRecorded);
          series.add(Date.now(), batchRecorded, batchErrors);
          tickFinished += batchRecorded;
          tickLatSum += latencyUs * batchRecorded;
          totalLatSum += latencyUs * batchRecorded;
        }
        if (redirected.length > 0) {
          followRedirects().catch((err) => fail(err as Error));
          return;
        }
        next();
      };

      /** After a whole batch is answered: the next one (or a reconnect, or a wait for --rate). */
      const next = () => {
        if (!p.keepAlive && !stopping) {
          reconnect();
          return;
        }
        if (p.rate) {
          intended += perClientIntervalMs;
          const wait = intended - now();
          if (wait > 1) {
            // at most one pending timer per client; send() does nothing once the run closed
            setTimeout(send, wait);
            return;
          }
        }
        queueSend(send);
      };

      const reconnect = () => {
        const old = sock;
        conn.onBytes = ignore;
        old.removeAllListeners('close');
        old.on('error', () => {});
        old.destroy();
        reconnects++;
        connect(spec.endpoint, p.connect).then(
          (c) => {
            conn = c;
            sock = c.sock;
            conns[index] = c;
            reader = new ReplyReader({ onReply });
            attach(c);
            send();
          },
          (err) => fail(err as Error),
        );
      };

      const send = () => {
        if (failed || done || closed) return;
        if (stopping) return finish();
        if (p.durationMs === undefined) {
          if (recording && shared) {
            if (Atomics.add(shared, issuedSlot, batchClaim) >= requestsTotal) return finish();
          } else if (recording) {
            if (issued >= p.requests) return finish();
            issued += P;
          }
        } else if (recording && now() >= stopAt) return finish();
        const len = batch.prepare(spec.nextKey, spec.slot);
        if (len !== view.length) view = buf.subarray(0, len);
        pending = P;
        pos = 0;
        batchRecorded = 0;
        batchErrors = 0;
        latencyUs = -1;
        const t = now();
        sentAt = p.rate ? Math.min(intended, t) : t;
        sock.write(view);
      };

      if (p.rate) {
        const wait = intended - now();
        const t = setTimeout(send, Math.max(0, wait));
        timers.push(t);
      } else send();
    });
  });
}
