/**
 * One rule for every duration flag of every command (real CLI processes): a bare number is
 * seconds, units are accepted everywhere, and a flag that used to take milliseconds refuses a
 * bare number with one line instead of silently meaning something else.
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../../lib/integrity/write/ledger.js';
import { stormdrill as cli } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { namespace } from '../../support/namespace.js';

const env = useTestEnv({ redis: true });
const stormdrill = (args: string[], timeoutMs = 60_000) => cli(args, { env: { STORMDRILL_STATE_DIR: env.tmpDir('state') }, timeoutMs });
const redis = new Redis({ port: 1, lazyConnect: true });
afterAll(() => redis.disconnect());

function oneLine(r: { exitCode?: number; all: string }): string {
  expect(r.exitCode, r.all).toBe(2);
  const lines = r.all.trim().split('\n');
  expect(lines, r.all).toHaveLength(1);
  return lines[0] as string;
}

describe('duration flags: a bare number is seconds, or refused', () => {
  it('mirror --duration 2 runs for two seconds (it ran 2 ms before)', async () => {
    const listen = `127.0.0.1:${await env.ports.take()}`;
    const t0 = Date.now();
    const r = await stormdrill([
      'mirror',
      '--primary',
      'http://127.0.0.1:1',
      '--mirror',
      'http://127.0.0.1:2',
      '--listen',
      listen,
      '--duration',
      '2',
    ]);
    const took = Date.now() - t0;
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toContain('(for 2s;');
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(
      oneLine(await stormdrill(['mirror', '--primary', 'http://127.0.0.1:1', '--mirror', 'http://127.0.0.1:2', '--duration', '60x'])),
    ).toBe("stormdrill: --duration must be a duration such as 30s, 2m or 1m30s (a bare number is seconds), e.g. --duration 10m; got '60x'");
  });

  it('write --duration takes 1 and 1s alike; write --timeout 500 needs a unit', async () => {
    const port = String(env.redis.port);
    for (const d of ['1', '1s']) {
      const runId = `${namespace.runId}-d${d}`;
      const ledger = join(env.tmpDir('dur'), 'ledger');
      const t0 = Date.now();
      const r = await stormdrill(['write', '-p', port, '--run-id', runId, '--rate', '200', '--duration', d, '--ledger', ledger, '-q']);
      expect(r.exitCode, r.all).toBe(0);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      const l = readLedger(ledger);
      expect(l.outcomes.total).toBeGreaterThan(100);
      expect(l.outcomes.total).toBeLessThan(400);
      redis.options.port = env.redis.port;
      if (redis.status === 'wait') await redis.connect();
      await redis.eval(`for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end`, 0, `sd:${runId}:*`);
    }
    const line = oneLine(await stormdrill(['write', '-p', port, '--timeout', '500', '--max-writes', '1', '-q']));
    expect(line).toMatch(/--timeout 500 needs a unit: write 500ms or 500s \(e\.g\. --timeout 500ms\)$/);
  });

  it('bench --duration 1s and --warmup 200ms are accepted (bench took only bare seconds before)', async () => {
    const t0 = Date.now();
    const r = await stormdrill([
      'bench',
      '-p',
      String(env.redis.port),
      '-t',
      'ping_inline',
      '--duration',
      '1s',
      '--warmup',
      '200ms',
      '-c',
      '2',
      '-q',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all).toMatch(/^PING_INLINE: [\d.]+ requests per second/m);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1200);
  });

  it('fill --ttl 1h gives the keys a TTL of an hour (fill took only bare seconds before)', async () => {
    const runId = `${namespace.runId}-ttl`;
    const r = await stormdrill([
      'fill',
      '-p',
      String(env.redis.port),
      '--keys',
      '20',
      '--ttl-share',
      '1',
      '--ttl',
      '1h',
      '--run-id',
      runId,
      '-q',
    ]);
    expect(r.exitCode, r.all).toBe(0);
    redis.options.port = env.redis.port;
    if (redis.status === 'wait') await redis.connect();
    const keys = await redis.keys(`sd:${runId}:*`);
    expect(keys).toHaveLength(20);
    const ttls = await Promise.all(keys.map((k) => redis.ttl(k)));
    for (const t of ttls) expect(t).toBeGreaterThan(3500);
    for (const t of ttls) expect(t).toBeLessThanOrEqual(3600);
    await redis.unlink(...keys);
  });

  it('topology up --down-after 1000 is refused with one line before anything starts', async () => {
    const line = oneLine(await stormdrill(['topology', 'up', 'sentinel', '--down-after', '1000']));
    expect(line).toMatch(/--down-after 1000 needs a unit: write 1000ms or 1000s \(e\.g\. --down-after 1s\)$/);
  });
});
