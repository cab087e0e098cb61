/**
 * The mirror proxy on real processes, for what a user sees of it: the primary's answer as
 * sent (headers with their case, order and values, also for HEAD, 204 and 304), the mirror
 * timeout over the whole copy while the mirror's service is frozen (SIGSTOP), the report's
 * distinct differences with every differing path, real timings for a 502, and the demo
 * service's 413 for a body over its limit.
 */
import http from 'node:http';
import { createServer, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, startDemoService } from '../../../lib/demo-service/index.js';
import { formatMirror, type MirrorProxy, startMirrorProxy } from '../../../lib/mirror/index.js';
import { httpOk, waitUntil } from '../../../lib/stack/index.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';

const env = useTestEnv({ redis: true });
let primarySvc: DemoService;
/** The mirror deployment: a separate demo-service process (so it can be frozen), own key namespace. */
let mirrorProc: ResultPromise;
let mirrorUrl: string;
const proxies: MirrorProxy[] = [];
const servers: Array<http.Server | Server> = [];

beforeAll(async () => {
  primarySvc = await startDemoService({ port: 0, redis: env.redis.url, runId: env.namespace.runId });
  const port = await env.ports.take();
  mirrorUrl = `http://127.0.0.1:${port}`;
  mirrorProc = stormdrill(
    ['demo-service', '--port', String(port), '-u', env.redis.url, '--run-id', `${env.namespace.runId}-mirror`.slice(0, 48)],
    {
      timeoutMs: 300_000,
    },
  );
  for (const url of [primarySvc.url, mirrorUrl]) await waitUntil(`${url} to reach its Redis`, () => httpOk(`${url}/healthz`), 15_000);
});
afterAll(async () => {
  if (mirrorProc?.pid) {
    try {
      process.kill(mirrorProc.pid, 'SIGCONT');
    } catch {}
    mirrorProc.kill('SIGTERM');
    await mirrorProc;
  }
  for (const p of proxies) await p.stop();
  for (const s of servers) await new Promise((r) => s.close(r));
  await primarySvc?.stop();
});

async function proxy(primary: string, mirror: string, mirrorTimeoutMs = 2000, mirrorConcurrency = 32): Promise<MirrorProxy> {
  const p = await startMirrorProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    primary: new URL(primary),
    mirror: new URL(mirror),
    ignoreFields: new Set(['createdAt', 'confirmedAt']),
    mapFields: new Set(['id']),
    mirrorTimeoutMs,
    mirrorConcurrency,
    maxMirrorBodyBytes: 65536,
  });
  proxies.push(p);
  return p;
}

interface RawAnswer {
  status: number;
  raw: string[];
  body: string;
}

