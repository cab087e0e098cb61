/** Options of `stormdrill write` (the continuous writer with a ledger). */
import { isValidRunId } from '../../core/naming.js';
import type { ConnectionOptions } from '../../redis/index.js';
import { WRITE_MODES, type WriteMode } from './records.js';

export const WRITE_DEFAULTS = {
  mode: 'set' as WriteMode,
  valueSize: 64,
  /** Target writes per second; 0 = as fast as `concurrency` allows. */
  rate: 0,
  /** Writes in flight at once. */
  concurrency: 64,
  /** Stop after this many seconds; 0 = until stop() (the CLI: Ctrl-C). */
  durationSeconds: 0,
  /** Stop after this many writes; 0 = no limit. */
  maxWrites: 0,
  /** A write (or read) without a reply after this is "unknown" and its connection is dropped. */
  timeoutMs: 1000,
  /** Ledger flush interval. */
  flushMs: 5,
  /** Read probes per second (GET of a recently written key); 0 = no read probe. */
  readRate: 0,
  /** Reconnect backoff, doubling from min to max. */
  backoffMinMs: 10,
  backoffMaxMs: 500,
  /**
   * Sentinel targets: move to the new master on +switch-master from any Sentinel (default).
   * false: stay until an error or a reconnect says otherwise, as many application clients do.
   */
  followSwitchMaster: true,
};

export type WriteOptions = typeof WRITE_DEFAULTS & {
  connection: ConnectionOptions;
  runId: string;
  /** Default `sd:<runId>:`. */
  keyPrefix?: string;
  /** Ledger file (created; never overwritten). */
  ledgerPath: string;
};

const KNOWN = new Set([...Object.keys(WRITE_DEFAULTS), 'connection', 'runId', 'keyPrefix', 'ledgerPath']);

/** Every problem at once, flag names in the messages. */
export function validateWriteOptions(o: Partial<WriteOptions>): string[] {
  const p: string[] = [];
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) p.push(`unknown write option '${k}'`);
  if (!o.runId || !isValidRunId(o.runId)) p.push('--run-id must be lower-case letters, digits and dashes (at most 48)');
  if (o.mode !== undefined && !WRITE_MODES.includes(o.mode)) p.push(`--mode must be one of ${WRITE_MODES.join('|')}, got '${o.mode}'`);
  const int = (v: number | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min || v > max))
      p.push(`${flag} must be an integer from ${min} to ${max}, got ${v}`);
  };
  int(o.valueSize, '--value-size', 1, 512 * 1024 * 1024);
  int(o.concurrency, '--concurrency', 1, 100_000);
  int(o.maxWrites, '--max-writes', 0);
  int(o.flushMs, '--flush-ms', 1, 10_000);
  int(o.timeoutMs, '--timeout', 10, 600_000);
  if (o.rate !== undefined && !(o.rate >= 0 && Number.isFinite(o.rate))) p.push(`--rate must be >= 0 writes/s, got ${o.rate}`);
  if (o.readRate !== undefined && !(o.readRate >= 0 && o.readRate <= 100_000))
    p.push(`--read-rate must be 0..100000 reads/s, got ${o.readRate}`);
  if (o.durationSeconds !== undefined && !(o.durationSeconds >= 0 && Number.isFinite(o.durationSeconds)))
    p.push(`--duration must be >= 0 seconds, got ${o.durationSeconds}`);
  if (!o.ledgerPath) p.push('--ledger FILE is required');
  if (o.keyPrefix !== undefined && o.keyPrefix.length === 0) p.push('--key-prefix must not be empty');
  if (o.backoffMinMs !== undefined && o.backoffMaxMs !== undefined && o.backoffMinMs > o.backoffMaxMs)
    p.push('reconnect backoff: min must be <= max');
  return p;
}
