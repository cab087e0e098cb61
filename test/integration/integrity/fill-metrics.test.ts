/**
 * fill to a memory target on a real server with maxmemory, every key type with TTLs, and
 * live metrics pushed to a real Prometheus with remote write (testid label).
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { type FillProgress, runFill } from '../../../lib/integrity/index.js';
import { useTestEnv } from '../../support/env.js';
import { namespace, tmpDir } from '../../support/namespace.js';

const env = useTestEnv({ redis: { maxmemory: '64mb', maxmemoryPolicy: 'noeviction' }, prometheus: true });
const clients: Redis[] = [];
afterAll(() => {
  for (const c of clients) c.disconnect();
});
const redis = () => {
  const c = new Redis({ port: env.redis.port });
  clients.push(c);
  return c;
};

async function promValue(query: string): Promise<number | null> {
  const res = await request(`${env.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.body.json()) as { data: { result: Array<{ value: [number, string] }> } };
  const v = body.data.result[0]?.value[1];
  return v === undefined ? null : Number(v);
}

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
    const db1 = new Redis({ port: env.redis.port, db: 1 });
    clients.push(db1);
    const some = keys.slice(0, 300);
    expect(await Promise.all(some.map((k) => db1.dump(k)))).toEqual(await Promise.all(some.map((k) => c.dump(k))));
    expect(await db1.dbsize()).toBe(n);
    await c.flushall();
  });

  it('pushes live fill and write metrics with the testid label to Prometheus (remote write)', async () => {
    const bin = join(PROJECT_ROOT, 'bin/stormdrill.js');
    const runId = `${namespace.runId}-prom`;
    const cwd = tmpDir('prom');
    const fill = await execa(
      'node',
      [bin, 'fill', '-p', String(env.redis.port), '--keys', '20000', '--run-id', runId, '--prom-rw', env.prometheus.remoteWriteUrl, '-q'],
      {
        cwd,
        reject: false,
      },
    );
    expect(fill.exitCode, fill.stderr).toBe(0);
    const write = await execa(
      'node',
      [
        bin,
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
      ],
      { cwd, reject: false },
    );
    expect(write.exitCode, write.stderr).toBe(0);
    let keys: number | null = null;
    let acked: number | null = null;
    for (let i = 0; i < 40 && (keys === null || acked === null); i++) {
      keys = await promValue(`stormdrill_fill_keys_total{testid="${runId}"}`);
      acked = await promValue(`stormdrill_write_ops_total{testid="${runId}",outcome="acked"}`);
      if (keys === null || acked === null) await new Promise((r) => setTimeout(r, 250));
    }
    expect(keys).toBe(20_000);
    expect(acked).toBeGreaterThan(3000);
    expect(await promValue(`stormdrill_write_unavailable{testid="${runId}",op="write"}`)).toBe(0);
    expect(await promValue(`stormdrill_write_op_duration_seconds_count{testid="${runId}"}`)).toBeGreaterThan(3000);
    await redis().flushall();
  });
});
