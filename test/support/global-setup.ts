/**
 * Suite-wide setup: the shared redis-server (tests get isolated key namespaces on it) and,
 * after the suite, the leftover check — no process any test started is still alive, and
 * no key remains on the shared server (every namespace cleans up after itself).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../lib/stack/ports.js';
import { startRedisServer } from '../../lib/stack/redis.js';
import { makeWorkDir } from '../../lib/stack/workdir.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes from the pid registry that are still running (and kill them). */
export function survivors(registry: string): string[] {
  const left: string[] = [];
  for (const f of readdirSync(registry)) {
    const pid = Number(f);
    if (!Number.isInteger(pid) || !alive(pid)) continue;
    left.push(`${readFileSync(join(registry, f), 'utf8')} (pid ${pid})`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* raced with its exit */
    }
  }
  return left;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = process.env.STORMDRILL_PID_REGISTRY as string;
  const work = makeWorkDir(`shared-${process.env.STORMDRILL_SUITE}`);
  const shared = await startRedisServer({ port: await freePort(), dir: work.path });
  project.provide('sharedRedisPort', shared.port);

  return async () => {
    const problems: string[] = [];
    const client = new Redis({ port: shared.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const leftoverKeys = await client.keys('*');
    client.disconnect();
    if (leftoverKeys.length > 0) {
      problems.push(
        `${leftoverKeys.length} key(s) left on the shared redis-server outside any live namespace, e.g. ${leftoverKeys.slice(0, 5).join(', ')}`,
      );
    }
    await shared.stop();
    work.remove();
    // Give processes stopped by the last test files a moment to be reaped.
    let left = survivors(registry);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = survivors(registry);
    }
    if (left.length > 0) problems.push(`orphan process(es) survived the suite: ${left.join(', ')}`);
    rmSync(registry, { recursive: true, force: true });
    for (const d of readdirSync(tmpdir())) {
      if (d.startsWith(`stormdrill-test-t-${process.env.STORMDRILL_SUITE}-`)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
    }
    if (problems.length > 0) {
      throw new Error(`leftover check failed:\n - ${problems.join('\n - ')}`);
    }
    console.log('leftover check: no orphan processes, no leftover keys');
  };
}
