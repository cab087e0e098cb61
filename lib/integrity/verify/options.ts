/** Options of `stormdrill verify` (source vs target consistency). */
import type { ConnectionOptions } from '../../redis/index.js';

export const COMPARE_MODES = ['value', 'length', 'keys'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

export const VERIFY_DEFAULTS = {
  /** Rounds: the first compares everything, later ones re-check only the conflicts. */
  rounds: 3,
  /** Seconds between rounds. */
  interval: 1,
  compare: 'value' as CompareMode,
  /** Keys fetched per second (each side); 0 = no limit. */
  qps: 0,
  /** Keys per SCAN batch / EVAL. */
  batchSize: 1000,
  /** Sample keys kept per conflict kind. */
  samples: 20,
  /** Also scan the target for keys missing on the source (default true: proves equality). */
  bothDirections: true,
  ttlToleranceMs: 5000,
  ttlGraceMs: 5000,
  /** Strings longer than this, and collections with more elements than bigElements, are compared in chunks. */
  bigBytes: 512 * 1024,
  bigElements: 2048,
};

export type VerifyOptions = typeof VERIFY_DEFAULTS & {
  source: ConnectionOptions;
  target: ConnectionOptions;
  /** SCAN MATCH pattern (e.g. a run's namespace `sd:<runId>:*`); default every key. */
  match?: string;
};

export function validateVerifyOptions(o: Partial<VerifyOptions>): string[] {
  const p: string[] = [];
  if (!o.source) p.push('--source URI is required (e.g. redis://127.0.0.1:6379)');
  if (!o.target) p.push('--target URI is required (e.g. redis://127.0.0.1:6380)');
  if (o.rounds !== undefined && (!Number.isInteger(o.rounds) || o.rounds < 1 || o.rounds > 100))
    p.push(`--rounds must be 1..100, got ${o.rounds}`);
  if (o.interval !== undefined && !(o.interval >= 0 && o.interval <= 3600)) p.push(`--interval must be 0..3600 seconds, got ${o.interval}`);
  if (o.compare !== undefined && !COMPARE_MODES.includes(o.compare))
    p.push(`--compare must be one of ${COMPARE_MODES.join('|')}, got '${o.compare}'`);
  if (o.qps !== undefined && !(o.qps >= 0 && Number.isFinite(o.qps))) p.push(`--qps must be >= 0, got ${o.qps}`);
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 10_000))
    p.push('--batch must be 1..10000');
  if (o.samples !== undefined && (!Number.isInteger(o.samples) || o.samples < 0)) p.push('--samples must be >= 0');
  if (o.ttlToleranceMs !== undefined && !(o.ttlToleranceMs >= 0)) p.push('--ttl-tolerance must be >= 0 ms');
  if (o.qps !== undefined && o.batchSize !== undefined && o.qps > 0 && o.qps < o.batchSize)
    p.push(`--qps ${o.qps} is below --batch ${o.batchSize}: lower --batch`);
  return p;
}
