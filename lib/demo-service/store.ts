/**
 * The demo service's Redis side: one ioredis connection (direct/HAProxy or Sentinel) that
 * fails fast while Redis is away (no offline queue, command timeout) and reconnects by
 * itself forever, plus the atomic Lua operations of the flow. Every operation is timed
 * into demo_redis_command_duration_seconds.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { DemoMetrics } from './metrics.js';
import { catalogItem, classifyRedisError, type DemoKeys, demoKeys, itemId, type Reservation, reservationFrom } from './model.js';
import type { DemoServiceOptions, RedisTarget } from './options.js';

/** reserve: KEYS idem, stock, reservation; ARGV qty, id, itemId, signature, now, ttl. */
const RESERVE_LUA = `
local existing = redis.call('GET', KEYS[1])
if existing then
  local sep = string.find(existing, '|', 1, true)
  local rid = string.sub(existing, 1, sep - 1)
  local sig = string.sub(existing, sep + 1)
  if sig ~= ARGV[4] then return {'idempotency_conflict'} end
  local h = redis.call('HGETALL', KEYS[4] .. rid)
  return {'replay', h}
end
local stock = redis.call('HGET', KEYS[2], ARGV[3])
if not stock then return {'no_item'} end
local qty = tonumber(ARGV[1])
if tonumber(stock) < qty then return {'out_of_stock'} end
redis.call('HINCRBY', KEYS[2], ARGV[3], -qty)
redis.call('HSET', KEYS[3], 'id', ARGV[2], 'itemId', ARGV[3], 'qty', qty, 'status', 'pending', 'createdAt', ARGV[5])
redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[4], 'EX', ARGV[6])
return {'created', redis.call('HGETALL', KEYS[3])}
`;

