import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One suite id and one pid registry per `vitest run`, inherited by every worker
// (test/support/namespace.ts derives each worker's namespace from them).
process.env.STORMDRILL_SUITE ??= Math.random().toString(36).slice(2, 7);
process.env.STORMDRILL_PID_REGISTRY ??= mkdtempSync(join(tmpdir(), 'stormdrill-pids-'));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/closing-line-reporter.ts'],
  },
});
