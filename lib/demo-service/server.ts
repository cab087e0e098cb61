/**
 * The demo service: a small Redis-backed HTTP service with a flow users would notice
 * losing data in (list items, reserve with an idempotency key, confirm, read back),
 * /healthz and prom-client /metrics. It never crashes on a Redis failure: each request
 * answers 503 (or 500) with a JSON error, and the connection recovers by itself.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OptionsError, UserError } from '../core/errors.js';
import { testId } from '../core/naming.js';
import { createDemoMetrics, type DemoMetrics } from './metrics.js';
import { ERROR_STATUS, type ErrorKind, IDEMPOTENCY_KEY, parseReserveBody, publicReason, RESERVATION_ID } from './model.js';
import { type DemoServiceInput, describeTarget, validate, withDefaults } from './options.js';
import { matchRoute, UNMATCHED_ROUTE } from './router.js';
import { DemoStore, StoreError } from './store.js';

export interface DemoService {
  url: string;
  port: number;
  /** Key namespace of this service's data (`sd:<runId>:demo:`). */
  keyPrefix: string;
  metrics: DemoMetrics;
  /** True while the Redis connection is ready. */
  readonly redisReady: boolean;
  stop(): Promise<void>;
}

/** The largest request body the service reads. */
export const MAX_BODY = 16 * 1024;
/**
 * A larger body is still read to its end (up to this much, then the connection is closed)
 * so the client gets the 413 instead of a reset connection.
 */
const MAX_DRAIN = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAIN) {
        reject(new HttpError('payload_too_large', `body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return reject(new HttpError('payload_too_large', `body larger than ${MAX_BODY} bytes`));
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError('bad_request', 'body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Start the demo service; resolves when it listens (Redis may still be connecting). */
export async function startDemoService(input: DemoServiceInput): Promise<DemoService> {
  const o = withDefaults(input);
  const problems = validate(o);
  if (problems.length) throw new OptionsError(problems);
  const log = o.log ?? (() => {});
  const metrics = createDemoMetrics(testId(o.runId));
  const store = new DemoStore(o, metrics);
  let lastRedisErrorLog = 0;

  async function handle(req: IncomingMessage, res: ServerResponse, key: string, params: Record<string, string>): Promise<void> {
    switch (key) {
      case 'health': {
        try {
          await store.ping();
          send(res, 200, { status: 'ok', redis: 'up' });
        } catch (err) {
          const kind = err instanceof StoreError ? err.kind : 'internal';
          send(res, 503, { status: 'degraded', redis: 'down', error: kind });
        }
        return;
      }
      case 'metrics': {
        send(res, 200, await metrics.registry.metrics(), { 'Content-Type': metrics.registry.contentType });
        return;
      }
      case 'listItems': {
        send(res, 200, { items: await store.listItems() });
        return;
      }
      case 'reserve': {
        const parsed = parseReserveBody(await readBody(req));
        if ('error' in parsed) throw new HttpError('bad_request', parsed.error);
        const header = req.headers['idempotency-key'];
        const idem = Array.isArray(header) ? header[0] : header;
        if (idem !== undefined && !IDEMPOTENCY_KEY.test(idem))
          throw new HttpError('bad_request', 'Idempotency-Key must be 1-128 characters of letters, digits and . _ : -');
        const r = await store.reserve({ ...parsed, ...(idem ? { idempotencyKey: idem } : {}) });
        if (r.outcome === 'created') send(res, 201, r.reservation, { Location: `/reservations/${r.reservation.id}` });
        else if (r.outcome === 'replay') send(res, 200, r.reservation, { 'Idempotent-Replayed': 'true' });
        else if (r.outcome === 'no_item') throw new HttpError('not_found', `item ${parsed.itemId} does not exist`);
        else if (r.outcome === 'out_of_stock')
          throw new HttpError('out_of_stock', `item ${parsed.itemId} has fewer than ${parsed.qty} left`);
        else throw new HttpError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
        return;
      }
      case 'getReservation':
      case 'confirm': {
        const id = params.id ?? '';
        if (!RESERVATION_ID.test(id)) throw new HttpError('not_found', `reservation ${id} does not exist`);
        if (key === 'getReservation') {
          const r = await store.getReservation(id);
          if (!r) throw new HttpError('not_found', `reservation ${id} does not exist`);
          send(res, 200, r);
        } else {
          const r = await store.confirm(id);
          if (r.outcome !== 'confirmed') throw new HttpError('not_found', `reservation ${id} does not exist`);
          send(res, 200, r.reservation);
        }
        return;
      }
    }
  }

  const server: Server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] as string;
    const m = matchRoute(method, path);
    const route = m.kind === 'route' ? m.route.template : m.kind === 'method_not_allowed' ? m.template : UNMATCHED_ROUTE;
    const finish = () => {
      const secs = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requestDuration.observe({ method, route, status: String(res.statusCode) }, secs);
    };
    res.on('finish', finish);
    const fail = (kind: ErrorKind, message: string, headers: Record<string, string> = {}) => {
      metrics.errors.inc({ kind, route });
      send(res, ERROR_STATUS[kind], { error: kind, message }, headers);
    };
    if (m.kind === 'none') return fail('not_found', `no route ${method} ${path}`);
    if (m.kind === 'method_not_allowed') return fail('method_not_allowed', `${method} is not allowed here`, { Allow: m.allow.join(', ') });
    handle(req, res, m.route.key, m.params).catch((err: unknown) => {
      if (err instanceof HttpError) fail(err.kind, err.message);
      else if (err instanceof StoreError) {
        if (err.kind === 'redis_error' && Date.now() - lastRedisErrorLog > 5000) {
          lastRedisErrorLog = Date.now();
          log(`redis error on ${method} ${route}: ${err.message.split('\n')[0]}`);
        }
        fail(err.kind, publicReason(err.kind));
      } else {
        log(`internal error on ${method} ${route}: ${err instanceof Error ? err.message : String(err)}`);
        fail('internal', 'internal error');
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new UserError(`port ${o.port} on ${o.host} is already in use: choose another with --port or stop what listens there`)
          : err,
      );
    });
    server.listen(o.port, o.host, () => resolve());
  });
  store.connect();
  const port = (server.address() as AddressInfo).port;
  const host = o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  log(`demo service on http://${host}:${port} (redis: ${describeTarget(o.redis)}, keys ${store.keys.prefix}*)`);
  let stopped = false;
  return {
    url: `http://${host}:${port}`,
    port,
    keyPrefix: store.keys.prefix,
    metrics,
    get redisReady() {
      return store.ready;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}
