/**
 * The demo service as a process: `stormdrill demo-service` and the plain entry point
 * (lib/demo-service/main.ts, what docker-compose runs) serve until SIGINT/SIGTERM and stop
 * cleanly; bad options are one line each.
 */
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { isPortFree } from '../../../lib/stack/ports.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { httpCall } from '../../support/http.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: true });

/** Until the service answers /healthz with 200; fails at once when the process exited. */
async function waitHealthy(url: string, proc: ResultPromise): Promise<void> {
  await waitUntil(
    `${url} to answer /healthz`,
    async () => {
      if (proc.exitCode !== null) throw new Error(`the process exited with ${proc.exitCode}`);
      return (await httpCall(url, 'GET', '/healthz', undefined, {}, 1000)).status === 200;
    },
    30_000,
    100,
  );
}

describe('demo service processes', () => {
  it('stormdrill demo-service serves the flow and stops on SIGINT, freeing its port', async () => {
    const port = await env.ports.take();
    const proc = stormdrill(['demo-service', '--port', String(port), '-u', env.redis.url, '--run-id', `${env.namespace.runId}-cli`], {
      timeoutMs: 30_000,
    });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, proc);
      const r = await httpCall(`http://127.0.0.1:${port}`, 'POST', '/reservations', { itemId: 'item-001' });
      expect(r.status).toBe(201);
    } finally {
      proc.kill('SIGINT');
    }
    const done = await proc;
    expect(done.exitCode).toBe(130);
    expect(done.stdout).toContain(
      `demo service on http://127.0.0.1:${port} (redis: direct ${env.redis.url}, keys sd:${env.namespace.runId}-cli:demo:*)`,
    );
    expect(await isPortFree(port)).toBe(true);
  });

  it('the plain entry point reads PORT, REDIS_URL and RUN_ID and stops on SIGTERM', async () => {
    const port = await env.ports.take();
    const proc = execa('node', ['--import', 'tsx', join(PROJECT_ROOT, 'lib/demo-service/main.ts')], {
      env: { PORT: String(port), REDIS_URL: env.redis.url, RUN_ID: `${env.namespace.runId}-main` },
      cwd: PROJECT_ROOT,
      reject: false,
      timeout: 30_000,
    });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, proc);
      const items = (await httpCall(`http://127.0.0.1:${port}`, 'GET', '/items')).json as { items: unknown[] };
      expect(items.items).toHaveLength(50);
    } finally {
      proc.kill('SIGTERM');
    }
    const done = await proc;
    expect(done.exitCode).toBe(143);
    expect(await isPortFree(port)).toBe(true);
  });

  it('bad options are one clear line and a non-zero exit', async () => {
    const bad = await stormdrill(['demo-service', '--sentinels', 'nohost', '--port', '0'], { timeoutMs: 30_000 });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim()).toBe("stormdrill: --sentinels: sentinel address 'nohost' must be host:port, e.g. 127.0.0.1:26379");
    const url = await stormdrill(['demo-service', '-u', 'http://x', '--port', '0'], { timeoutMs: 30_000 });
    expect(url.exitCode).toBe(2);
    expect(url.stderr.trim()).toBe('stormdrill: redis URL must start with redis:// or rediss:// (got http://)');
    const main = await execa('node', ['--import', 'tsx', join(PROJECT_ROOT, 'lib/demo-service/main.ts')], {
      env: { PORT: 'eighty' },
      cwd: PROJECT_ROOT,
      reject: false,
      timeout: 30_000,
    });
    expect(main.exitCode).toBe(2);
    expect(main.stderr.trim()).toBe("demo-service: PORT must be a whole number (got 'eighty')");
  });
});
