/**
 * Master against replica, key by key, without scripts: SCAN one side, ask both for
 * `DEBUG DIGEST-VALUE` of the same keys, then SCAN the other side for keys the first
 * lacks. A cluster replica refuses script reads of its master's slots (Redis 7.0: "Script
 * attempted to access a non local key", even after READONLY), so the drill compares
 * cluster shards this way. DEBUG is a node command (no key routing) and needs
 * `enable-debug-command local`, which every node stormdrill starts has.
 */
import { ReplyError, type RespValue } from '../../core/resp/index.js';
import type { RespConn } from '../../redis/index.js';

/** What DEBUG DIGEST-VALUE answers for a key that does not exist. */
const ABSENT_DIGEST = '0'.repeat(40);

export interface DigestCompareResult {
  /** Keys of the first side compared. */
  keys: number;
  /** Keys whose value differs, or that only one side has. */
  conflicts: number;
  /** Up to `maxSamples` conflicting keys. */
  samples: string[];
}

export interface DigestCompareOptions {
  /** SCAN MATCH pattern (the run's namespace). */
  match: string;
  /** Keys per SCAN and per DEBUG DIGEST-VALUE (default 500). */
  batch?: number;
  maxSamples?: number;
}

/** One command; a refusal (call() rejects with the ReplyError) names `what` and the node. */
async function ask(conn: RespConn, what: string, args: string[]): Promise<RespValue> {
  return conn.call(args).catch((e: unknown) => {
    if (!(e instanceof ReplyError)) throw e;
    throw new Error(`${what} on ${conn.endpoint.host}:${conn.endpoint.port}: ${e.message}`);
  });
}

async function digests(conn: RespConn, keys: string[]): Promise<string[]> {
  const r = await ask(conn, 'DEBUG DIGEST-VALUE', ['DEBUG', 'DIGEST-VALUE', ...keys]);
  if (!Array.isArray(r) || r.length !== keys.length) throw new Error('unexpected DEBUG DIGEST-VALUE reply');
  return r.map(String);
}

/** Every key matching `match` on one side, in SCAN batches. */
async function* scan(conn: RespConn, match: string, count: number): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const r = await ask(conn, 'SCAN', ['SCAN', cursor, 'MATCH', match, 'COUNT', String(count)]);
    if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[1])) throw new Error('unexpected SCAN reply');
    cursor = String(r[0]);
    if (r[1].length > 0) yield r[1].map(String);
  } while (cursor !== '0');
}

/** Compare `a` (the master) with `b` (a replica that has caught up) for the keys matching `o.match`. */
export async function compareByDigest(a: RespConn, b: RespConn, o: DigestCompareOptions): Promise<DigestCompareResult> {
  const batch = o.batch ?? 500;
  const maxSamples = o.maxSamples ?? 10;
  const result: DigestCompareResult = { keys: 0, conflicts: 0, samples: [] };
  const conflict = (key: string) => {
    result.conflicts++;
    if (result.samples.length < maxSamples) result.samples.push(key);
  };
  // forward: every key of the master, same digest on the replica (absent there counts)
  for await (const keys of scan(a, o.match, batch)) {
    const [da, db] = await Promise.all([digests(a, keys), digests(b, keys)]);
    result.keys += keys.length;
    keys.forEach((k, i) => {
      if (da[i] !== ABSENT_DIGEST && da[i] !== db[i]) conflict(k);
    });
  }
  // reverse: keys only the replica has (no set of forward keys held: the master is asked again)
  for await (const keys of scan(b, o.match, batch)) {
    const da = await digests(a, keys);
    keys.forEach((k, i) => {
      if (da[i] === ABSENT_DIGEST) conflict(k);
    });
  }
  return result;
}
