/**
 * The mirror proxy (the I/O edge): clients talk to it as to the primary and get the
 * primary's answer, untouched and never delayed by the mirror. Each request is also sent
 * to the mirror (bounded concurrency, its own connection pool and timeout); the two answers
 * are compared when both are in. A mirror that is slow, down or wrong never reaches the
 * client: it only shows up in the counts.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buffer } from 'node:stream/consumers';
import { type Captured, compareResponses, type MirrorOutcome, parseJson } from './compare.js';
import { IdMap } from './ids.js';
import type { MirrorObserver } from './metrics.js';
import { MirrorStats, routeOf } from './stats.js';

export interface MirrorProxyOptions {
  listenHost: string;
  listenPort: number;
  primary: URL;
  mirror: URL;
  ignoreFields: ReadonlySet<string>;
  mapFields: ReadonlySet<string>;
  mirrorTimeoutMs: number;
  mirrorConcurrency: number;
  /** Larger request bodies go to the primary only (counted as dropped). */
  maxMirrorBodyBytes: number;
  maxSamples?: number;
  /** Called after each request's primary answer went to the client. */
  onRequest?: () => void;
  /** Metrics (or anything else) told what the stats are told. */
  observer?: MirrorObserver;
}

export interface MirrorProxy {
  url: string;
  port: number;
  stats: MirrorStats;
  /** Stop accepting, wait (bounded) for mirrored requests in flight, close the pools. */
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers to pass on to either side, with this content-length if given. */
function forwardHeaders(h: IncomingHttpHeaders, contentLength?: number): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k) && k !== 'host' && k !== 'content-length') out[k] = v;
  if (contentLength !== undefined) out['content-length'] = contentLength;
  return out;
}

/**
 * The primary's answer headers as it sent them (names with their case, order, values,
 * Content-Length included, also for HEAD, 204 and 304), without the hop-by-hop ones
 * (those and the ones its Connection header names belong to its connection with the proxy).
 */
export function answerHeaders(raw: readonly string[]): string[] {
  const drop = new Set(HOP_BY_HOP);
  for (let i = 0; i + 1 < raw.length; i += 2)
    if ((raw[i] as string).toLowerCase() === 'connection')
      for (const name of (raw[i + 1] as string).split(',')) drop.add(name.trim().toLowerCase());
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (!drop.has((raw[i] as string).toLowerCase())) out.push(raw[i] as string, raw[i + 1] as string);
  return out;
}

/** A request body's content-length header: none for an empty body. */
const bodyLength = (b: Buffer) => (b.length > 0 ? b.length : undefined);

interface Answer extends Captured {
  statusMessage: string;
  rawHeaders: string[];
  us: number;
}

/** A copy that failed or timed out, and the real time it took until then. */
interface CopyFailure {
  error: Error;
  us: number;
}

const timedOut = () => Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });

/** A signal that fires `ms` after now with an ETIMEDOUT error; `clear()` once done. */
function deadline(ms: number): { signal: AbortSignal; clear: () => void } {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(timedOut()), ms);
  return { signal: ac.signal, clear: () => clearTimeout(timer) };
}

/** Resolves as `p` does, or rejects with the signal's reason when it fires first. */
function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * One request to a target; rejects on a connection error or when `signal` fires, whatever
 * the request is doing then (waiting for a pooled connection, connecting, waiting for the
 * answer, reading it). `t0` is when the exchange began (its latency is measured from there).
 */
