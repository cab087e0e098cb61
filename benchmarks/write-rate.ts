/**
 * Writer throughput: `stormdrill write` (the library's writer, ledger on disk) against a
 * fresh local redis-server for DURATION seconds (default 20); prints acked writes/s
 * against the 50,000/s target and the process RSS sampled every second (bounded memory:
 * the ledger is on disk, outcomes are 2 bits per write).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLedger, startWriter } from '../lib/integrity/index.js';
import { freePort } from '../lib/stack/ports.js';
import { startRedisServer } from '../lib/stack/redis.js';

const TARGET = 50_000;
const DURATION = Number(process.env.DURATION ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'stormdrill-write-bench-'));
const mib = (b: number) => (b / 1024 / 1024).toFixed(1);
try {
  const redis = await startRedisServer({ port: await freePort(), dir: join(dir, 'redis') });
  try {
    const ledgerPath = join(dir, 'ledger');
    const w = await startWriter({ runId: 'bench-write', ledgerPath, connection: { port: redis.port }, durationSeconds: DURATION });
    const rss: number[] = [];
    const perSecond: number[] = [];
    w.on('tick', (t) => {
      rss.push(process.memoryUsage().rss);
      perSecond.push(t.ackedPerSecond);
    });
    const r = await w.done;
    const ledger = readLedger(ledgerPath);
    const firstHalf = rss.slice(0, Math.ceil(rss.length / 2));
    const secondHalf = rss.slice(Math.ceil(rss.length / 2));
    const minSecond = Math.min(...perSecond.slice(1));
    console.log(
      `write: ${r.acked} acked in ${r.durationSeconds.toFixed(1)} s = ${Math.round(r.ackedPerSecond)} acked writes/s (slowest full second ${minSecond}); failed ${r.failed}, unknown ${r.unknown}; p99 ${r.latencyMs.p99.toFixed(3)} ms`,
    );
    console.log(
      `RSS: max ${mib(Math.max(...firstHalf))} MiB in the first half, ${mib(Math.max(...secondHalf))} MiB in the second half; ledger ${mib(r.ledgerBytes)} MiB on disk for ${ledger.outcomes.total} outcomes (${((r.ledgerBytes * 8) / Math.max(1, ledger.outcomes.total)).toFixed(2)} bits/write)`,
    );
    console.log(
      `ratio to the ${TARGET} acked writes/s target: ${(r.ackedPerSecond / TARGET).toFixed(2)}x (${r.ackedPerSecond >= TARGET ? 'met' : 'NOT met'})`,
    );
  } finally {
    await redis.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
