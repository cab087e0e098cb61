import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useTestEnv } from '../../support/env.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';
import { bench } from './helpers.js';

const env = useTestEnv({ redis: true });

/** Share of requests slower than `ms`, from the run's HDR histogram. */
function slowShare(outcome: Awaited<ReturnType<typeof bench>>['outcome'], ms: number): number {
  const h = outcome.runs[0]?.result.histogram;
  if (!h) return 0;
  let slow = 0;
  for (const [us, n] of h.buckets()) if (us > ms * 1000) slow += n;
  return slow / h.count;
}

/** GET calls the server has answered so far. */
let probe: Redis | undefined;
async function gets(): Promise<number> {
  probe ??= redisClient(env.redis.port);
  const info = await probe.info('commandstats');
  return Number(/cmdstat_get:calls=(\d+)/.exec(info)?.[1] ?? 0);
}

/** Freeze the real server (SIGSTOP) for `ms` once `run` has answered `afterGets` GETs. */
async function withStall<T>(run: Promise<T>, afterGets: number, ms: number): Promise<T> {
  const from = await gets();
  await waitUntil(`${afterGets} GETs before the stall`, async () => (await gets()) - from >= afterGets, 10_000, 20);
  env.redis.process.freeze();
  await new Promise((r) => setTimeout(r, ms));
  env.redis.process.thaw();
  return run;
}

describe('coordinated omission: a 600 ms server stall', () => {
  it('--rate charges the stall to every request that was due during it; the closed loop hides it', async () => {
    const args = ['-p', String(env.redis.port), '-t', 'get', '--duration', '3', '-c', '4', '-q'];
    const open = await withStall(bench([...args, '--rate', '1000']), 500, 600);
    const closed = await withStall(bench(args), 500, 600);
    // open model: ~600 of ~3000 requests were due during the stall
    expect(slowShare(open.outcome, 100)).toBeGreaterThan(0.08);
    // closed loop: only the 4 in-flight requests saw it (a busy machine adds a few slow ones)
    expect(slowShare(closed.outcome, 100)).toBeLessThan(0.01);
    expect(open.outcome.runs[0]?.result.histogram.max).toBeGreaterThan(500_000);
  });
});