/** One request with node:http, which keeps the answer's header names as sent. */
function rawRequest(base: string, method: string, path: string, body?: string, agent: http.Agent | false = false): Promise<RawAnswer> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: u.hostname,
        port: u.port,
        method,
        path: u.pathname,
        agent,
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: res.rawHeaders, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Wait (bounded) until every request through the proxy was mirrored or dropped. */
async function copiesDone(p: MirrorProxy, requests: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const t = p.stats.totals();
    if (t.mirrored + t.dropped >= requests) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A raw HTTP server answering each path with fixed raw headers (no Date added). */
async function rawServer(answers: Record<string, { status: number; headers: string[] }>): Promise<string> {
  const s = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answers[req.url ?? ''] ?? { status: 404, headers: ['Content-Length', '0'] };
      res.sendDate = false;
      res.writeHead(a.status, a.headers);
      res.end();
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

/** Connection and Keep-Alive are the proxy's own connection's business (hop-by-hop). */
const endToEnd = (raw: string[]) => {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (!/^(connection|keep-alive)$/i.test(raw[i] as string)) out.push(raw[i] as string, raw[i + 1] as string);
  return out;
};

describe('mirror: the primary answer as sent', () => {
  it('HEAD /items keeps the primary Content-Length and every header name, order and value', async () => {
    const p = await proxy(primarySvc.url, mirrorUrl);
    const direct = await rawRequest(primarySvc.url, 'HEAD', '/items');
    const proxied = await rawRequest(p.url, 'HEAD', '/items');
    expect(direct.status).toBe(200);
    expect(proxied.status).toBe(200);
    const lengthOf = (raw: string[]) => raw[raw.indexOf('Content-Length') + 1];
    expect(Number(lengthOf(direct.raw))).toBeGreaterThan(1000);
    expect(lengthOf(proxied.raw)).toBe(lengthOf(direct.raw));
    // the same names in the same order with the same case and values (two answers: Date may tick)
    const withoutDate = (raw: string[]) => endToEnd(raw).map((v, i, a) => (i % 2 === 1 && a[i - 1] === 'Date' ? '(date)' : v));
    expect(withoutDate(proxied.raw)).toEqual(withoutDate(direct.raw));
  });

  it('204 and 304 answers keep their headers (a 304 keeps its Content-Length) and add none', async () => {
    const answers = {
      '/none': { status: 204, headers: ['X-Request-Id', 'r-17', 'Cache-Control', 'no-store', 'ETag', '"v9"'] },
      '/same': { status: 304, headers: ['ETag', '"v1"', 'Content-Length', '3445', 'Last-Modified', 'Mon, 07 Dec 2026 00:00:00 GMT'] },
    };
    const primary = await rawServer(answers);
    const mirror = await rawServer(answers);
    const p = await proxy(primary, mirror);
    for (const [path, a] of Object.entries(answers)) {
      const r = await rawRequest(p.url, 'GET', path);
      expect(r.status, path).toBe(a.status);
      expect(endToEnd(r.raw), path).toEqual(a.headers);
    }
    await copiesDone(p, 2, 5000);
    expect(p.stats.totals().matches).toBe(2);
  });
});

describe('mirror: the timeout covers the whole copy', () => {
  it('with the mirror service frozen (SIGSTOP) under 20 parallel clients, copies end at the timeout and clients are unaffected', async () => {
    const timeoutMs = 300;
    // freeze until far more copies timed out than the frozen service's accept queue holds
    // (511): the later copies cannot even connect, and must still end at the timeout
    const wantTimeouts = 800;
    const maxFreezeMs = 25_000;
    const p = await proxy(primarySvc.url, mirrorUrl, timeoutMs, 64);
    // warm up: a few copies answered before the freeze
    for (let i = 0; i < 5; i++) await rawRequest(p.url, 'GET', '/healthz');
    const clientMs: number[] = [];
    const statuses = new Map<number, number>();
    const pid = mirrorProc.pid as number;
    process.kill(pid, 'SIGSTOP');
    const frozenAt = performance.now();
    let frozenMs = 0;
    try {
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          // each client keeps its connection, as an application's HTTP client does
          const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
          for (let n = 0; n < 20_000; n++) {
            if (performance.now() - frozenAt > maxFreezeMs || p.stats.totals().mismatches.timeout >= wantTimeouts) break;
            const t0 = performance.now();
            const r = await rawRequest(p.url, 'GET', '/healthz', undefined, agent);
            clientMs.push(performance.now() - t0);
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          }
          agent.destroy();
        }),
      );
      frozenMs = performance.now() - frozenAt;
      // still frozen: the copies of the last requests end at the timeout too
      await copiesDone(p, 5 + clientMs.length, timeoutMs * 3);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const requests = 5 + clientMs.length;
    await copiesDone(p, requests, 20_000);
    const t = p.stats.totals();
    const mirrorMs = p.stats.routes.get('GET /healthz')?.mirrorLatency.summaryMs();
    clientMs.sort((a, b) => a - b);
    const clientP99 = clientMs[Math.floor(clientMs.length * 0.99)] as number;
    const summary = `frozen ${frozenMs.toFixed(0)} ms, requests ${requests}, client p99 ${clientP99.toFixed(1)} ms, totals ${JSON.stringify(t)}, mirror latency ${JSON.stringify(mirrorMs)}`;
    // clients: all answered by the primary, never slowed by the frozen mirror
    expect([...statuses.keys()], summary).toEqual([200]);
    expect(t.primaryErrors).toBe(0);
    expect(clientP99, summary).toBeLessThan(1000);
    // copies: each one mirrored or dropped; those during the freeze ended at the timeout
    expect(t.mirrored + t.dropped, summary).toBe(requests);
    expect(t.mismatches.timeout, summary).toBeGreaterThanOrEqual(wantTimeouts);
    expect(mirrorMs?.p99, summary).toBeGreaterThanOrEqual(timeoutMs * 0.9);
    expect(mirrorMs?.p99, summary).toBeLessThan(timeoutMs + 400);
    expect(mirrorMs?.max, summary).toBeLessThan(timeoutMs + 1000);
  }, 90_000);
});

