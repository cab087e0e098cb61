/**
 * The real-k6 tier. k6 cannot be installed from this machine's registries; tests that run
 * bundles under real k6 run when K6_BIN or `k6` on PATH is present, and otherwise print
 * "skipped: no k6 binary" and pass.
 */
import { afterAll, beforeAll } from 'vitest';
import { type DemoService, startDemoService } from '../../lib/demo-service/index.js';
import { findBinary } from '../../lib/stack/binaries.js';
import type { TestEnv } from './env.js';

export function findK6(): string | null {
  const fromEnv = process.env.K6_BIN;
  if (fromEnv) return fromEnv;
  return findBinary('k6');
}

export const k6Bin = findK6();

/** Call at the top of a real-k6 describe block: prints why it is skipped. */
export function announceK6Tier(what: string): boolean {
  if (!k6Bin) {
    console.log(`skipped: no k6 binary (${what}); set K6_BIN or put k6 on PATH to run this tier`);
    return false;
  }
  return true;
}

/**
 * The demo service on the test's Redis for a real-k6 block, started only when k6 is
 * present (`has`) and stopped after the block; `url()` is its address.
 */
export function useK6DemoService(env: TestEnv, has: boolean): { url: () => string } {
  let svc: DemoService | undefined;
  beforeAll(async () => {
    if (has) svc = await startDemoService({ port: 0, redis: env.redis.url, runId: env.namespace.runId });
  });
  afterAll(async () => {
    await svc?.stop();
  });
  return { url: () => svc?.url as string };
}
