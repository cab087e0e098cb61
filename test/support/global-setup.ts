/**
 * Suite-wide setup: the shared redis-server (tests get isolated key namespaces on it) and,
 * after the suite, the leftover check — no process any test started is still alive, no
 * key remains on the shared server (every namespace cleans up after itself), and no
 * nftables table of address cuts that was not there before the suite.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { addressCutTables } from '../../lib/netfault/address-cut.js';
import { freePort } from '../../lib/stack/ports.js';
import { startRedisServer } from '../../lib/stack/redis.js';
import { makeWorkDir } from '../../lib/stack/workdir.js';
import { alive } from './processes.js';

/** Registered processes that are still running: `name (pid N)`. */
export function survivors(registry: string): Array<{ pid: number; label: string }> {
  const left: Array<{ pid: number; label: string }> = [];
  for (const f of readdirSync(registry)) {
    const pid = Number(f);
    if (Number.isInteger(pid) && alive(pid)) left.push({ pid, label: `${readFileSync(join(registry, f), 'utf8')} (pid ${pid})` });
  }
  return left;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = process.env.STORMDRILL_PID_REGISTRY as string;
  const work = makeWorkDir(`shared-${process.env.STORMDRILL_SUITE}`);
  const shared = await startRedisServer({ port: await freePort(), dir: work.path });
  project.provide('sharedRedisPort', shared.port);
  const tablesBefore = new Set(await addressCutTables());

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
    // Give processes stopped by the last test files a moment to exit, then kill and report the rest.
    let left = survivors(registry);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = survivors(registry);
    }
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* raced with its exit */
      }
    }
    if (left.length > 0) problems.push(`orphan process(es) survived the suite: ${left.map((p) => p.label).join(', ')}`);
    const tables = (await addressCutTables()).filter((x) => !tablesBefore.has(x));
    if (tables.length > 0) problems.push(`nftables table(s) of address cuts left: ${tables.join(', ')}`);
    rmSync(registry, { recursive: true, force: true });
    for (const d of readdirSync(tmpdir())) {
      if (d.startsWith(`stormdrill-test-t-${process.env.STORMDRILL_SUITE}-`)) rmSync(join(tmpdir(), d), { recursive: true, force: true });
    }
    if (problems.length > 0) {
      // vitest reports an error thrown here but still exits 0, so fail the run explicitly.
      console.error(`leftover check FAILED:\n - ${problems.join('\n - ')}`);
      process.exitCode = 1;
      return;
    }
    console.log('leftover check: no orphan processes, no leftover keys, no address cuts');
  };
}
