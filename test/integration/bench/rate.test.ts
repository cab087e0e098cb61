import { describe, expect, it } from 'vitest';
import { useTestEnv } from '../../support/env.js';
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

/** Freeze the real server (SIGSTOP) for `ms` while `run` is going. */
async function withStall<T>(run: Promise<T>, afterMs: number, ms: number): Promise<T> {
  await new Promise((r) => setTimeout(r, afterMs));
  env.redis.process.freeze();
  await new Promise((r) => setTimeout(r, ms));
  env.redis.process.thaw();
  return run;
}

describe('coordinated omission: a 600 ms server stall', () => {
  it('--rate charges the stall to every request that was due during it; the closed loop hides it', async () => {
    const args = ['-p', String(env.redis.port), '-t', 'get', '--duration', '3', '-c', '4', '-q'];
    const open = await withStall(bench([...args, '--rate', '1000']), 1000, 600);
    const closed = await withStall(bench(args), 1000, 600);
    // open model: ~600 of ~3000 requests were due during the stall
    expect(slowShare(open.outcome, 100)).toBeGreaterThan(0.08);
    // closed loop: only the 4 in-flight requests saw it
    expect(slowShare(closed.outcome, 100)).toBeLessThan(0.001);
    expect(open.outcome.runs[0]?.result.histogram.max).toBeGreaterThan(500_000);
  });
});
