/**
 * verify: SCAN the source node by node, read the same keys on the target (one EVAL per
 * batch and node, see script.ts), compare, then scan the target for keys the source
 * lacks. Later rounds re-check only the conflicts, so keys still being written do not
 * show as false conflicts. Big keys are compared in chunks (HSCAN/SSCAN/ZSCAN against
 * HMGET/SMISMEMBER/ZMSCORE, LRANGE and XRANGE pages, GETRANGE).
 */
import { performance } from 'node:perf_hooks';
import { OptionsError, UserError } from '../../core/errors.js';
import { ReplyError, type RespValue } from '../../core/resp/index.js';
import { defined, describeTarget, encodeArgs, type RespConn, targetOrThrow } from '../../redis/index.js';
import { Router } from '../router.js';
import { CONFLICT_KINDS, type CompareSettings, type ConflictKind, compareStates } from './compare.js';
import { type CompareMode, VERIFY_DEFAULTS, type VerifyOptions, validateVerifyOptions } from './options.js';
import { ABSENT, INSPECT_SCRIPT, type KeyState } from './script.js';

export type ConflictCounts = Record<ConflictKind, number> & { total: number };

/** What runVerify() found (also the --json document). */
export type VerifyResult = Awaited<ReturnType<typeof runVerify>>;

export interface VerifyEvents {
  progress?: (p: { round: number; phase: 'forward' | 'reverse' | 'recheck'; keys: number; conflicts: number }) => void;
}

class RateLimit {
  private tokens = 0;
  private last = performance.now();
  constructor(private readonly perSecond: number) {}
  async take(n: number): Promise<void> {
    if (this.perSecond <= 0) return;
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.tokens + ((now - this.last) / 1000) * this.perSecond, Math.max(n, this.perSecond));
      this.last = now;
      if (this.tokens >= n) {
        this.tokens -= n;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((n - this.tokens) / this.perSecond) * 1000)));
    }
  }
}

function parseStates(reply: RespValue, n: number): KeyState[] {
  if (!Array.isArray(reply) || reply.length !== n * 4) throw new Error('verify: unexpected script reply');
  const out: KeyState[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = reply[i * 4] as Buffer | string;
    const kind = Number(reply[i * 4 + 2]) as 0 | 1 | 2;
    const p = reply[i * 4 + 3] as Buffer | number;
    out[i] = { type: String(t), pttl: Number(reply[i * 4 + 1]), kind, payload: kind === 1 ? Number(p) : (p as Buffer) };
  }
  return out;
}

const SCRIPT_BYTES = Buffer.from(INSPECT_SCRIPT);
const EVAL = Buffer.from('EVAL');
const ZERO = Buffer.from('0');
const EXISTS = [Buffer.from('EXISTS')];

/** Parse `n` comma-separated integers (PTTLs) without allocating per number. */
export function parseIntList(b: Buffer, n: number): Float64Array {
  const out = new Float64Array(n);
  let i = 0;
  let v = 0;
  let neg = false;
  for (let p = 0; p < b.length; p++) {
    const c = b[p] as number;
    if (c === 44) {
      out[i++] = neg ? -v : v;
      v = 0;
      neg = false;
    } else if (c === 45) neg = true;
    else v = v * 10 + (c - 48);
  }
  if (b.length > 0 || n > 0) out[i++] = neg ? -v : v;
  if (i !== n) throw new Error(`verify: expected ${n} TTLs, got ${i}`);
  return out;
}

/** Inspect keys on one side, routed per node; states in key order. */
async function inspect(
  router: Router,
  keys: Buffer[],
  mode: CompareMode | 'exists' | 'pttls' | 'digest' | 'digest-ttl',
  o: VerifyOptions,
): Promise<KeyState[] | number[] | string[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const n = router.nodeOf(keys[i] as Buffer);
    const g = groups.get(n);
    if (g) g.push(i);
    else groups.set(n, [i]);
  }
  const out: Array<KeyState | number | string> = new Array(keys.length);
  await Promise.all(
    [...groups].map(async ([node, idx]) => {
      const conn = router.conns[node] as RespConn;
      const args = [mode, o.bigBytes, o.bigElements, Math.max(1, o.ttlToleranceMs), o.compare];
      const head = [EVAL, SCRIPT_BYTES, ZERO, ...args.map((a) => Buffer.from(String(a)))];
      const cmd = encodeArgs(head, idx.length === keys.length ? keys : idx.map((i) => keys[i] as Buffer));
      let reply: RespValue;
      try {
        reply = await conn.call(cmd);
      } catch (e) {
        throw new UserError(`verify could not read ${conn.endpoint.host}:${conn.endpoint.port}: ${(e as Error).message}`);
      }
      if (mode === 'digest' || mode === 'digest-ttl') {
        out[0] = reply === null ? '' : String(reply);
        return;
      }
      const got: ArrayLike<KeyState | number> =
        mode === 'pttls'
          ? parseIntList(reply as Buffer, idx.length)
          : mode === 'exists'
            ? (reply as RespValue[]).map(Number)
            : parseStates(reply, idx.length);
      idx.forEach((i, j) => {
        out[i] = got[j] as KeyState | number;
      });
    }),
  );
  return out as KeyState[] | number[] | string[];
}