describe('mirror: the report', () => {
  it('shows distinct differences with a count and every differing JSON path', async () => {
    // the mirror deployment sold two items the primary did not: two stock figures differ
    for (const itemId of ['item-002', 'item-005']) {
      const r = await rawRequest(mirrorUrl, 'POST', '/reservations', JSON.stringify({ itemId, qty: 1 }));
      expect(r.status).toBe(201);
    }
    const p = await proxy(primarySvc.url, mirrorUrl);
    for (let i = 0; i < 8; i++) expect((await rawRequest(p.url, 'GET', '/items')).status).toBe(200);
    await copiesDone(p, 8, 10_000);
    const text = formatMirror(p.stats, { showValues: true, seconds: 1 });
    const lines = text.split('\n').filter((l) => l.includes('GET /items:'));
    const stock = (JSON.parse((await rawRequest(primarySvc.url, 'GET', '/items')).body) as { items: Array<{ stock: number }> }).items.map(
      (i) => i.stock,
    );
    const diff = (i: number) => `$.items[${i}].stock (${stock[i]} vs ${(stock[i] as number) - 1})`;
    expect(lines, text).toEqual([`  GET /items: 8× body differs at ${diff(1)}, ${diff(4)}`]);
    for (const s of p.stats.routes.values())
      for (const h of [s.primaryLatency, s.mirrorLatency]) {
        const m = h.summaryMs();
        expect(m.max).toBeGreaterThanOrEqual(m.p99);
      }
  });

  it('records the real time a 502 took', async () => {
    // a primary that takes the connection and drops it after 200 ms
    const dropper = createServer((sock) => {
      sock.on('error', () => {});
      setTimeout(() => sock.destroy(), 200);
    });
    servers.push(dropper);
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', r));
    const p = await proxy(`http://127.0.0.1:${(dropper.address() as { port: number }).port}`, mirrorUrl);
    const r = await rawRequest(p.url, 'GET', '/items');
    expect(r.status).toBe(502);
    const primaryMs = p.stats.routes.get('GET /items')?.primaryLatency.summaryMs();
    expect(primaryMs?.count).toBe(1);
    expect(primaryMs?.max).toBeGreaterThanOrEqual(190);
    expect(primaryMs?.max).toBeLessThan(2000);
  });
});

describe('demo service: a body over its limit', () => {
  it('answers 413 with a JSON error, directly and through the proxy', async () => {
    const big = JSON.stringify({ itemId: 'item-001', qty: 1, note: 'x'.repeat(20 * 1024) });
    const direct = await rawRequest(primarySvc.url, 'POST', '/reservations', big);
    expect(direct.status).toBe(413);
    expect(JSON.parse(direct.body)).toEqual({ error: 'payload_too_large', message: 'body larger than 16384 bytes' });
    const p = await proxy(primarySvc.url, mirrorUrl);
    const proxied = await rawRequest(p.url, 'POST', '/reservations', big);
    expect(proxied.status).toBe(413);
    expect(JSON.parse(proxied.body).error).toBe('payload_too_large');
    await copiesDone(p, 1, 5000);
    expect(p.stats.totals()).toMatchObject({ primaryErrors: 0, mirrorErrors: 0, matches: 1 });
  });
});
