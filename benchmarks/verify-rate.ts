/**
 * verify throughput: two fresh redis-servers filled identically (KEYS 100-byte strings,
 * default 1M, by `fill` with the same seed), then `verify` with full-value compare in both
 * directions (whole db: the reverse direction by counting; with --match: by scanning the
 * target back); prints keys compared per second against the 200,000 keys/s target.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFill, runVerify } from '../lib/integrity/index.js';
import { freePort } from '../lib/stack/ports.js';
import { startRedisServer } from '../lib/stack/redis.js';

const TARGET = 200_000;
const KEYS = Number(process.env.KEYS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'stormdrill-verify-bench-'));
try {
  const a = await startRedisServer({ port: await freePort(), dir: join(dir, 'a') });
  const b = await startRedisServer({ port: await freePort(), dir: join(dir, 'b') });
  try {
    for (const s of [a, b]) await runFill({ runId: 'bench-verify', keys: KEYS, valueSize: 100, seed: 7, connection: { port: s.port } });
    // whole databases: the reverse direction is proven by counting (sizes steady and equal)
    const r = await runVerify({ source: { port: a.port }, target: { port: b.port }, compare: 'value', rounds: 3 });
    if (r.conflicts.total !== 0) throw new Error(`identical data reported ${r.conflicts.total} conflicts`);
    console.log(
      `verify (whole db): ${r.keysCompared} keys compared (value, 100-byte strings), reverse direction ${r.reverseCounted ? 'proven by counting' : `scanned (${r.targetKeysScanned} keys)`}, in ${r.durationSeconds.toFixed(2)} s = ${Math.round(r.keysPerSecond)} keys/s; conflicts ${r.conflicts.total}`,
    );
    // with --match the target is scanned back key by key
    const m = await runVerify({ source: { port: a.port }, target: { port: b.port }, compare: 'value', rounds: 3, match: 'sd:*' });
    if (m.conflicts.total !== 0) throw new Error(`identical data reported ${m.conflicts.total} conflicts`);
    console.log(
      `verify (--match, target scanned back): ${m.keysCompared} keys compared + ${m.targetKeysScanned} target keys scanned in ${m.durationSeconds.toFixed(2)} s = ${Math.round(m.keysPerSecond)} keys/s`,
    );
    console.log(
      `ratio to the ${TARGET} keys/s target: ${(r.keysPerSecond / TARGET).toFixed(2)}x whole db (${r.keysPerSecond >= TARGET ? 'met' : 'NOT met'}), ${(m.keysPerSecond / TARGET).toFixed(2)}x with the reverse scan`,
    );
  } finally {
    await a.stop();
    await b.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
