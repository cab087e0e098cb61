/**
 * Options of the demo service (the Redis-backed HTTP system under test): typed, with
 * DEFAULTS and a validate() that returns every problem. Pure.
 */
import { isValidRunId } from '../core/naming.js';
import { type Endpoint, parseHostPortList } from '../redis/endpoint.js';

/**
 * Where Redis is. `direct` covers a plain server and HAProxy in front of Sentinel (both
 * are just host:port); `sentinel` asks the sentinels for the current primary.
 */
export type RedisTarget = { kind: 'direct'; url: string } | { kind: 'sentinel'; sentinels: Endpoint[]; masterName: string };

export interface DemoServiceOptions {
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** Listen address (default 127.0.0.1; 0.0.0.0 inside a container). */
  host: string;
  /** A redis:// URL (direct or HAProxy) or a target. */
  redis: string | RedisTarget;
  /** Redis AUTH password (never logged). A password in a redis:// URL works too. */
  password?: string;
  /** The run whose namespace (sd:<runId>:demo:*) holds every key. */
  runId: string;
  /** Catalog size. */
  items: number;
  /** Initial stock of each item. */
  stock: number;
  /** Confirm only after WAIT reports this many replicas have the write (0 = no WAIT). */
  durableReplicas: number;
  durableTimeoutMs: number;
  /** Per Redis command timeout; a command slower than this fails with 503. */
  commandTimeoutMs: number;
  /** How long an idempotency key is remembered. */
  idempotencyTtlSeconds: number;
  /** Where the service writes its few log lines (connection changes). */
  log?: (line: string) => void;
}

export type DemoServiceInput = Pick<DemoServiceOptions, 'redis' | 'runId'> & Partial<Omit<DemoServiceOptions, 'redis' | 'runId'>>;

export const DEFAULTS = {
  port: 8080,
  host: '127.0.0.1',
  items: 50,
  stock: 1_000_000,
  durableReplicas: 0,
  durableTimeoutMs: 500,
  commandTimeoutMs: 1000,
  idempotencyTtlSeconds: 86_400,
} as const;

export function withDefaults(o: DemoServiceInput): DemoServiceOptions {
  return { ...DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as DemoServiceOptions;
}

/** `host:port,host:port` → the Sentinels' addresses (problems reported by validate). */
export function parseSentinelList(text: string): { list: Endpoint[]; errors: string[] } {
  if (text.trim() === '') return { list: [], errors: ['no sentinel addresses given: pass host:port[,host:port...]'] };
  const { list, errors } = parseHostPortList(text);
  return { list, errors: errors.map((e) => `sentinel address ${e.replace('e.g. 127.0.0.1:6379', 'e.g. 127.0.0.1:26379')}`) };
}

/** The target from environment variables (the plain entry point / docker-compose). */
export function targetFromEnv(env: Record<string, string | undefined>): { target?: RedisTarget; errors: string[] } {
  if (env.REDIS_SENTINELS) {
    const { list, errors } = parseSentinelList(env.REDIS_SENTINELS);
    const masterName = env.REDIS_MASTER_NAME || 'sdmaster';
    return { target: { kind: 'sentinel', sentinels: list, masterName }, errors };
  }
  return { target: { kind: 'direct', url: env.REDIS_URL || 'redis://127.0.0.1:6379' }, errors: [] };
}

function checkRedisUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `redis URL '${url.replace(/\/\/[^@/]*@/, '//***@')}' is not a URL: use redis://host:port, e.g. redis://127.0.0.1:6379`;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return `redis URL must start with redis:// or rediss:// (got ${u.protocol}//)`;
  if (!u.hostname) return 'redis URL needs a host, e.g. redis://127.0.0.1:6379';
  return null;
}

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
const nonNegativeInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function validate(o: DemoServiceOptions): string[] {
  const errors: string[] = [];
  if (!nonNegativeInt(o.port) || o.port > 65535) errors.push(`port must be 0-65535 (got ${o.port})`);
  if (!isValidRunId(o.runId)) errors.push(`run id '${o.runId}' must be lower-case letters, digits and dashes (at most 48)`);
  if (typeof o.redis === 'string' || o.redis.kind === 'direct') {
    const e = checkRedisUrl(typeof o.redis === 'string' ? o.redis : o.redis.url);
    if (e) errors.push(e);
  } else {
    if (o.redis.sentinels.length === 0) errors.push('Sentinel mode needs at least one sentinel address (host:port)');
    if (!/^[\w.-]+$/.test(o.redis.masterName)) errors.push(`master name '${o.redis.masterName}' must be letters, digits, '.', '_' or '-'`);
  }
  if (!positiveInt(o.items) || o.items > 10_000) errors.push(`items must be 1-10000 (got ${o.items})`);
  if (!positiveInt(o.stock)) errors.push(`stock must be a positive whole number (got ${o.stock})`);
  if (!nonNegativeInt(o.durableReplicas)) errors.push(`durable replicas must be 0 or more (got ${o.durableReplicas})`);
  if (!positiveInt(o.durableTimeoutMs)) errors.push(`durable timeout must be a positive number of ms (got ${o.durableTimeoutMs})`);
  if (!positiveInt(o.commandTimeoutMs)) errors.push(`command timeout must be a positive number of ms (got ${o.commandTimeoutMs})`);
  if (o.durableReplicas > 0 && o.durableTimeoutMs >= o.commandTimeoutMs)
    errors.push(`durable timeout (${o.durableTimeoutMs} ms) must be shorter than the command timeout (${o.commandTimeoutMs} ms)`);
  if (!positiveInt(o.idempotencyTtlSeconds))
    errors.push(`idempotency TTL must be a positive number of seconds (got ${o.idempotencyTtlSeconds})`);
  return errors;
}

/** How the target is shown in logs: never a password. */
export function describeTarget(t: string | RedisTarget): string {
  if (typeof t === 'string') return `direct ${t.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`;
  if (t.kind === 'direct') return describeTarget(t.url);
  return `sentinel ${t.masterName} via ${t.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
}
