import { describe, expect, it } from 'vitest';
import {
  catalogItem,
  classifyRedisError,
  demoKeys,
  ERROR_STATUS,
  itemId,
  parseReserveBody,
  reservationFrom,
} from '../../../lib/demo-service/model.ts';
import { DEFAULTS, describeTarget, parseSentinelList, targetFromEnv, validate, withDefaults } from '../../../lib/demo-service/options.ts';
import { matchRoute } from '../../../lib/demo-service/router.ts';

describe('demo service options', () => {
  it('fills defaults and accepts a direct URL or a Sentinel target', () => {
    const o = withDefaults({ redis: 'redis://127.0.0.1:6379', runId: 'demo', port: undefined });
    expect(o).toMatchObject({ port: DEFAULTS.port, host: '127.0.0.1', items: 50, durableReplicas: 0 });
    expect(validate(o)).toEqual([]);
    expect(
      validate(withDefaults({ redis: { kind: 'sentinel', sentinels: [{ host: 'h', port: 1 }], masterName: 'sdmaster' }, runId: 'r' })),
    ).toEqual([]);
  });

  it('reports every bad option', () => {
    expect(
      validate(
        withDefaults({
          redis: 'http://x',
          runId: 'Bad',
          port: 70000,
          items: 0,
          stock: 1.5,
          durableReplicas: 1,
          durableTimeoutMs: 2000,
          commandTimeoutMs: 1000,
          idempotencyTtlSeconds: 0,
        }),
      ),
    ).toEqual([
      'port must be 0-65535 (got 70000)',
      "run id 'Bad' must be lower-case letters, digits and dashes (at most 48)",
      'redis URL must start with redis:// or rediss:// (got http://)',
      'items must be 1-10000 (got 0)',
      'stock must be a positive whole number (got 1.5)',
      'durable timeout (2000 ms) must be shorter than the command timeout (1000 ms)',
      'idempotency TTL must be a positive number of seconds (got 0)',
    ]);
    expect(validate(withDefaults({ redis: { kind: 'sentinel', sentinels: [], masterName: 'a b' }, runId: 'r' }))).toEqual([
      'Sentinel mode needs at least one sentinel address (host:port)',
      "master name 'a b' must be letters, digits, '.', '_' or '-'",
    ]);
  });

  it('parses sentinel lists and the env of the plain entry point', () => {
    expect(parseSentinelList('127.0.0.1:26379, s2:26380')).toEqual({
      list: [
        { host: '127.0.0.1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      errors: [],
    });
    expect(parseSentinelList('nohost,h:0').errors).toEqual([
      "sentinel address 'nohost' must be host:port, e.g. 127.0.0.1:26379",
      "sentinel address 'h:0' must be host:port, e.g. 127.0.0.1:26379",
    ]);
    expect(targetFromEnv({ REDIS_SENTINELS: 'a:1,b:2', REDIS_MASTER_NAME: 'm' }).target).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      masterName: 'm',
    });
    expect(targetFromEnv({ REDIS_URL: 'redis://h:7' }).target).toEqual({ kind: 'direct', url: 'redis://h:7' });
  });

  it('never shows a password when describing the target', () => {
    expect(describeTarget('redis://:hunter2@h:6379')).toBe('direct redis://:***@h:6379');
    expect(describeTarget('redis://app:hunter2@h:6379')).toBe('direct redis://app:***@h:6379');
    expect(describeTarget({ kind: 'sentinel', sentinels: [{ host: 'a', port: 1 }], masterName: 'm' })).toBe('sentinel m via a:1');
  });
});

describe('demo service model', () => {
  it('keeps every key under the run namespace', () => {
    const k = demoKeys('run-1');
    expect([k.stock, k.confirmed, k.reservation('ab'), k.idempotency('x')]).toEqual([
      'sd:run-1:demo:stock',
      'sd:run-1:demo:confirmed',
      'sd:run-1:demo:res:ab',
      'sd:run-1:demo:idem:x',
    ]);
  });

  it('has a deterministic catalog', () => {
    expect(itemId(0)).toBe('item-001');
    expect(catalogItem('item-012')).toEqual(catalogItem('item-012'));
    expect(catalogItem('item-012').name).toBe('Item 12');
  });

  it('validates reservation requests', () => {
    expect(parseReserveBody({ itemId: 'item-001' })).toEqual({ itemId: 'item-001', qty: 1 });
    expect(parseReserveBody({ itemId: 'item-001', qty: 3 })).toEqual({ itemId: 'item-001', qty: 3 });
    expect(parseReserveBody('x')).toHaveProperty('error');
    expect(parseReserveBody({ itemId: '../etc' })).toEqual({ error: 'itemId must be an item id such as "item-001"' });
    expect(parseReserveBody({ itemId: 'item-001', qty: 11 })).toEqual({ error: 'qty must be a whole number from 1 to 10' });
  });

  it('reads reservations from Redis hashes', () => {
    expect(
      reservationFrom(['id', 'a', 'itemId', 'item-001', 'qty', '2', 'status', 'confirmed', 'createdAt', '5', 'confirmedAt', '6']),
    ).toEqual({
      id: 'a',
      itemId: 'item-001',
      qty: 2,
      status: 'confirmed',
      createdAt: 5,
      confirmedAt: 6,
    });
    expect(reservationFrom({})).toBeNull();
  });

  it('maps Redis failures onto error kinds that answer 503, and other errors onto 500', () => {
    const cases: Array<[unknown, string]> = [
      [new Error("Stream isn't writeable and enableOfflineQueue options is false"), 'redis_unavailable'],
      [
        Object.assign(new Error('Reached the max retries per request limit (which is 0).'), { name: 'MaxRetriesPerRequestError' }),
        'redis_unavailable',
      ],
      [new Error('connect ECONNREFUSED 127.0.0.1:1'), 'redis_unavailable'],
      [new Error('Command timed out'), 'redis_timeout'],
      [new Error("READONLY You can't write against a read only replica."), 'redis_readonly'],
      [new Error('LOADING Redis is loading the dataset in memory'), 'redis_unavailable'],
      [new Error('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)'), 'redis_unavailable'],
      [new Error('ERR wrong number of arguments'), 'redis_error'],
    ];
    for (const [err, kind] of cases) expect(classifyRedisError(err), String(err)).toBe(kind);
    expect(ERROR_STATUS.redis_unavailable).toBe(503);
    expect(ERROR_STATUS.not_durable).toBe(503);
    expect(ERROR_STATUS.redis_error).toBe(500);
  });
});

describe('demo service routes', () => {
  it('matches templates, methods and parameters', () => {
    const m = matchRoute('POST', '/reservations/abc123/confirm');
    expect(m).toMatchObject({ kind: 'route', route: { key: 'confirm', template: '/reservations/:id/confirm' }, params: { id: 'abc123' } });
    expect(matchRoute('GET', '/items/')).toMatchObject({ kind: 'route', route: { key: 'listItems' } });
    expect(matchRoute('HEAD', '/healthz')).toMatchObject({ kind: 'route', route: { key: 'health' } });
    expect(matchRoute('DELETE', '/reservations/x')).toEqual({ kind: 'method_not_allowed', template: '/reservations/:id', allow: ['GET'] });
    expect(matchRoute('GET', '/nope')).toEqual({ kind: 'none' });
    expect(matchRoute('GET', '/reservations/%E0%A4%A')).toEqual({ kind: 'none' });
  });
});