/** Keys of a side (every master). */
async function dbsize(router: Router): Promise<number> {
  return (await Promise.all(router.conns.map((c) => c.call(['DBSIZE'])))).reduce<number>((a, b) => a + Number(b), 0);
}

/** True when some node of a side holds a key with a TTL in `db` (INFO keyspace `expires`). */
async function hasExpires(router: Router, db: number): Promise<boolean> {
  for (const c of router.conns) {
    const info = String(await c.call(['INFO', 'keyspace']));
    const m = new RegExp(`^db${db}:keys=\\d+,expires=(\\d+)`, 'm').exec(info);
    if (m && Number(m[1]) > 0) return true;
  }
  return false;
}

/** String values of keys (null: missing or not a string): one MGET on a single node, pipelined GETs in a cluster. */
async function values(router: Router, keys: Buffer[]): Promise<RespValue[]> {
  const replies = await router.strings(keys, (err) => new UserError(`verify lost a connection: ${err.message}`));
  return replies.map((v) => (v instanceof ReplyError ? null : v));
}

/** 1 when the key exists: one EXISTS for the batch when all do, per key otherwise. */
async function existence(router: Router, keys: Buffer[], o: VerifyOptions): Promise<number[]> {
  if (router.conns.length === 1) {
    const n = Number(await (router.conns[0] as RespConn).call(encodeArgs(EXISTS, keys)));
    if (n === keys.length) return keys.map(() => 1);
  }
  return (await inspect(router, keys, 'exists', o)) as number[];
}

