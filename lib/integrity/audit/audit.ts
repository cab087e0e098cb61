/**
 * The audit: read a writer's ledger and the target, and classify every sequence number
 * the way Jepsen's set checker does (attempted / acknowledged / survivors).
 */
import { performance } from 'node:perf_hooks';
import { OptionsError, UserError } from '../../core/errors.js';
import { ReplyError, type RespValue } from '../../core/resp/index.js';
import { type ConnectionError, type ConnectionOptions, defined, describeTarget, errorKind, targetOrThrow } from '../../redis/index.js';
import { Router } from '../router.js';
import { type Ledger, type OutcomeCode, readLedger } from '../write/ledger.js';
import { classifyRead, type ReadState, readCommandFor, readsWithMget, type WriteMode, writeKey } from '../write/records.js';

export interface AuditOptions {
  ledgerPath: string;
  connection: ConnectionOptions;
  /** Refuse a ledger of another run. */
  runId?: string;
  /** Keys per read batch. */
  batchSize: number;
  /** Sample keys kept per class. */
  samples: number;
  /** Acknowledged-but-lost writes tolerated before the audit fails. */
  allowLoss: number;
  /** Audit the intact blocks of a truncated ledger (and say how many records were cut off) instead of refusing it. */
  allowTruncated?: boolean;
}

export const AUDIT_DEFAULTS = { batchSize: 1000, samples: 10, allowLoss: 0 };

const COUNT_KEYS = [
  'attempted',
  'acked',
  'failed',
  'unknown',
  'ackedOk',
  'ackedLost',
  'ackedCorrupt',
  'failedPresent',
  'failedAbsent',
  'unknownPresent',
  'unknownAbsent',
] as const;
export type AuditCounts = Record<(typeof COUNT_KEYS)[number], number>;

/** What runAudit() found (also the --json document). */
export type AuditResult = Awaited<ReturnType<typeof runAudit>>;

export function validateAuditOptions(o: Partial<AuditOptions>): string[] {
  const p: string[] = [];
  if (!o.ledgerPath) p.push('--ledger FILE is required (the file `stormdrill write --ledger` wrote)');
  if (o.batchSize !== undefined && (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > 100_000))
    p.push('--batch must be 1..100000');
  if (o.samples !== undefined && (!Number.isInteger(o.samples) || o.samples < 0)) p.push('--samples must be >= 0');
  if (o.allowLoss !== undefined && (!Number.isInteger(o.allowLoss) || o.allowLoss < 0))
    p.push('--allow-loss must be a non-negative integer');
  return p;
}

/** Pure classification of one seq (exported for tests). */
export function classify(code: OutcomeCode, state: ReadState): keyof AuditCounts {
  if (code === 1) return state === 'ok' ? 'ackedOk' : state === 'absent' ? 'ackedLost' : 'ackedCorrupt';
  if (code === 2) return state === 'absent' ? 'failedAbsent' : 'failedPresent';
  return state === 'absent' ? 'unknownAbsent' : 'unknownPresent';
}

export async function runAudit(input: Partial<AuditOptions> & Pick<AuditOptions, 'ledgerPath'>) {
  const o = { ...AUDIT_DEFAULTS, connection: {}, ...defined(input) } as AuditOptions;
  const problems = validateAuditOptions(o);
  if (problems.length > 0) throw new OptionsError(problems);
  const target = targetOrThrow(o.connection);
  const ledger = readLedger(o.ledgerPath, { runId: o.runId, allowTruncated: o.allowTruncated });
  const started = performance.now();
  const router = await Router.open(target);
  try {
    const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as AuditCounts;
    const samples = {
      ackedLost: [] as string[],
      ackedCorrupt: [] as string[],
      failedPresent: [] as string[],
      unknownPresent: [] as string[],
    };
    Object.assign(counts, ledger.outcomes.counts, { attempted: ledger.outcomes.total });
    await auditAll(router, ledger, o, (key, code, state) => {
      const cls = classify(code, state);
      counts[cls]++;
      const s = (samples as Record<string, string[]>)[cls];
      if (s && s.length < o.samples) s.push(key);
    });
    const durationSeconds = (performance.now() - started) / 1000;
    return {
      ledgerPath: o.ledgerPath,
      runId: ledger.header.runId,
      keyPrefix: ledger.header.keyPrefix,
      mode: ledger.header.mode,
      target: describeTarget(target),
      /** False when the ledger has no end record (the writer crashed or was killed). */
      ledgerComplete: ledger.end !== null,
      /** A truncated ledger read with --allow-truncated: where it is cut and the outcomes lost with the cut (not audited). */
      ledgerCut: ledger.cut,
      ...counts,
      samples,
      /** ackedLost / acked. */
      lossRate: counts.acked > 0 ? counts.ackedLost / counts.acked : 0,
      /** acked / attempted. */
      ackRate: counts.attempted > 0 ? counts.acked / counts.attempted : 0,
      allowLoss: o.allowLoss,
      passed: counts.ackedLost <= o.allowLoss && counts.ackedCorrupt === 0,
      durationSeconds,
      keysPerSecond: durationSeconds > 0 ? counts.attempted / durationSeconds : 0,
    };
  } finally {
    router.close();
  }
}

type Visit = (key: string, code: OutcomeCode, state: ReadState) => void;

async function auditAll(router: Router, ledger: Ledger, o: AuditOptions, visit: Visit): Promise<void> {
  const mode = ledger.header.mode as WriteMode;
  const { keyPrefix, valueSize } = ledger.header;
  const inFlight = new Set<Promise<void>>();
  let batch: Array<[number, OutcomeCode]> = [];
  const runBatch = async (items: Array<[number, OutcomeCode]>) => {
    const keys = items.map(([seq]) => writeKey(keyPrefix, seq));
    const replies = await readKeys(router, keys, mode);
    for (let i = 0; i < items.length; i++) {
      const [seq, code] = items[i] as [number, OutcomeCode];
      const r = replies[i] as RespValue;
      if (r instanceof ReplyError && errorKind(r) !== 'WRONGTYPE')
        throw new UserError(
          `audit could not read ${keys[i]}: ${r.message} (is the target a writable master or replica in sync? retry when it is up)`,
        );
      visit(keys[i] as string, code, classifyRead(mode, r, seq, valueSize));
    }
  };
  const launch = async (items: Array<[number, OutcomeCode]>) => {
    const p = runBatch(items);
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => {});
    if (inFlight.size >= 8) await Promise.race(inFlight);
  };
  for (const e of ledger.outcomes.entries()) {
    batch.push(e);
    if (batch.length >= o.batchSize) {
      await launch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await launch(batch);
  await Promise.all(inFlight);
}

/** Read keys (in order) from their nodes: string modes as strings (one MGET on a single node), the others per key. */
function readKeys(router: Router, keys: string[], mode: WriteMode): Promise<RespValue[]> {
  const lost = (err: ConnectionError) =>
    new UserError(`lost the connection to ${err.message} during the audit: retry when the target is up`);
  return readsWithMget(mode) ? router.strings(keys, lost) : router.perKey(keys, (k) => readCommandFor(mode, k), lost);
}
