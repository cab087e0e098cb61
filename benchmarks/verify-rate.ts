/**
 * verify throughput: two fresh redis-servers filled identically (KEYS 100-byte strings,
 * default 1M, by `fill` with the same seed), then `verify` with full-value compare in both
 * directions; prints keys compared per second against the 200,000 keys/s target.
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
    const r = await runVerify({ source: { port: a.port }, target: { port: b.port }, compare: 'value', rounds: 3 });
    if (r.conflicts.total !== 0) throw new Error(`identical data reported ${r.conflicts.total} conflicts`);
    console.log(
      `verify: ${r.keysCompared} keys compared (value, 100-byte strings) + ${r.targetKeysScanned} target keys scanned back, in ${r.durationSeconds.toFixed(2)} s = ${Math.round(r.keysPerSecond)} keys/s; conflicts ${r.conflicts.total}`,
    );
    console.log(
      `ratio to the ${TARGET} keys/s target: ${(r.keysPerSecond / TARGET).toFixed(2)}x (${r.keysPerSecond >= TARGET ? 'met' : 'NOT met'})`,
    );
  } finally {
    await a.stop();
    await b.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
