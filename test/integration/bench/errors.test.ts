import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../lib/stack/index.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { expectOneLine, stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';

const PASSWORD = 'sd-bench-secret-9f2';
const env = useTestEnv({
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
  redis: { password: PASSWORD },
});
const started: RedisNode[] = [];
afterAll(async () => {
  for (const n of started) await n.stop();
});

const cli = (args: string[], env: Record<string, string> = {}) => stormdrill(['bench', ...args], { env });

/** Bad input: the one line is all the run prints (both streams), and it never shows the password. */
function oneLine(r: { exitCode?: number; all: string }, message: RegExp): void {
  expectOneLine({ exitCode: r.exitCode, stderr: r.all }, /^stormdrill: /);
  expect(r.all).toMatch(message);
  expect(r.all).not.toContain(PASSWORD);
}

describe('bad input: one clear line each', () => {
  const p = () => ['-p', String(env.redis.port)];
  // The password goes through the environment (REDISCLI_AUTH), never argv.
  const auth = { REDISCLI_AUTH: PASSWORD };
  it.each([
    [['-t', 'set,frobnicate'], /unknown test 'frobnicate' in -t: known tests are ping_inline,/],
    [['-c', '0'], /-c must be between 1 and \d+ \(parallel connections/],
    [['-P', '0'], /-P must be between 1 and \d+ \(requests per pipeline/],
    [['-d', '0'], /-d must be between 1 and 536870912 \(payload bytes\)/],
    [['-d', '600000000'], /-d must be between 1 and 536870912/],
  ])('%j', async (args, message) => {
    oneLine(await cli([...p(), ...args, '-n', '10'], auth), message);
  });

  it('unreachable host', async () => {
    const port = await freePort();
    oneLine(
      await cli(['-p', String(port), '-n', '10', '-t', 'ping']),
      new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });

  it('wrong password, and no password where one is needed', async () => {
    oneLine(
      await cli(['-p', String(env.redis.port), '-a', 'not-the-password', '-n', '10', '-t', 'ping']),
      /authentication failed on 127\.0\.0\.1:\d+: WRONGPASS.*\(check -a\/--user\)/,
    );
    oneLine(await cli(['-p', String(env.redis.port), '-n', '10', '-t', 'ping']), /requires a password: pass it with -a/);
  });

  it('--cluster against a non-cluster node', async () => {
    oneLine(
      await cli([...p(), '--cluster', '-n', '10', '-t', 'set'], auth),
      /--cluster: 127\.0\.0\.1:\d+ is not a cluster node \(cluster support disabled\): drop --cluster/,
    );
  });

  it('a busy --metrics-port', async () => {
    const port = await env.ports.take();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(port, '127.0.0.1', r));
    try {
      oneLine(
        await cli([...p(), '-t', 'set', '-n', '10', '--metrics-port', String(port)], auth),
        new RegExp(`--metrics-port ${port}: 127\\.0\\.0\\.1:${port} is already in use \\(pick another port`),
      );
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('keeps the password out of --json', async () => {
    const file = join(env.tmpDir('json'), 'out.json');
    const r = await cli([...p(), '-t', 'set,get', '-n', '2000', '-r', '100', '-q', '--json', file], auth);
    expect(r.exitCode, r.all).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(PASSWORD);
    const doc = JSON.parse(text);
    expect(doc.config.password).toBe('***');
    expect(doc.tests.map((t: { title: string }) => t.title)).toEqual(['SET', 'GET']);
    const set = doc.tests[0];
    expect(set.requests).toBe(2000);
    expect(Object.keys(set.latencyMs)).toEqual(['avg', 'min', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']);
    expect(set.hdrHistogram).toMatch(/^HISTFAA/);
    expect(set.perSecond.reduce((s: number, b: { ops: number }) => s + b.ops, 0)).toBe(2000);
  });
});

describe('server errors are counted, printed once per kind with their count, and never look like success', () => {
  it('SET against maxmemory + noeviction: exit 1, or 0 with --allow-errors', async () => {
    const node = await startRedisServer({
      port: await env.ports.take(),
      dir: env.tmpDir('oom'),
      maxmemory: '8mb',
      maxmemoryPolicy: 'noeviction',
    });
    started.push(node);
    const file = join(env.tmpDir('oom-json'), 'oom.json');
    const args = ['-p', String(node.port), '-t', 'set,get', '-n', '20000', '-d', '1000', '-r', '1000000', '-q', '--json', file];
    const r = await cli(args);
    expect(r.exitCode, r.all).toBe(1);
    const oomLines = r.all.split('\n').filter((l) => l.startsWith('Error from server: OOM command not allowed when used memory'));
    expect(oomLines).toHaveLength(1);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const [set, get] = doc.tests;
    expect(set.requests).toBe(20000);
    expect(set.errors.OOM).toBeGreaterThan(1000);
    expect(set.errors.OOM).toBeLessThan(20000);
    expect(oomLines[0]).toMatch(new RegExp(`\\(${set.errors.OOM} of 20000 requests of SET\\)$`));
    expect(get.requests).toBe(20000);
    expect(get.errors).toEqual({});
    expect(r.all).toMatch(/^GET: [\d.]+ requests per second/m);
    expect((await cli([...args, '--allow-errors'])).exitCode).toBe(0);
  }, 180_000);

  it('a test whose requests all fail prints no rate in any mode and exits 1', async () => {
    // `-r 100` after the command is part of it: SET foo:... bar -r 100 is a syntax error on every request
    const cmd = ['SET', `${env.namespace.keyPrefix}foo:__rand_int__`, 'bar', '-r', '100'];
    const title = cmd.join(' ');
    for (const mode of [['-q'], ['--csv'], []]) {
      const r = await cli(['-p', String(env.redis.port), '-n', '3000', ...mode, ...cmd], { REDISCLI_AUTH: PASSWORD });
      expect(r.exitCode, r.all).toBe(1);
      const errLines = r.all.split('\n').filter((l) => l.startsWith('Error from server:'));
      expect(errLines, r.all).toEqual([`Error from server: ERR syntax error (3000 of 3000 requests of ${title})`]);
      expect(r.all).not.toMatch(/[\d.]+ requests per second/);
      if (mode[0] === '-q') expect(r.stdout.split('\n')).toContain(`${title}: all 3000 requests failed`);
      if (mode[0] === '--csv') expect(r.stdout.split('\n')).toContain(`"${title}","","","","","","",""`);
      if (mode.length === 0) expect(r.stdout).toContain('throughput summary: none, all 3000 requests failed');
    }
  }, 180_000);
});

describe('Ctrl-C', () => {
  it('stops the run, prints no result line for the cut test, still writes --json and exits 130', async () => {
    const dir = env.tmpDir('sigint');
    const file = join(dir, 'partial.json');
    const prefix = `${env.namespace.keyPrefix}sigint:`;
    const run = stormdrill(
      ['bench', '-p', String(env.redis.port), '-t', 'set,get', '-n', '100000000', '-q', '--json', file, '--key-prefix', prefix],
      {
        env: { REDISCLI_AUTH: PASSWORD },
      },
    );
    // interrupt once the SET test is writing, not after a guessed delay
    const c = redisClient(env.redis.port, { password: PASSWORD });
    await waitUntil('the bench to write its first SET', async () => (await c.exists(`${prefix}key:__rand_int__`)) === 1, 30_000);
    run.kill('SIGINT');
    const r = await run;
    expect(r.exitCode, r.all).toBe(130);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.interrupted).toBe(true);
    expect(doc.tests.map((t: { title: string }) => t.title)).toEqual(['SET']);
    expect(doc.tests[0].requests).toBeGreaterThan(0);
    expect(doc.tests[0].interrupted).toBe(true);
    await c.del(`${prefix}key:__rand_int__`);
    expect(r.stdout).not.toMatch(/^SET: [\d.]+ requests per second/m);
    expect(r.stderr).toMatch(
      new RegExp(`^SET: interrupted after ${doc.tests[0].requests} requests in [\\d.]+ seconds \\(no result printed\\)$`, 'm'),
    );
  });
});
