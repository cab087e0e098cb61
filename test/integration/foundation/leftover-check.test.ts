/** The suite's leftover check really fails a run that leaks a key or a process. */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { alive } from '../../support/processes.js';

async function nestedRun(kind: 'key' | 'process' | 'own-server-key') {
  const env: Record<string, string | undefined> = { ...process.env, LEAK_KIND: kind };
  delete env.STORMDRILL_PID_REGISTRY;
  delete env.STORMDRILL_SUITE;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST;
  return execa(
    'node',
    [join(PROJECT_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/fixtures/leftover/vitest.config.ts'],
    {
      cwd: PROJECT_ROOT,
      env,
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 60_000,
    },
  );
}

describe('leftover check', () => {
  it('fails a run that leaves a key outside any live namespace', async () => {
    const r = await nestedRun('key');
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/leftover check FAILED/);
    expect(r.all).toMatch(/leftover-check-probe/);
  });

  it("fails a file whose own redis-server holds a key outside the file's run namespace", async () => {
    const r = await nestedRun('own-server-key');
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(
      /keys outside this file's run namespace sd:t-lk\w+-w\d+-\w+… were left on its redis-server, e\.g\. own-server-probe:/,
    );
    expect(r.all).not.toMatch(/e\.g\. [^:]*kept/);
  });

  it('fails a run that leaves a process running, and kills it', async () => {
    const r = await nestedRun('process');
    expect(r.exitCode).toBe(1);
    expect(r.all).toMatch(/orphan process\(es\) survived the suite: leftover-probe-sleep/);
    const pid = Number(/leftover-probe-sleep \(pid (\d+)\)/.exec(r.all ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });
});
