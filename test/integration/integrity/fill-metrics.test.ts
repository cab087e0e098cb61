/**
 * fill to a memory target on a real server with maxmemory, every key type with TTLs, and
 * live metrics pushed to a real Prometheus with remote write (testid label).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FillProgress, runFill } from '../../../lib/integrity/index.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { namespace, tmpDir } from '../../support/namespace.js';
import { promValue as promValueAt } from '../../support/prom.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: { maxmemory: '64mb', maxmemoryPolicy: 'noeviction' }, prometheus: true });
const redis = () => redisClient(env.redis.port);

const promValue = (q: string) => promValueAt(env.prometheus.url, q);

describe('fill', () => {
  it('stops near --until-memory 75% of maxmemory without an OOM error', async () => {
    const progress: FillProgress[] = [];
    const r = await runFill(
      { runId: namespace.runId, untilMemory: '75%', valueSize: 200, connection: { port: env.redis.port } },
      { progress: (p) => progress.push(p) },
    );
    const max = 64 * 1024 * 1024;
    expect(r).toMatchObject({ errors: 0, stoppedBy: 'memory', maxmemory: max, targetMemory: Math.round(max * 0.75) });
    const info = String(await redis().info('memory'));
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
    expect(used / max).toBeGreaterThan(0.72);
    expect(used / max).toBeLessThan(0.85);
    expect(await redis().dbsize()).toBe(r.keys);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.fraction).toBeGreaterThan(0.9);
    await redis().flushall();
  });

  it('writes every type with the asked share of TTLs, deterministically from the seed', async () => {
    const c = redis();
    const n = 3000;
    const r = await runFill({
      runId: namespace.runId,
      keys: n,
      type: 'mixed',
      ttlShare: 0.3,
      ttlSeconds: 600,
      elements: 3,
      connection: { port: env.redis.port },
    });
    expect(r.errors).toBe(0);
    const keys = await c.keys(`${namespace.keyPrefix}fill:*`);
    expect(keys).toHaveLength(n);
    const types = new Map<string, number>();
    let withTtl = 0;
    for (const k of keys) {
      const t = await c.type(k);
      types.set(t, (types.get(t) ?? 0) + 1);
      const ttl = await c.pttl(k);
      if (ttl > 0) {
        withTtl++;
        expect(ttl).toBeLessThanOrEqual(600_000);
      }
    }
    expect([...types.keys()].sort()).toEqual(['hash', 'list', 'set', 'string', 'zset']);
    expect(withTtl / n).toBeGreaterThan(0.25);
    expect(withTtl / n).toBeLessThan(0.35);
    // the same seed writes the same bytes: a fill of database 1 holds exactly the same values
    await runFill({
      runId: namespace.runId,
      keys: n,
      type: 'mixed',
      ttlShare: 0.3,
      ttlSeconds: 600,
      elements: 3,
      connection: { port: env.redis.port, db: 1 },
    });
    const db1 = redisClient(env.redis.port, { db: 1 });
    const some = keys.slice(0, 300);
    expect(await Promise.all(some.map((k) => db1.dump(k)))).toEqual(await Promise.all(some.map((k) => c.dump(k))));
    expect(await db1.dbsize()).toBe(n);
    await c.flushall();
  });

  it('pushes live fill and write metrics with the testid label to Prometheus (remote write)', async () => {
    const runId = `${namespace.runId}-prom`;
    const cwd = tmpDir('prom');
    const fill = await stormdrill(
      ['fill', '-p', String(env.redis.port), '--keys', '20000', '--run-id', runId, '--prom-rw', env.prometheus.remoteWriteUrl, '-q'],
      { cwd },
    );
    expect(fill.exitCode, fill.stderr).toBe(0);
    const write = await stormdrill(
      [
        'write',
        '-p',
        String(env.redis.port),
        '--run-id',
        runId,
        '--duration',
        '2',
        '--rate',
        '2000',
        '--prom-rw',
        env.prometheus.remoteWriteUrl,
        '-q',
        '--ledger',
        join(cwd, 'ledger'),
        '--json',
        join(cwd, 'write.json'),
      ],
      { cwd },
    );
    expect(write.exitCode, write.stderr).toBe(0);
    // what Prometheus holds is what the run counted: the last push carries the final figures
    const { acked } = JSON.parse(readFileSync(join(cwd, 'write.json'), 'utf8')) as { acked: number };
    expect(acked).toBeGreaterThan(0);
    let keys: number | null = null;
    let pushed: number | null = null;
    await waitUntil(
      'the fill and write series in Prometheus',
      async () => {
        keys = await promValue(`stormdrill_fill_keys_total{testid="${runId}"}`);
        pushed = await promValue(`stormdrill_write_ops_total{testid="${runId}",outcome="acked"}`);
        return keys !== null && pushed !== null;
      },
      10_000,
      250,
    );
    expect(keys).toBe(20_000);
    expect(pushed).toBe(acked);
    expect(await promValue(`stormdrill_write_unavailable{testid="${runId}",op="write"}`)).toBe(0);
    expect(await promValue(`stormdrill_write_op_duration_seconds_count{testid="${runId}"}`)).toBeGreaterThanOrEqual(acked);
    await redis().flushall();
  });
});
