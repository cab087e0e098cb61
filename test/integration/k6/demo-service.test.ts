/**
 * The demo service against real redis-server processes: the flow, idempotency, atomic
 * stock, metrics, key namespace; and a real kill -9 of Redis: clean 503s, no crash, and
 * recovery by itself when Redis is back on the same port.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../lib/core/errors.js';
import { type DemoService, startDemoService } from '../../../lib/demo-service/index.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { useTestEnv } from '../../support/env.js';
import { httpCall as call } from '../../support/http.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: true });
const runId = env.namespace.runId;

/** The sum of the exposition lines of `name` carrying every given label (undefined when none). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  let sum: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

const services: DemoService[] = [];
afterAll(async () => {
  for (const s of services) await s.stop();
});

async function start(o: Partial<Parameters<typeof startDemoService>[0]> & { redis: string }): Promise<DemoService> {
  const s = await startDemoService({ port: 0, runId, ...o });
  services.push(s);
  await waitUntil('demo service reaches redis', async () => s.redisReady, 15_000, 100);
  return s;
}

describe('demo service on a real redis-server', () => {
  it('serves the flow: list, reserve with an idempotency key, replay, confirm, read back', async () => {
    const svc = await start({ redis: env.redis.url, items: 5, stock: 100 });
    const items = await call(svc.url, 'GET', '/items');
    expect(items.status).toBe(200);
    const list = items.json.items as Array<{ id: string; stock: number }>;
    expect(list.map((i) => i.id)).toEqual(['item-001', 'item-002', 'item-003', 'item-004', 'item-005']);
    expect(list.every((i) => i.stock === 100)).toBe(true);

    const key = { 'Idempotency-Key': 'flow-key-1' };
    const created = await call(svc.url, 'POST', '/reservations', { itemId: 'item-003', qty: 2 }, key);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ itemId: 'item-003', qty: 2, status: 'pending' });
    const id = created.json.id as string;
    expect(created.headers.get('location')).toBe(`/reservations/${id}`);

    const replay = await call(svc.url, 'POST', '/reservations', { itemId: 'item-003', qty: 2 }, key);
    expect(replay.status).toBe(200);
    expect(replay.json.id).toBe(id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = await call(svc.url, 'POST', '/reservations', { itemId: 'item-004', qty: 1 }, key);
    expect(reused.status).toBe(409);
    expect(reused.json.error).toBe('idempotency_conflict');
    // the replay did not take stock twice
    const after = (await call(svc.url, 'GET', '/items')).json.items as Array<{ id: string; stock: number }>;
    expect(after.find((i) => i.id === 'item-003')?.stock).toBe(98);

    const confirmed = await call(svc.url, 'POST', `/reservations/${id}/confirm`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.status).toBe('confirmed');
    expect((await call(svc.url, 'POST', `/reservations/${id}/confirm`)).status).toBe(200);
    const read = await call(svc.url, 'GET', `/reservations/${id}`);
    expect(read.json).toMatchObject({ id, status: 'confirmed', itemId: 'item-003' });
  });

  it('answers bad requests with one JSON error each', async () => {
    const svc = await start({ redis: env.redis.url });
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/reservations', '{not json', 400, 'bad_request'],
      ['POST', '/reservations', { itemId: 'item-001', qty: 99 }, 400, 'bad_request'],
      ['POST', '/reservations', { itemId: 'item-999' }, 404, 'not_found'],
      ['GET', '/reservations/0123456789abcdef', undefined, 404, 'not_found'],
      ['POST', '/reservations/0123456789abcdef/confirm', undefined, 404, 'not_found'],
      ['DELETE', '/items', undefined, 405, 'method_not_allowed'],
      ['GET', '/nowhere', undefined, 404, 'not_found'],
    ];
    for (const [method, path, body, status, error] of cases) {
      const r = await call(svc.url, method, path, body);
      expect([r.status, r.json.error], `${method} ${path}`).toEqual([status, error]);
      expect(typeof r.json.message).toBe('string');
    }
    const badKey = await call(svc.url, 'POST', '/reservations', { itemId: 'item-001' }, { 'Idempotency-Key': 'has space' });
    expect(badKey.status).toBe(400);
  });

  it('never oversells: concurrent reservations of the last units take exactly the stock', async () => {
    const svc = await start({ redis: env.redis.url, runId: `${runId}-stock`, items: 1, stock: 7 });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => call(svc.url, 'POST', '/reservations', { itemId: 'item-001' }, { 'Idempotency-Key': `c-${i}` })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(7);
    expect(statuses.filter((s) => s === 409)).toHaveLength(18);
    expect(results.filter((r) => r.status === 409).every((r) => r.json.error === 'out_of_stock')).toBe(true);
    const items = (await call(svc.url, 'GET', '/items')).json.items as Array<{ stock: number }>;
    expect(items[0]?.stock).toBe(0);
  });

  it('keeps every key under the run namespace and exposes its metrics by route template', async () => {
    const svc = await start({ redis: env.redis.url, runId: `${runId}-keys` });
    const r = await call(svc.url, 'POST', '/reservations', { itemId: 'item-002' });
    await call(svc.url, 'POST', `/reservations/${r.json.id}/confirm`);
    await call(svc.url, 'GET', `/reservations/${r.json.id}`);
    await call(svc.url, 'GET', '/reservations/0123456789abcdef');
    const client = new Redis({ port: env.redis.port, lazyConnect: true });
    await client.connect();
    try {
      const keys = await client.keys(`*${runId}-keys*`);
      expect(keys.length).toBeGreaterThanOrEqual(3);
      for (const k of keys) expect(k.startsWith(`sd:${runId}-keys:demo:`), k).toBe(true);
    } finally {
      client.disconnect();
    }
    const metrics = await call(svc.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    const text = metrics.text;
    const route = (r: string, status: string) => ({ testid: `${runId}-keys`, method: 'GET', route: r, status });
    expect(sample(text, 'demo_http_request_duration_seconds_count', route('/reservations/:id', '200'))).toBe(1);
    expect(sample(text, 'demo_http_request_duration_seconds_count', { route: '/reservations/:id/confirm', status: '200' })).toBe(1);
    expect(sample(text, 'demo_errors_total', { kind: 'not_found', route: '/reservations/:id' })).toBe(1);
    expect(sample(text, 'demo_redis_command_duration_seconds_count', { command: 'reserve', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'demo_redis_connected', { testid: `${runId}-keys` })).toBe(1);
    // no raw reservation id ends up in a label
    expect(text).not.toContain(String(r.json.id));
  });

  it('refuses to confirm when WAIT cannot reach the asked number of replicas', async () => {
    const svc = await start({ redis: env.redis.url, runId: `${runId}-durable`, durableReplicas: 1, durableTimeoutMs: 200 });
    const r = await call(svc.url, 'POST', '/reservations', { itemId: 'item-001' });
    const c = await call(svc.url, 'POST', `/reservations/${r.json.id}/confirm`);
    expect(c.status).toBe(503);
    expect(c.json.error).toBe('not_durable');
  });

  it('authenticates with a password it never logs or exports', async () => {
    const password = 'demo-secret-Pw9';
    const port = await env.ports.take();
    const secured = await startRedisServer({ port, dir: join(env.tmpDir('redis-auth'), 'node'), password });
    const lines: string[] = [];
    try {
      const svc = await start({ redis: `redis://:${password}@127.0.0.1:${port}`, runId: `${runId}-auth`, log: (l) => lines.push(l) });
      expect((await call(svc.url, 'POST', '/reservations', { itemId: 'item-001' })).status).toBe(201);
      const metrics = (await call(svc.url, 'GET', '/metrics')).text;
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).toContain('redis://:***@127.0.0.1');
      expect(`${lines.join('\n')}${metrics}`).not.toContain(password);
      // a wrong password is an error answer, not a crash
      const wrong = await startDemoService({
        port: 0,
        runId: `${runId}-auth`,
        redis: `redis://127.0.0.1:${port}`,
        password: 'nope',
        commandTimeoutMs: 300,
      });
      services.push(wrong);
      const r = await call(wrong.url, 'GET', '/items');
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(typeof r.json.error).toBe('string');
    } finally {
      await secured.stop();
    }
  });

  it('says clearly when its port is taken', async () => {
    const svc = await start({ redis: env.redis.url });
    const err = await startDemoService({ port: svc.port, runId, redis: env.redis.url }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(`port ${svc.port} on 127.0.0.1 is already in use: choose another with --port or stop what listens there`);
  });
});

describe('demo service while Redis dies and comes back', () => {
  let node: RedisNode | undefined;
  afterAll(async () => {
    await node?.stop();
  });

  it('answers 503 with a JSON error during the outage, never crashes, and recovers by itself', async () => {
    const port = await env.ports.take();
    const dir = join(env.tmpDir('redis-outage'), 'node');
    node = await startRedisServer({ port, dir });
    const svc = await start({ redis: node.url, runId: `${runId}-outage`, commandTimeoutMs: 500 });
    const before = await call(svc.url, 'POST', '/reservations', { itemId: 'item-001' });
    expect(before.status).toBe(201);

    await node.process.crash(); // kill -9
    const t0 = Date.now();
    const during = await Promise.all([
      call(svc.url, 'GET', '/items'),
      call(svc.url, 'POST', '/reservations', { itemId: 'item-001' }),
      call(svc.url, 'GET', `/reservations/${before.json.id}`),
      call(svc.url, 'GET', '/healthz'),
    ]);
    expect(Date.now() - t0).toBeLessThan(3000);
    for (const r of during) {
      expect(r.status).toBe(503);
      expect(['redis_unavailable', 'redis_timeout']).toContain(r.json.error);
    }
    expect(during[3]?.json).toMatchObject({ status: 'degraded', redis: 'down' });
    const metricsDown = (await call(svc.url, 'GET', '/metrics')).text;
    expect(sample(metricsDown, 'demo_redis_connected', {})).toBe(0);
    const outageErrors =
      (sample(metricsDown, 'demo_errors_total', { kind: 'redis_unavailable' }) ?? 0) +
      (sample(metricsDown, 'demo_errors_total', { kind: 'redis_timeout' }) ?? 0);
    expect(outageErrors).toBeGreaterThanOrEqual(3);

    node = await startRedisServer({ port, dir });
    await waitUntil('requests succeed again', async () => (await call(svc.url, 'GET', '/items')).status === 200, 15_000, 100);
    const again = await call(svc.url, 'POST', '/reservations', { itemId: 'item-001' });
    expect(again.status).toBe(201);
    expect((await call(svc.url, 'GET', '/healthz')).status).toBe(200);
  });

  it('answers 503 within the command timeout while Redis is frozen (SIGSTOP), and recovers after SIGCONT', async () => {
    const port = await env.ports.take();
    const frozen = await startRedisServer({ port, dir: join(env.tmpDir('redis-frozen'), 'node') });
    try {
      const svc = await start({ redis: frozen.url, runId: `${runId}-frozen`, commandTimeoutMs: 300 });
      expect((await call(svc.url, 'GET', '/items')).status).toBe(200);
      frozen.process.freeze();
      const t0 = Date.now();
      const during = await Promise.all([1, 2, 3, 4].map(() => call(svc.url, 'GET', '/items')));
      expect(Date.now() - t0).toBeLessThan(2000);
      for (const r of during) expect([r.status, r.json.error]).toEqual([503, 'redis_timeout']);
      frozen.process.thaw();
      await waitUntil('requests succeed after SIGCONT', async () => (await call(svc.url, 'GET', '/items')).status === 200, 15_000, 100);
      expect((await call(svc.url, 'POST', '/reservations', { itemId: 'item-001' })).status).toBe(201);
    } finally {
      await frozen.stop();
    }
  });
});
