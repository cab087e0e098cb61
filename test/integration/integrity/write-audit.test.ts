/**
 * Ground truth for the writer, the ledger and the audit, against real redis-server
 * processes: keys destroyed behind the writer's back, writes refused (NOREPLICAS), a
 * frozen server (SIGSTOP) and a server killed with kill -9 and restarted.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit, runWrite, startWriter } from '../../../lib/integrity/index.js';
import { readLedger } from '../../../lib/integrity/write/ledger.js';
import { writeKey } from '../../../lib/integrity/write/records.js';
import { startRedisServer } from '../../../lib/stack/redis.js';
import { useTestEnv } from '../../support/env.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { waitMoreAcks, waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: true });
const client = (port: number) => redisClient(port, { retryStrategy: () => null });

function pick(n: number, k: number, exclude = new Set<number>()): number[] {
  const out = new Set<number>();
  while (out.size < k) {
    const s = Math.floor(Math.random() * n);
    if (!exclude.has(s)) out.add(s);
  }
  return [...out];
}

describe('write + audit against ground truth', () => {
  it('reports exactly K acked-but-lost and M corrupt keys destroyed behind the writer (random K, M, three times)', async () => {
    const redis = client(env.redis.port);
    for (let rep = 0; rep < 3; rep++) {
      const runId = `${namespace.runId}-k${rep}`;
      const ledgerPath = join(tmpDir('ledger'), 'ledger');
      const n = 20_000;
      const w = await runWrite({ runId, ledgerPath, maxWrites: n, concurrency: 32, connection: { port: env.redis.port } });
      expect(w.acked).toBe(n);
      expect(w.failed + w.unknown).toBe(0);
      const prefix = w.keyPrefix;
      const k = 1 + Math.floor(Math.random() * 700);
      const m = Math.floor(Math.random() * 50);
      const lost = pick(n, k);
      const corrupt = pick(n, m, new Set(lost));
      await redis.del(...lost.map((s) => writeKey(prefix, s)));
      for (const s of corrupt) await redis.set(writeKey(prefix, s), `not-what-the-writer-wrote-${s}`);

      const a = await runAudit({ ledgerPath, connection: { port: env.redis.port }, samples: 5 });
      expect(a).toMatchObject({
        attempted: n,
        acked: n,
        ackedLost: k,
        ackedCorrupt: m,
        ackedOk: n - k - m,
        failed: 0,
        unknown: 0,
        passed: false,
      });
      expect(a.ledgerComplete).toBe(true);
      const lostKeys = new Set(lost.map((s) => writeKey(prefix, s)));
      expect(a.samples.ackedLost.length).toBe(Math.min(5, k));
      for (const key of a.samples.ackedLost) expect(lostKeys.has(key)).toBe(true);
      // --allow-loss K tolerates exactly the loss (not the corruption)
      const tolerant = await runAudit({ ledgerPath, connection: { port: env.redis.port }, allowLoss: k });
      expect(tolerant.passed).toBe(m === 0);
      await redis.del(...Array.from({ length: n }, (_, s) => writeKey(prefix, s)));
    }
  });

  it.each(['incr', 'rpush', 'xadd'] as const)('audits --mode %s writes exactly too', async (mode) => {
    const redis = client(env.redis.port);
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const n = 3000;
    const w = await runWrite({ runId: `${namespace.runId}-${mode}`, mode, ledgerPath, maxWrites: n, connection: { port: env.redis.port } });
    expect(w.acked).toBe(n);
    const lost = pick(n, 1 + Math.floor(Math.random() * 100));
    await redis.del(...lost.map((s) => writeKey(w.keyPrefix, s)));
    const corrupt = pick(n, 3, new Set(lost));
    for (const s of corrupt) {
      const key = writeKey(w.keyPrefix, s);
      if (mode === 'incr') await redis.incr(key);
      else if (mode === 'rpush') await redis.rpush(key, 'extra');
      else await redis.xadd(key, '*', 'v', 'extra');
    }
    const a = await runAudit({ ledgerPath, connection: { port: env.redis.port } });
    expect(a).toMatchObject({ mode, acked: n, ackedLost: lost.length, ackedCorrupt: 3, ackedOk: n - lost.length - 3 });
    await redis.del(...Array.from({ length: n }, (_, s) => writeKey(w.keyPrefix, s)));
  });

  it('records refused writes as failed and measures the window they cause (NOREPLICAS)', async () => {
    const redis = client(env.redis.port);
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const writer = await startWriter({
      runId: `${namespace.runId}-norep`,
      ledgerPath,
      rate: 2000,
      concurrency: 8,
      connection: { port: env.redis.port },
    });
    await waitMoreAcks(writer, 400);
    const t0 = Date.now();
    await redis.config('SET', 'min-replicas-to-write', '1');
    await waitUntil('600 writes refused', async () => writer.snapshot().failed >= 600, 20_000, 10);
    await redis.config('SET', 'min-replicas-to-write', '0');
    const t1 = Date.now();
    await waitMoreAcks(writer, 400);
    const r = await writer.stop();
    expect(r.failed).toBeGreaterThan(500);
    expect(r.unknown).toBe(0);
    expect(r.writeWindows).toHaveLength(1);
    const win = r.writeWindows[0] as (typeof r.writeWindows)[number];
    expect(Object.keys(win.errors)).toEqual(['NOREPLICAS']);
    expect(win.errors.NOREPLICAS).toBe(r.failed);
    // the window lies within what the test did: it opens after the refusal began and closes
    // after it ended (a busy machine may delay either edge; bench:drill measures the accuracy)
    expect(win.startMs).toBeGreaterThanOrEqual(t0 - 50);
    expect(win.startMs).toBeLessThan(t1);
    expect(win.endMs).toBeGreaterThanOrEqual(t1 - 50);
    expect(win.endMs).toBeLessThanOrEqual(t1 + 3000);
    const a = await runAudit({ ledgerPath, connection: { port: env.redis.port } });
    expect(a).toMatchObject({ ackedLost: 0, ackedCorrupt: 0, failedPresent: 0, failedAbsent: r.failed, acked: r.acked, passed: true });
    await redis.del(...Array.from({ length: r.attempted }, (_, s) => writeKey(r.keyPrefix, s)));
  });

  it('turns unanswered writes into unknown outcomes while the server is frozen (SIGSTOP), and keeps going after', async () => {
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const writer = await startWriter({
      runId: `${namespace.runId}-frozen`,
      ledgerPath,
      rate: 3000,
      concurrency: 16,
      timeoutMs: 300,
      readRate: 200,
      connection: { port: env.redis.port },
    });
    await waitMoreAcks(writer, 300);
    env.redis.process.freeze();
    await new Promise((r) => setTimeout(r, 1500)); // the fault's length
    env.redis.process.thaw();
    const before = await waitMoreAcks(writer, 300);
    const r = await writer.stop();
    expect(r.acked).toBeGreaterThanOrEqual(before + 300);
    expect(r.unknown).toBeGreaterThan(0);
    expect(r.writeWindows.length).toBeGreaterThanOrEqual(1);
    const win = r.writeWindows[0] as (typeof r.writeWindows)[number];
    expect(win.errors.TIMEOUT).toBeGreaterThan(0);
    expect(win.open).toBeUndefined();
    // a 1.5 s freeze and a 300 ms op timeout; a busy machine stretches the end, not the start
    expect(win.durationMs).toBeGreaterThan(1200);
    expect(win.durationMs).toBeLessThan(6000);
    expect(r.readWindows.length).toBeGreaterThanOrEqual(1);
    expect(r.readWindows[0]?.durationMs).toBeGreaterThan(1000);
    const a = await runAudit({ ledgerPath, connection: { port: env.redis.port } });
    expect(a.ackedLost).toBe(0);
    expect(a.unknownPresent + a.unknownAbsent).toBe(r.unknown);
    await client(env.redis.port).del(...Array.from({ length: r.attempted }, (_, s) => writeKey(r.keyPrefix, s)));
  });

  it('survives kill -9 and restart of the server: reconnects, measures the window, loses no acked write with appendfsync always', async () => {
    const port = await ports.take();
    const dir = join(tmpDir('aof'), 'node');
    const opts = { port, dir, appendonly: true, config: { appendfsync: 'always' } };
    let server = await startRedisServer(opts);
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const writer = await startWriter({
      runId: `${namespace.runId}-kill`,
      ledgerPath,
      rate: 3000,
      concurrency: 16,
      timeoutMs: 500,
      connection: { port },
    });
    try {
      await waitMoreAcks(writer, 500);
      const killedAt = Date.now();
      await server.process.crash();
      await waitUntil('the writer to see the server gone', async () => writer.snapshot().writeWindow !== null, 10_000, 10);
      const restartAt = Date.now();
      server = await startRedisServer(opts);
      const upAt = Date.now();
      const before = await waitMoreAcks(writer, 500);
      const r = await writer.stop();
      expect(r.acked).toBeGreaterThanOrEqual(before + 500);
      expect(r.writeWindows, JSON.stringify(r.writeWindows)).toHaveLength(1);
      const win = r.writeWindows[0] as (typeof r.writeWindows)[number];
      expect(win.errors.ECONNREFUSED).toBeGreaterThan(0);
      expect(win.startMs).toBeGreaterThanOrEqual(killedAt - 600);
      // the window closes once the restarted server answers: not before it was started
      expect(win.endMs).toBeGreaterThanOrEqual(restartAt);
      expect(win.endMs).toBeLessThanOrEqual(upAt + 3000);
      const a = await runAudit({ ledgerPath, connection: { port } });
      expect(a.ackedLost).toBe(0);
      expect(a.ackedCorrupt).toBe(0);
      expect(a.acked).toBe(r.acked);
      expect(a.unknownPresent + a.unknownAbsent).toBe(r.unknown);
      expect(readLedger(ledgerPath).outcomes.total).toBe(r.attempted);
    } finally {
      await writer.stop();
      await server.stop();
    }
  });
});