/** confirm: KEYS reservation, confirmed set; ARGV id, now. */
const CONFIRM_LUA = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return {'no_reservation'} end
if status ~= 'confirmed' then
  redis.call('HSET', KEYS[1], 'status', 'confirmed', 'confirmedAt', ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
end
return {'confirmed', redis.call('HGETALL', KEYS[1])}
`;

/** seed: KEYS stock; ARGV stock, ids... (HSETNX: never resets a running catalog). */
const SEED_LUA = `
for i = 2, #ARGV do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[1]) end
return #ARGV - 1
`;

/** Reconnect after this many commands in a row timed out. */
export const RECONNECT_AFTER_TIMEOUTS = 3;

interface DemoRedis extends Redis {
  demoReserve(k1: string, k2: string, k3: string, k4: string, ...args: Array<string | number>): Promise<[string, string[]?]>;
  demoConfirm(k1: string, k2: string, ...args: Array<string | number>): Promise<[string, string[]?]>;
  demoSeed(k1: string, ...args: Array<string | number>): Promise<number>;
}

export class StoreError extends Error {
  constructor(
    readonly kind: ReturnType<typeof classifyRedisError> | 'not_durable',
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'StoreError';
  }
}

export type ReserveResult =
  | { outcome: 'created' | 'replay'; reservation: Reservation }
  | { outcome: 'no_item' | 'out_of_stock' | 'idempotency_conflict' };
export type ConfirmResult = { outcome: 'confirmed'; reservation: Reservation } | { outcome: 'no_reservation' };

function redisOptions(o: DemoServiceOptions, target: RedisTarget): RedisOptions {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: o.commandTimeoutMs,
    connectTimeout: Math.max(o.commandTimeoutMs, 1000),
    // reconnect forever, quickly: the service must recover by itself after a failover
    retryStrategy: (times) => Math.min(50 * times, 500),
    reconnectOnError: (err) => /^READONLY\b/.test(err.message),
    lazyConnect: true,
  };
  if (o.password) common.password = o.password;
  if (target.kind === 'sentinel') {
    return {
      ...common,
      sentinels: target.sentinels,
      name: target.masterName,
      role: 'master',
      sentinelRetryStrategy: (times) => Math.min(100 * times, 1000),
      ...(o.password ? { sentinelPassword: o.password } : {}),
    };
  }
  return common;
}

export class DemoStore {
  readonly keys: DemoKeys;
  readonly client: DemoRedis;
  private seeded = false;
  private lastErrorLog = 0;
  /** Commands that timed out in a row: a frozen node keeps its TCP connection open. */
  private timeouts = 0;
  private readonly log: (line: string) => void;

  constructor(
    private readonly o: DemoServiceOptions,
    private readonly metrics: DemoMetrics,
  ) {
    this.keys = demoKeys(o.runId);
    const target: RedisTarget = typeof o.redis === 'string' ? { kind: 'direct', url: o.redis } : o.redis;
    const opts = redisOptions(o, target);
    const client = (target.kind === 'direct' ? new Redis(target.url, opts) : new Redis(opts)) as DemoRedis;
    client.defineCommand('demoReserve', { numberOfKeys: 4, lua: RESERVE_LUA });
    client.defineCommand('demoConfirm', { numberOfKeys: 2, lua: CONFIRM_LUA });
    client.defineCommand('demoSeed', { numberOfKeys: 1, lua: SEED_LUA });
    const log = o.log ?? (() => {});
    this.log = log;
    metrics.redisConnected.set(0);
    client.on('ready', () => {
      metrics.redisConnected.set(1);
      log(`redis ready (${client.stream?.remoteAddress ?? '?'}:${client.stream?.remotePort ?? '?'})`);
      this.seeded = false;
      void this.seed().catch(() => {});
    });
    client.on('close', () => metrics.redisConnected.set(0));
    client.on('reconnecting', () => metrics.redisConnected.set(0));
    client.on('error', (err: Error) => {
      // ioredis reports every failed reconnect; log at most one line every 5 s
      const now = Date.now();
      if (now - this.lastErrorLog > 5000) {
        this.lastErrorLog = now;
        log(`redis: ${classifyRedisError(err)} (${err.message.split('\n')[0]})`);
      }
    });
    this.client = client;
  }

  /** Start connecting (resolves at once; the service answers 503 until Redis is ready). */
  connect(): void {
    this.client.connect().catch(() => {
      /* retried by retryStrategy; reported through 'error' */
    });
  }

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /** Time one operation and turn client errors into a StoreError with its kind. */
  private async op<T>(command: string, fn: () => Promise<T>): Promise<T> {
    const end = this.metrics.redisCommandDuration.startTimer({ command });
    try {
      const v = await fn();
      end({ outcome: 'ok' });
      this.timeouts = 0;
      return v;
    } catch (err) {
      if (err instanceof StoreError) {
        end({ outcome: err.kind });
        throw err;
      }
      const kind = classifyRedisError(err);
      end({ outcome: kind });
      if (kind === 'redis_timeout') this.onTimeout();
      throw new StoreError(kind, err);
    }
  }

  /**
   * A frozen or partitioned node never closes the connection, so a run of timeouts means
   * the node is gone: reconnect (with Sentinel this asks for the current primary again).
   */
  private onTimeout(): void {
    this.timeouts++;
    if (this.timeouts >= RECONNECT_AFTER_TIMEOUTS && this.client.status === 'ready') {
      this.timeouts = 0;
      this.log(`redis: ${RECONNECT_AFTER_TIMEOUTS} commands timed out in a row, reconnecting`);
      this.client.disconnect(true);
    }
  }

  async ping(): Promise<void> {
    await this.op('ping', () => this.client.ping());
  }

  async seed(): Promise<void> {
    if (this.seeded) return;
    const ids = Array.from({ length: this.o.items }, (_, i) => itemId(i));
    await this.op('seed', () => this.client.demoSeed(this.keys.stock, this.o.stock, ...ids));
    this.seeded = true;
  }

  async listItems(): Promise<Array<{ id: string; name: string; priceCents: number; stock: number }>> {
    let stock = await this.op('list_items', () => this.client.hgetall(this.keys.stock));
    if (Object.keys(stock).length === 0) {
      this.seeded = false;
      await this.seed();
      stock = await this.op('list_items', () => this.client.hgetall(this.keys.stock));
    }
    return Object.keys(stock)
      .sort()
      .map((id) => ({ ...catalogItem(id), stock: Number(stock[id]) }));
  }

  async reserve(req: { itemId: string; qty: number; idempotencyKey?: string }): Promise<ReserveResult> {
    const id = randomBytes(8).toString('hex');
    const key = req.idempotencyKey ?? `auto-${id}`;
    const signature = `${req.itemId}:${req.qty}`;
    const [outcome, fields] = await this.op('reserve', () =>
      this.client.demoReserve(
        this.keys.idempotency(key),
        this.keys.stock,
        this.keys.reservation(id),
        this.keys.reservation(''),
        req.qty,
        id,
        req.itemId,
        signature,
        Date.now(),
        this.o.idempotencyTtlSeconds,
      ),
    );
    if (outcome === 'created' || outcome === 'replay') {
      const reservation = reservationFrom(fields ?? []);
      if (!reservation) throw new StoreError('redis_error', new Error(`reservation for key ${key} has no data`));
      return { outcome, reservation };
    }
    return { outcome: outcome as 'no_item' | 'out_of_stock' | 'idempotency_conflict' };
  }

  /** Confirm; with durableReplicas > 0 the answer waits until that many replicas have it. */
  async confirm(id: string): Promise<ConfirmResult> {
    const [outcome, fields] = await this.op('confirm', () =>
      this.client.demoConfirm(this.keys.reservation(id), this.keys.confirmed, id, Date.now()),
    );
    if (outcome !== 'confirmed') return { outcome: 'no_reservation' };
    const reservation = reservationFrom(fields ?? []);
    if (!reservation) throw new StoreError('redis_error', new Error(`reservation ${id} has no data`));
    if (this.o.durableReplicas > 0) {
      const acked = await this.op(
        'wait',
        () => this.client.call('WAIT', this.o.durableReplicas, this.o.durableTimeoutMs) as Promise<number>,
      );
      if (acked < this.o.durableReplicas) {
        throw new StoreError('not_durable', new Error(`WAIT: ${acked} of ${this.o.durableReplicas} replicas acknowledged`));
      }
    }
    return { outcome: 'confirmed', reservation };
  }

  async getReservation(id: string): Promise<Reservation | null> {
    const h = await this.op('get_reservation', () => this.client.hgetall(this.keys.reservation(id)));
    return reservationFrom(h);
  }

  async close(): Promise<void> {
    this.metrics.redisConnected.set(0);
    if (this.client.status === 'ready') {
      await Promise.race([this.client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
    this.client.disconnect();
  }
}
