/**
 * The real-k6 tier. k6 cannot be installed from this machine's registries; tests that run
 * bundles under real k6 run when K6_BIN or `k6` on PATH is present, and otherwise print
 * "skipped: no k6 binary" and pass.
 */
import { findBinary } from '../../lib/stack/binaries.js';

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