function send(
  agent: http.Agent,
  target: URL,
  method: string,
  url: string,
  headers: http.OutgoingHttpHeaders,
  body: Buffer,
  signal: AbortSignal,
  t0: number,
): Promise<Answer> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let res: IncomingMessage | undefined;
    const onAbort = () => {
      reject(signal.reason);
      res?.destroy();
      req.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const fail = (err: Error) => {
      signal.removeEventListener('abort', onAbort);
      reject(err);
    };
    const req = http.request(
      { agent, hostname: target.hostname, port: target.port || 80, method, path: url, headers: { ...headers, host: target.host } },
      (r: IncomingMessage) => {
        res = r;
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          signal.removeEventListener('abort', onAbort);
          resolve({
            status: r.statusCode ?? 0,
            statusMessage: r.statusMessage ?? '',
            rawHeaders: r.rawHeaders,
            body: Buffer.concat(chunks),
            contentType: r.headers['content-type'],
            us: (performance.now() - t0) * 1000,
          });
        });
        r.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

/** Every value of the named fields anywhere in a JSON document. */
function fieldValues(doc: unknown, fields: ReadonlySet<string>, out: string[] = []): string[] {
  if (Array.isArray(doc)) for (const x of doc) fieldValues(x, fields, out);
  else if (doc && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) {
      if (fields.has(k) && (typeof v === 'string' || typeof v === 'number')) out.push(String(v));
      else fieldValues(v, fields, out);
    }
  return out;
}

/** How long the primary may take for a whole answer before the client gets a 502. */
const PRIMARY_TIMEOUT_MS = 60_000;

export async function startMirrorProxy(o: MirrorProxyOptions): Promise<MirrorProxy> {
  const counts = new MirrorStats(o.maxSamples ?? 10);
  const tell = o.observer ? [counts, o.observer] : [counts];
  const stats: MirrorObserver = {
    primary: (...a) => {
      for (const t of tell) t.primary(...a);
    },
    mirror: (...a) => {
      for (const t of tell) t.mirror(...a);
    },
    dropped: (r) => {
      for (const t of tell) t.dropped(r);
    },
  };
  const ids = new IdMap(o.mapFields);
  const primaryAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const mirrorAgent = new http.Agent({ keepAlive: true, maxSockets: o.mirrorConcurrency });
  const compareOpts = { ignoreFields: new Set([...o.ignoreFields, ...o.mapFields]), sameId: (a: unknown, b: unknown) => ids.same(a, b) };
  let mirrorInFlight = 0;
  const inFlight = new Set<Promise<void>>();
  /** Primary ids whose mirror counterpart is still being learned → when it will be known. */
  const learning = new Map<string, Promise<void>>();

  /** A mirrored request naming an id still being learned waits for it (bounded by the timeout). */
  async function awaitIds(url: string, body: Buffer): Promise<void> {
    if (learning.size === 0) return;
    const text = body.length ? body.toString('utf8') : '';
    const waits: Promise<void>[] = [];
    for (const [id, p] of learning) if (url.includes(id) || text.includes(id)) waits.push(p);
    if (waits.length) await Promise.all(waits);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await buffer(req);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const route = routeOf(method, url);

    const mirrorWanted = body.length <= o.maxMirrorBodyBytes && mirrorInFlight < o.mirrorConcurrency;
    let releaseLearning: () => void = () => {};
    const learned = new Promise<void>((r) => {
      releaseLearning = r;
    });
    let mirrorDone: Promise<Answer | CopyFailure> | undefined;
    // the copy's time and its timeout start now: waiting for ids or for a connection counts
    const copyT0 = performance.now();
    if (mirrorWanted) {
      mirrorInFlight++;
      const copyDeadline = deadline(o.mirrorTimeoutMs);
      mirrorDone = (async () => {
        await unlessAborted(awaitIds(url, body), copyDeadline.signal);
        const mirrorBody = ids.rewriteBody(body, req.headers['content-type']);
        const headers = forwardHeaders(req.headers, bodyLength(mirrorBody));
        return await send(mirrorAgent, o.mirror, method, ids.rewritePath(url), headers, mirrorBody, copyDeadline.signal, copyT0);
      })()
        .catch((error: Error): CopyFailure => ({ error, us: (performance.now() - copyT0) * 1000 }))
        .finally(copyDeadline.clear);
    } else stats.dropped(route);

    let primary: Answer | undefined;
    const primaryT0 = performance.now();
    const primaryDeadline = deadline(PRIMARY_TIMEOUT_MS);
    try {
      const headers = forwardHeaders(req.headers, bodyLength(body));
      primary = await send(primaryAgent, o.primary, method, url, headers, body, primaryDeadline.signal, primaryT0);
      // the primary's answer as sent: no Date of our own, its status line and raw headers
      res.sendDate = false;
      res.writeHead(primary.status, primary.statusMessage, answerHeaders(primary.rawHeaders));
      res.end(primary.body);
      stats.primary(route, primary.status, primary.us);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      if (!res.headersSent) {
        const text = JSON.stringify({ error: 'bad_gateway', message: `stormdrill mirror: the primary did not answer (${why})` });
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }
      stats.primary(route, 0, (performance.now() - primaryT0) * 1000);
    } finally {
      primaryDeadline.clear();
    }
    o.onRequest?.();
    if (!mirrorDone) return;

    // ids in the primary's answer are known to the mirror once its answer is in
    const primaryDoc = primary ? parseJson(primary) : undefined;
    const pending = primaryDoc !== undefined ? fieldValues(primaryDoc, o.mapFields) : [];
    for (const id of pending) learning.set(id, learned);
    try {
      const m = await mirrorDone;
      let outcome: MirrorOutcome;
      if ('error' in m) {
        const code = (m.error as NodeJS.ErrnoException).code;
        outcome = code === 'ETIMEDOUT' ? { kind: 'mirror-timeout' } : { kind: 'mirror-error', error: code ?? m.error.message };
        stats.mirror(route, 0, m.us, outcome);
      } else {
        if (primary && primary.status === m.status && primaryDoc !== undefined) ids.learn(primaryDoc, parseJson(m));
        outcome = primary ? compareResponses(primary, m, compareOpts) : { kind: 'status', primary: 0, mirror: m.status };
        stats.mirror(route, m.status, m.us, outcome);
      }
    } finally {
      mirrorInFlight--;
      for (const id of pending) if (learning.get(id) === learned) learning.delete(id);
      releaseLearning();
    }
  }

  const server = http.createServer((req, res) => {
    const p = handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.listenPort, o.listenHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.listenHost.includes(':') ? `[${o.listenHost}]` : o.listenHost;
  return {
    url: `http://${host}:${port}`,
    port,
    stats: counts,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, o.mirrorTimeoutMs + 100).unref())]);
      server.closeAllConnections();
      await closed;
      primaryAgent.destroy();
      mirrorAgent.destroy();
    },
  };
}
