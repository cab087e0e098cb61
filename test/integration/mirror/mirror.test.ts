import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoService, runUserFlow, startDemoService } from '../../../lib/demo-service/index.js';
import { type MirrorProxy, startMirrorProxy } from '../../../lib/mirror/index.js';
import { httpOk, tcpOpen } from '../../../lib/stack/index.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { expectOneLine, stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { httpCall } from '../../support/http.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: true });
let mirrorRedis: RedisNode;
let primarySvc: DemoService;
let mirrorSvc: DemoService;
const proxies: MirrorProxy[] = [];

beforeAll(async () => {
  mirrorRedis = await startRedisServer({ port: await env.ports.take(), dir: env.tmpDir('mirror-redis') });
  primarySvc = await startDemoService({ port: 0, redis: env.redis.url, runId: env.namespace.runId });
  // the mirror's Redis commands may hang for 5 s (the freeze test below), far beyond any client's wait
  mirrorSvc = await startDemoService({ port: 0, redis: mirrorRedis.url, runId: env.namespace.runId, commandTimeoutMs: 5000 });
  // both answer only once their Redis connection is up
  for (const svc of [primarySvc, mirrorSvc]) await waitUntil(`${svc.url} to reach its Redis`, () => httpOk(`${svc.url}/healthz`), 10_000);
});
afterAll(async () => {
  for (const p of proxies) await p.stop();
  await primarySvc?.stop();
  await mirrorSvc?.stop();
  await mirrorRedis?.stop();
});

async function proxy(mirrorTimeoutMs: number): Promise<MirrorProxy> {
  const p = await startMirrorProxy({
    listenHost: '127.0.0.1',
    listenPort: 0,
    primary: new URL(primarySvc.url),
    mirror: new URL(mirrorSvc.url),
    ignoreFields: new Set(['createdAt', 'confirmedAt']),
    mapFields: new Set(['id']),
    mirrorTimeoutMs,
    mirrorConcurrency: 32,
    maxMirrorBodyBytes: 65536,
  });
  proxies.push(p);
  return p;
}

/** One user's flow through the proxy: list, reserve, read back, confirm, list. Statuses and latencies. */
const flow = (base: string, n: number) => runUserFlow(base, n, env.namespace.runId);

/** Until every request was mirrored or dropped; fails the test when that does not happen in 15 s. */
async function settled(p: MirrorProxy, requests: number): Promise<void> {
  await waitUntil(
    `${requests} requests mirrored or dropped`,
    async () => {
      const t = p.stats.totals();
      return t.mirrored + t.dropped >= requests;
    },
    15_000,
  );
}