/** SCAN every master of a side, calling `batch` with each page of keys (bounded concurrency). */
async function scanAll(router: Router, o: VerifyOptions, limit: RateLimit, batch: (keys: Buffer[]) => Promise<void>): Promise<void> {
  for (const conn of router.conns) {
    let cursor = '0';
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    do {
      const args = ['SCAN', cursor, 'COUNT', String(o.batchSize)];
      if (o.match) args.push('MATCH', o.match);
      const r = (await conn.call(args)) as [Buffer, Buffer[]];
      cursor = r[0].toString();
      const keys = r[1];
      if (keys.length === 0) continue;
      await limit.take(keys.length);
      const p = batch(keys).catch((e) => {
        failure ??= e;
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 4) await Promise.race(inFlight);
      if (failure) break;
    } while (cursor !== '0');
    await Promise.all(inFlight);
    if (failure) throw failure;
  }
}

/** Compare one big key in chunks; true when equal. */
export async function compareBig(src: RespConn, tgt: RespConn, key: Buffer, type: string): Promise<boolean> {
  const page = 512;
  const both = async (args: Array<string | Buffer>) => (await Promise.all([src.call(args), tgt.call(args)])) as [RespValue[], RespValue[]];
  const eq = (a: RespValue, b: RespValue) => (Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b || String(a) === String(b));
  if (type === 'string') {
    const chunk = 256 * 1024;
    const len = Number(await src.call(['STRLEN', key]));
    for (let off = 0; off < len; off += chunk) {
      const [a, b] = await both(['GETRANGE', key, String(off), String(off + chunk - 1)]);
      if (!eq(a, b)) return false;
    }
    return true;
  }
  if (type === 'list') {
    for (let start = 0; ; start += page) {
      const [a, b] = await both(['LRANGE', key, String(start), String(start + page - 1)]);
      if (a.length !== b.length || a.some((x, i) => !eq(x, b[i] as RespValue))) return false;
      if (a.length < page) return true;
    }
  }
  if (type === 'stream') {
    for (let from = '-'; ; ) {
      const [a, b] = await both(['XRANGE', key, from, '+', 'COUNT', String(page)]);
      if (JSON.stringify(a.map(flat)) !== JSON.stringify(b.map(flat))) return false;
      if (a.length < page) return true;
      from = `(${String((a[a.length - 1] as RespValue[])[0])}`;
    }
  }
  // hash, set, zset: every source element is on the target with the same value; lengths were equal
  const scanCmd = type === 'hash' ? 'HSCAN' : type === 'set' ? 'SSCAN' : 'ZSCAN';
  let cursor = '0';
  do {
    const r = (await src.call([scanCmd, key, cursor, 'COUNT', String(page)])) as [Buffer, Buffer[]];
    cursor = r[0].toString();
    const items = r[1];
    if (items.length === 0) continue;
    if (type === 'set') {
      const present = (await tgt.call(['SMISMEMBER', key, ...items])) as RespValue[];
      if (present.some((x) => Number(x) !== 1)) return false;
    } else {
      const names = items.filter((_, i) => i % 2 === 0);
      const values = items.filter((_, i) => i % 2 === 1);
      const got = (await tgt.call([type === 'hash' ? 'HMGET' : 'ZMSCORE', key, ...names])) as RespValue[];
      for (let i = 0; i < names.length; i++) {
        const g = got[i] as RespValue;
        if (g === null) return false;
        if (type === 'hash' ? !eq(g, values[i] as Buffer) : Number(String(g)) !== Number(String(values[i]))) return false;
      }
    }
  } while (cursor !== '0');
  return true;
}

function flat(v: RespValue): unknown {
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (Array.isArray(v)) return v.map(flat);
  return v instanceof ReplyError ? `ERR ${v.message}` : v;
}

export async function runVerify(input: Partial<VerifyOptions> & Pick<VerifyOptions, 'source' | 'target'>, events: VerifyEvents = {}) {
  const o = { ...VERIFY_DEFAULTS, ...defined(input) } as VerifyOptions;
  const problems = validateVerifyOptions(o);
  const sideTarget = (flag: string, c: VerifyOptions['source']) => {
    try {
      return targetOrThrow(c);
    } catch (e) {
      problems.push(...((e as OptionsError).problems ?? [String(e)]).map((p) => `${flag}: ${p}`));
      return null;
    }
  };
  const srcTarget = sideTarget('--source', o.source);
  const tgtTarget = sideTarget('--target', o.target);
  if (problems.length > 0 || !srcTarget || !tgtTarget) throw new OptionsError(problems);
  const started = performance.now();
  const src = await Router.open(srcTarget);
  let tgt: Router;
  try {
    tgt = await Router.open(tgtTarget);
  } catch (e) {
    src.close();
    throw e;
  }
  const settings: CompareSettings = { ttlToleranceMs: o.ttlToleranceMs, ttlGraceMs: o.ttlGraceMs, compare: o.compare };
  const limit = new RateLimit(o.qps);
  /** Open conflicts: key (latin1) → key bytes and kind. */
  let open = new Map<string, { key: Buffer; kind: ConflictKind }>();
  let keysCompared = 0;
  let targetKeysScanned = 0;
  let reverseCounted = false;
  const perRound: Array<{ round: number; checked: number; conflicts: number }> = [];

  /** Full inspection (type, TTL, value digest or length) of keys on both sides, by script. */
  const inspectBoth = async (keys: Buffer[]): Promise<[KeyState[], KeyState[]]> =>
    (await Promise.all([inspect(src, keys, o.compare, o), inspect(tgt, keys, o.compare, o)])) as [KeyState[], KeyState[]];

  /**
   * The fast path for --compare value: MGET + PTTL on both sides. Keys that are strings on
   * both sides are decided here; the rest (other types, missing) go through the script.
   */
  const fastStates = async (keys: Buffer[]): Promise<[KeyState[], KeyState[]]> => {
    const [va, vb, ta, tb] = (await Promise.all([
      values(src, keys),
      values(tgt, keys),
      inspect(src, keys, 'pttls', o),
      inspect(tgt, keys, 'pttls', o),
    ])) as [RespValue[], RespValue[], number[], number[]];
    const a: KeyState[] = new Array(keys.length);
    const b: KeyState[] = new Array(keys.length);
    const slow: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const x = va[i];
      const y = vb[i];
      if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) {
        a[i] = { type: 'string', pttl: Number(ta[i]), kind: 0, payload: x };
        b[i] = { type: 'string', pttl: Number(tb[i]), kind: 0, payload: y };
      } else slow.push(i);
    }
    if (slow.length > 0) {
      const [sa, sb] = await inspectBoth(slow.map((i) => keys[i] as Buffer));
      slow.forEach((i, j) => {
        a[i] = sa[j] as KeyState;
        b[i] = sb[j] as KeyState;
      });
    }
    return [a, b];
  };

  /**
   * Single nodes on both sides: one SHA1 per batch and side (type, TTL bucket and content
   * of every key). Equal digests prove the batch equal without bringing a value to Node.
   */
  const digestable = src.conns.length === 1 && tgt.conns.length === 1;
  // TTLs enter the digests only when some key of either side has one (INFO keyspace expires)
  const ttlsExist = async () => (await Promise.all([hasExpires(src, srcTarget.db), hasExpires(tgt, tgtTarget.db)])).some(Boolean);
  const digestMode = (await ttlsExist()) ? 'digest-ttl' : 'digest';
  const batchEqual = async (keys: Buffer[]): Promise<boolean> => {
    const [da, db] = (await Promise.all([inspect(src, keys, digestMode, o), inspect(tgt, keys, digestMode, o)])) as [string[], string[]];
    return da[0] !== '!' && da[0] === db[0];
  };

  const check = async (keys: Buffer[], phase: 'forward' | 'recheck'): Promise<void> => {
    if (phase === 'forward' && digestable && (await batchEqual(keys))) return;
    const [a, b] = o.compare === 'value' ? await fastStates(keys) : await inspectBoth(keys);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as Buffer;
      const sa = a[i] ?? ABSENT;
      const sb = b[i] ?? ABSENT;
      let c = compareStates(sa, sb, settings);
      if (c === 'big') {
        const equal = await compareBig(src.conns[src.nodeOf(key)] as RespConn, tgt.conns[tgt.nodeOf(key)] as RespConn, key, sa.type);
        c = equal ? null : 'value';
      }
      const id = key.toString('latin1');
      if (c) open.set(id, { key, kind: c });
      else if (phase === 'recheck') open.delete(id);
    }
  };

  try {
    // round 1: every source key against the target; then every target key the source lacks
    const forward = () =>
      scanAll(src, o, limit, async (keys) => {
        await check(keys, 'forward');
        keysCompared += keys.length;
        events.progress?.({ round: 1, phase: 'forward', keys: keysCompared, conflicts: open.size });
      });
    const reverse = () =>
      scanAll(tgt, o, limit, async (keys) => {
        targetKeysScanned += keys.length;
        const exists = await existence(src, keys, o);
        const missing = keys.filter((_, i) => exists[i] === 0);
        if (missing.length > 0) await check(missing, 'forward');
        events.progress?.({ round: 1, phase: 'reverse', keys: targetKeysScanned, conflicts: open.size });
      });
    if (!o.bothDirections) await forward();
    else if (o.match) await Promise.all([forward(), reverse()]);
    else {
      // Whole databases: when both sizes hold still and the target holds exactly the source
      // keys found on it, the target has no key the source lacks: the reverse scan is a count.
      const [s0, t0] = await Promise.all([dbsize(src), dbsize(tgt)]);
      await forward();
      const [s1, t1] = await Promise.all([dbsize(src), dbsize(tgt)]);
      const missingOnTarget = [...open.values()].filter((c) => c.kind === 'missingOnTarget').length;
      reverseCounted = s0 === s1 && s1 === keysCompared && t0 === t1 && t1 === keysCompared - missingOnTarget;
      if (!reverseCounted) await reverse();
    }
    perRound.push({ round: 1, checked: keysCompared + targetKeysScanned, conflicts: open.size });
    for (let round = 2; round <= o.rounds && open.size > 0; round++) {
      await new Promise((r) => setTimeout(r, o.interval * 1000));
      const keys = [...open.values()].map((c) => c.key);
      const before = open;
      open = new Map(before);
      for (let i = 0; i < keys.length; i += o.batchSize) {
        const chunk = keys.slice(i, i + o.batchSize);
        await limit.take(chunk.length);
        await check(chunk, 'recheck');
      }
      perRound.push({ round, checked: keys.length, conflicts: open.size });
      events.progress?.({ round, phase: 'recheck', keys: keys.length, conflicts: open.size });
    }
  } finally {
    src.close();
    tgt.close();
  }

  const conflicts = { type: 0, value: 0, missingOnTarget: 0, missingOnSource: 0, ttl: 0, total: 0 } as ConflictCounts;
  const samples = Object.fromEntries(CONFLICT_KINDS.map((k) => [k, [] as string[]])) as Record<ConflictKind, string[]>;
  for (const { key, kind } of open.values()) {
    conflicts[kind]++;
    conflicts.total++;
    if (samples[kind].length < o.samples) samples[kind].push(key.toString('utf8'));
  }
  for (const k of CONFLICT_KINDS) samples[k].sort();
  const durationSeconds = (performance.now() - started) / 1000;
  return {
    source: describeTarget(srcTarget),
    target: describeTarget(tgtTarget),
    compare: o.compare,
    rounds: perRound.length,
    /** Source keys compared in the first round. */
    keysCompared,
    /** Target keys scanned for the reverse direction. */
    targetKeysScanned,
    /**
     * True when the reverse direction was proven by counting (whole databases, sizes steady,
     * the target holding exactly the source keys found on it) instead of a scan.
     */
    reverseCounted,
    conflicts,
    /** Up to `samples` keys per kind. */
    samples,
    perRound,
    durationSeconds,
    keysPerSecond: durationSeconds > 0 ? keysCompared / durationSeconds : 0,
    passed: conflicts.total === 0,
  };
}
