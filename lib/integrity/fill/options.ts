/** Options of `stormdrill fill` (bulk load in pipe mode, without a file). */
import { isValidRunId } from '../../core/naming.js';
import type { ConnectionOptions } from '../../redis/index.js';

export const FILL_TYPES = ['string', 'hash', 'list', 'set', 'zset', 'mixed'] as const;
export type FillType = (typeof FILL_TYPES)[number];

export const FILL_DEFAULTS = {
  /** Keys to write; 0 = until --until-memory is reached. */
  keys: 0,
  /** Value bytes (per element for collections). */
  valueSize: 100,
  type: 'string' as FillType,
  /** Elements per collection key (hash fields, list items, set/zset members). */
  elements: 4,
  /** Share of keys (0..1) that get a TTL of ttlSeconds. */
  ttlShare: 0,
  ttlSeconds: 3600,
  seed: 1,
  /** Commands in flight per connection. */
  window: 8192,
  /** Keys per MSET for fixed-size strings without TTL on one master; 1 = one SET per key (like redis-cli --pipe). */
  mset: 32,
  /** Fill even when maxmemory-policy would evict keys. */
  allowEviction: false,
  /** Hard stop after this many seconds. */
  maxSeconds: 3600,
  /** Memory polling interval (with untilMemory). */
  memoryPollMs: 20,
};

export type FillOptions = typeof FILL_DEFAULTS & {
  connection: ConnectionOptions;
  runId: string;
  /** Default `sd:<runId>:`; keys are `<prefix>fill:<n>`. */
  keyPrefix?: string;
  /** '80%' of maxmemory, or an absolute size such as '2GiB' / '500mb' (used_memory). */
  untilMemory?: string;
  /** Value bytes drawn per key from [min, max] instead of valueSize. */
  valueSizeRange?: [number, number];
};

const UNITS: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** '80%' → { percent: 80 }; '2GiB' → { bytes: 2147483648 }; null when malformed. Pure. */
export function parseMemoryTarget(text: string): { percent: number } | { bytes: number } | null {
  const t = text.trim().toLowerCase();
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (pct) return { percent: Number(pct[1]) };
  const abs = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(t);
  if (!abs) return null;
  const unit = UNITS[abs[2] || 'b'];
  if (unit === undefined) return null;
  return { bytes: Math.round(Number(abs[1]) * unit) };
}

export function validateFillOptions(o: Partial<FillOptions>): string[] {
  const p: string[] = [];
  if (!o.runId || !isValidRunId(o.runId)) p.push('--run-id must be lower-case letters, digits and dashes (at most 48)');
  const int = (v: number | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
      p.push(`${flag} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int(o.keys, '--keys', 0);
  int(o.valueSize, '--value-size', 1, 64 * 1024 * 1024);
  int(o.elements, '--elements', 1, 100_000);
  int(o.window, '--window', 1, 10_000_000);
  int(o.mset, '--mset', 1, 1000);
  int(o.seed, '--seed', 0, 2 ** 32 - 1);
  int(o.ttlSeconds, '--ttl', 1);
  if (o.type !== undefined && !FILL_TYPES.includes(o.type)) p.push(`--type must be one of ${FILL_TYPES.join('|')}, got '${o.type}'`);
  if (o.ttlShare !== undefined && !(o.ttlShare >= 0 && o.ttlShare <= 1)) p.push(`--ttl-share must be from 0 to 1, got ${o.ttlShare}`);
  if (o.maxSeconds !== undefined && !(o.maxSeconds > 0)) p.push('--max-seconds must be > 0');
  if (o.valueSizeRange) {
    const [a, b] = o.valueSizeRange;
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a || b > 64 * 1024 * 1024)
      p.push(`--value-size-range must be MIN-MAX with 1 <= MIN <= MAX, got ${a}-${b}`);
  }
  if (o.untilMemory !== undefined) {
    const m = parseMemoryTarget(o.untilMemory);
    if (!m) p.push(`--until-memory must be a percentage of maxmemory (80%) or a size (2GiB, 500mb), got '${o.untilMemory}'`);
    else if ('percent' in m && (m.percent <= 0 || m.percent > 100))
      p.push(`--until-memory ${o.untilMemory} is not a share of maxmemory: use a value from 1% to 100%`);
    else if ('bytes' in m && m.bytes <= 0) p.push('--until-memory must be > 0');
  }
  if (!o.keys && o.untilMemory === undefined) p.push('give --keys N or --until-memory 80% (or a size like 2GiB)');
  return p;
}
