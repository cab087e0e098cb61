/**
 * The demo service's data model, pure: key names under the run's namespace, the catalog,
 * request validation, error kinds and how Redis errors map onto them.
 */
import { keyPrefix } from '../core/naming.js';

export interface DemoKeys {
  prefix: string;
  stock: string;
  confirmed: string;
  reservation(id: string): string;
  idempotency(key: string): string;
}

/** Every key lives under `sd:<runId>:demo:`. */
export function demoKeys(runId: string): DemoKeys {
  const prefix = `${keyPrefix(runId)}demo:`;
  return {
    prefix,
    stock: `${prefix}stock`,
    confirmed: `${prefix}confirmed`,
    reservation: (id) => `${prefix}res:${id}`,
    idempotency: (key) => `${prefix}idem:${key}`,
  };
}

export function itemId(index: number): string {
  return `item-${String(index + 1).padStart(3, '0')}`;
}

/** The static part of an item (name, price); stock lives in Redis. */
export function catalogItem(id: string): { id: string; name: string; priceCents: number } {
  const n = Number(id.slice(5));
  return { id, name: `Item ${n}`, priceCents: 500 + ((n * 137) % 9500) };
}

export interface Reservation {
  id: string;
  itemId: string;
  qty: number;
  status: 'pending' | 'confirmed';
  createdAt: number;
  confirmedAt?: number;
}

/** A reservation from a Redis hash (flat [k, v, k, v] or object). */
export function reservationFrom(fields: string[] | Record<string, string>): Reservation | null {
  const h: Record<string, string> = Array.isArray(fields) ? {} : fields;
  if (Array.isArray(fields)) for (let i = 0; i + 1 < fields.length; i += 2) h[fields[i] as string] = fields[i + 1] as string;
  if (!h.id || !h.itemId || !h.status) return null;
  const r: Reservation = {
    id: h.id,
    itemId: h.itemId,
    qty: Number(h.qty),
    status: h.status === 'confirmed' ? 'confirmed' : 'pending',
    createdAt: Number(h.createdAt),
  };
  if (h.confirmedAt) r.confirmedAt = Number(h.confirmedAt);
  return r;
}

export const ITEM_ID = /^item-\d{3,5}$/;
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;
export const RESERVATION_ID = /^[0-9a-f]{16,32}$/;
export const MAX_QTY = 10;

/** Validate a reservation request body; returns the request or the problem. */
export function parseReserveBody(body: unknown): { itemId: string; qty: number } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'body must be a JSON object like {"itemId":"item-001","qty":1}' };
  const b = body as Record<string, unknown>;
  if (typeof b.itemId !== 'string' || !ITEM_ID.test(b.itemId)) return { error: 'itemId must be an item id such as "item-001"' };
  const qty = b.qty === undefined ? 1 : b.qty;
  if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 1 || qty > MAX_QTY)
    return { error: `qty must be a whole number from 1 to ${MAX_QTY}` };
  return { itemId: b.itemId, qty };
}

/** Every error kind the service answers with, and its HTTP status. */
export const ERROR_STATUS = {
  bad_request: 400,
  payload_too_large: 413,
  not_found: 404,
  method_not_allowed: 405,
  out_of_stock: 409,
  idempotency_conflict: 409,
  redis_unavailable: 503,
  redis_timeout: 503,
  redis_readonly: 503,
  not_durable: 503,
  redis_error: 500,
  internal: 500,
} as const;

export type ErrorKind = keyof typeof ERROR_STATUS;

/** Which error kind a Redis client error is. */
export function classifyRedisError(err: unknown): ErrorKind {
  const e = err as { name?: string; message?: string; code?: string };
  const msg = e?.message ?? String(err);
  if (/^READONLY\b/.test(msg)) return 'redis_readonly';
  if (/Command timed out/i.test(msg)) return 'redis_timeout';
  if (
    e?.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|All sentinels are unreachable|^LOADING\b|^MASTERDOWN\b|^TRYAGAIN\b|^CLUSTERDOWN\b|^UNBLOCKED\b|NOREPLICAS/.test(
      msg,
    )
  )
    return 'redis_unavailable';
  return 'redis_error';
}

/** A one-line reason safe to show a client (no addresses or secrets); 'internal error' for the other kinds. */
const PUBLIC_REASONS: Partial<Record<ErrorKind, string>> = {
  redis_unavailable: 'Redis is unavailable; retry shortly',
  redis_timeout: 'Redis did not answer in time; retry shortly',
  redis_readonly: 'Redis is read-only (a failover is under way); retry shortly',
  not_durable: 'the write was not confirmed by enough replicas; retry the same request',
  redis_error: 'Redis returned an error',
};

export function publicReason(kind: ErrorKind): string {
  return PUBLIC_REASONS[kind] ?? 'internal error';
}