describe('stormdrill mirror against two real deployments of the demo service', () => {
  it('answers from the primary, mirrors every request, and finds no difference when both behave alike', async () => {
    const p = await proxy(2000);
    const results = (await Promise.all(Array.from({ length: 6 }, (_, i) => flow(p.url, i)))).flat();
    expect(results.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);
    await settled(p, results.length);
    const t = p.stats.totals();
    expect(t.requests).toBe(results.length);
    expect(t.mirrored).toBe(results.length);
    expect(t.mismatches, JSON.stringify(p.stats.samples)).toEqual({ status: 0, body: 0, error: 0, timeout: 0 });
    expect(t.matches).toBe(results.length);
    // the mirror really holds its own copy: six confirmed reservations under its own ids
    const keys = await redisClient(mirrorRedis.port).keys(`${mirrorSvc.keyPrefix}*`);
    expect(keys.length).toBeGreaterThan(6);
  });

  it('a mirror whose Redis is frozen (SIGSTOP) is counted, and never slows or breaks the clients', async () => {
    const p = await proxy(3000);
    process.kill(mirrorRedis.process.pid, 'SIGSTOP');
    let results: Array<{ status: number; ms: number }>;
    try {
      results = (await Promise.all(Array.from({ length: 3 }, (_, i) => flow(p.url, 100 + i)))).flat();
      await settled(p, results.length);
    } finally {
      process.kill(mirrorRedis.process.pid, 'SIGCONT');
    }
    expect(results.map((r) => r.status).every((s) => s === 200 || s === 201)).toBe(true);
    // every mirrored request hangs until the 3 s mirror timeout; the clients never waited for it
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(1500);
    const t = p.stats.totals();
    expect(t.mismatches.timeout).toBeGreaterThan(0);
    expect(t.primaryErrors).toBe(0);
  });

  it('the CLI: bad input is one line; a bounded run prints the comparison and writes JSON', async () => {
    const bad: Array<[string[], RegExp]> = [
      [['--primary', 'nope', '--mirror', mirrorSvc.url], /--primary must be a URL like http:\/\/127\.0\.0\.1:8080, got 'nope'/],
      [['--primary', primarySvc.url, '--mirror', 'http://10.1.2.3:8080'], /--mirror 10\.1\.2\.3 is not a loopback address/],
      [['--primary', primarySvc.url, '--mirror', primarySvc.url], /are the same server/],
      [['--primary', primarySvc.url, '--mirror', mirrorSvc.url, '--duration', 'soon'], /--duration must be a duration/],
    ];
    const busyPort = await env.ports.take();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(busyPort, '127.0.0.1', r));
    const listenPort = await env.ports.take();
    bad.push([
      ['--primary', primarySvc.url, '--mirror', mirrorSvc.url, '--listen', `127.0.0.1:${listenPort}`, '--metrics-port', String(busyPort)],
      new RegExp(`--metrics-port ${busyPort}: 127\\.0\\.0\\.1:${busyPort} is already in use`),
    ]);
    for (const [args, message] of bad) {
      const r = await stormdrill(['mirror', ...args]);
      expectOneLine({ exitCode: r.exitCode, stderr: r.all }, message, 2);
    }
    await new Promise((r) => busy.close(r));
    expect(await tcpOpen(listenPort)).toBe(false);

    const port = await env.ports.take();
    const metricsPort = await env.ports.take();
    const json = join(env.tmpDir('mirror-cli'), 'mirror.json');
    const run = stormdrill([
      'mirror',
      '--primary',
      primarySvc.url,
      '--mirror',
      mirrorSvc.url,
      '--listen',
      `127.0.0.1:${port}`,
      '--requests',
      '6',
      '--metrics-port',
      String(metricsPort),
      '--run-id',
      `${env.namespace.runId}-m`.slice(0, 48),
      '--duration',
      '30s',
      '--map-field',
      'id',
      '--ignore-field',
      'createdAt,confirmedAt',
      '--json',
      json,
      '--fail-on-mismatch',
    ]);
    await waitUntil('the mirror proxy to listen', () => tcpOpen(port), 10_000);
    // five requests of a user's flow (a probe over TCP, not HTTP, is not counted) ...
    const statuses = await flow(`http://127.0.0.1:${port}`, 200);
    expect(statuses.map((x) => x.status)).toEqual([200, 201, 200, 200, 200]);
    // ... which the live metrics show once compared, labelled with the run's testid
    let text = '';
    await waitUntil(
      'the comparisons in the live metrics',
      async () => {
        text = (await httpCall(`http://127.0.0.1:${metricsPort}`, 'GET', '/metrics')).text;
        return /stormdrill_mirror_compared_total\{[^}]*outcome="match"\} 1\b/.test(text) && text.includes('route="GET /reservations/:id"');
      },
      10_000,
    );
    expect(text).toMatch(/stormdrill_mirror_requests_total\{testid="[^"]+",side="primary",route="POST \/reservations",status="2xx"\} 1/);
    await httpCall(`http://127.0.0.1:${port}`, 'GET', '/healthz'); // the sixth ends the run
    const r = await run;
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/mirror: 6 requests in [\d.]+ s; errors primary 0, mirror 0; mirrored 6, dropped 0; 6 matched, 0 differed/);
    expect(existsSync(json)).toBe(true);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.totals.matches).toBe(6);
    expect(Object.keys(doc.routes)).toContain('GET /reservations/:id');
  });
});
