/**
 * Output paths are checked before a command does any work: a path it cannot write (under a
 * regular file, a file where a directory is wanted, a ledger that exists) is bad input — one
 * line naming the flag, exit 2 — and nothing ran: no key written, no process started, no
 * request taken, no file left.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { stormdrill as cli } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { namespace } from '../../support/namespace.js';

const env = useTestEnv({ redis: true });
const redis = new Redis({ port: 1, lazyConnect: true });
afterAll(() => redis.disconnect());

/** A real CLI process with its own pid registry (to see that it started nothing). */
async function stormdrill(args: string[], timeoutMs = 60_000) {
  const registry = env.tmpDir('pids');
  const r = await cli(args, { env: { STORMDRILL_PID_REGISTRY: registry }, timeoutMs });
  return { ...r, started: readdirSync(registry).length };
}

/** A regular file, and a path under it (which no one can create). */
function fileAndUnder(name: string): { file: string; under: string } {
  const dir = env.tmpDir(name);
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'not a directory\n');
  return { file, under: join(file, 'sub', `${name}.out`) };
}

function oneLineNaming(r: { exitCode?: number; all: string }, flag: string, path: string): void {
  expect(r.exitCode, r.all).toBe(2);
  const lines = r.all.trim().split('\n');
  expect(lines, r.all).toHaveLength(1);
  expect(lines[0]).toContain(`${flag} ${path}`);
  expect(lines[0]).toMatch(/is a file, not a directory|already exists/);
  expect(r.all).not.toMatch(/EEXIST|ENOTDIR|\n\s+at /);
}

async function commandsProcessed(): Promise<number> {
  if (redis.status === 'wait') {
    redis.options.port = env.redis.port;
    await redis.connect();
  }
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1]);
}

describe('output paths are checked before any work', () => {
  it('drill run --report-dir <a regular file>: exit 2 naming the flag before the topology starts', async () => {
    const { file } = fileAndUnder('drill');
    const t0 = Date.now();
    const r = await stormdrill(['drill', 'run', 'primary-fails', '--report-dir', file], 30_000);
    oneLineNaming(r, '--report-dir', file);
    expect(r.started, 'processes started').toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('gate --junit and --json under a file: exit 2 naming each flag, no verdict printed', async () => {
    const dir = env.tmpDir('gate');
    const result = join(dir, 'now.json');
    const b = await stormdrill(['bench', '-p', String(env.redis.port), '-t', 'ping_inline', '-n', '500', '-q', '--json', result]);
    expect(b.exitCode, b.all).toBe(0);
    const { under } = fileAndUnder('gate');
    const r = await stormdrill(['gate', result, '--rule', 'PING_INLINE.errors==0', '--junit', under]);
    oneLineNaming(r, '--junit', under);
    expect(r.all).not.toMatch(/gate: passed/);
    const both = await stormdrill(['gate', result, '--rule', 'PING_INLINE.errors==0', '--junit', under, '--json', under]);
    expect(both.exitCode, both.all).toBe(2);
    expect(
      both.all
        .trim()
        .split('\n')
        .map((l) => l.replace(/^stormdrill: /, '').split(' ')[0]),
    ).toEqual(['--junit', '--json']);
  });

  it('write --ledger <path under a file>: exit 2 naming the flag, no key and no ledger', async () => {
    const { under } = fileAndUnder('ledger');
    const runId = `${namespace.runId}-ledger`;
    const before = await commandsProcessed();
    const r = await stormdrill(['write', '-p', String(env.redis.port), '--run-id', runId, '--max-writes', '200', '-q', '--ledger', under]);
    oneLineNaming(r, '--ledger', under);
    expect(await commandsProcessed()).toBe(before + 1); // only this INFO
    expect(await redis.keys(`sd:${runId}:*`)).toEqual([]);
    expect(existsSync(under)).toBe(false);
  });

  it('write --ledger <an existing file>: exit 2 before a key is written (a ledger is never overwritten)', async () => {
    const { file } = fileAndUnder('ledger-exists');
    const runId = `${namespace.runId}-exists`;
    const r = await stormdrill(['write', '-p', String(env.redis.port), '--run-id', runId, '--max-writes', '200', '-q', '--ledger', file]);
    oneLineNaming(r, '--ledger', file);
    expect(await redis.keys(`sd:${runId}:*`)).toEqual([]);
  });

  it('fill, bench, audit, verify, mirror --json under a file: exit 2 naming --json, no command sent', async () => {
    const { under } = fileAndUnder('json');
    const port = String(env.redis.port);
    const ledgerDir = env.tmpDir('audit');
    const ledger = join(ledgerDir, 'ledger');
    const w = await stormdrill(['write', '-p', port, '--run-id', `${namespace.runId}-au`, '--max-writes', '50', '-q', '--ledger', ledger]);
    expect(w.exitCode, w.all).toBe(0);
    const before = await commandsProcessed();
    const runs = [
      ['fill', '-p', port, '--keys', '100', '--run-id', `${namespace.runId}-fill`, '-q', '--json', under],
      ['bench', '-p', port, '-t', 'set', '-n', '1000', '-q', '--json', under],
      ['audit', '-p', port, '--ledger', ledger, '--json', under],
      ['verify', '--source', `redis://127.0.0.1:${port}`, '--target', `redis://127.0.0.1:${port}/1`, '--json', under],
      ['mirror', '--primary', 'http://127.0.0.1:1', '--mirror', 'http://127.0.0.1:2', '--duration', '3s', '--json', under],
    ];
    for (const args of runs) oneLineNaming(await stormdrill(args), '--json', under);
    expect(await commandsProcessed()).toBe(before + 1);
    expect(await redis.keys(`sd:${namespace.runId}-fill:*`)).toEqual([]);
    await redis.eval(`for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end`, 0, `sd:${namespace.runId}-au:*`);
  });

  it('k6 --report-root <a regular file>: exit 2 naming the flag', async () => {
    const { file } = fileAndUnder('k6');
    const r = await stormdrill(['k6', 'smoke', '--report-root', file]);
    expect(r.exitCode, r.all).toBe(2);
    expect(r.all.trim().split('\n')).toHaveLength(1);
    expect(r.all).toContain('--report-root');
    expect(r.started).toBe(0);
  });
});

describe('a write that fails at the end keeps the result', () => {
  it('writeOutputFile keeps the document under the temp dir and says where', async () => {
    const { writeOutputFile } = await import('../../../lib/cli/output.js');
    const { readFileSync } = await import('node:fs');
    const { under } = fileAndUnder('kept');
    const lines: string[] = [];
    const kept = writeOutputFile('--json', under, '{"verdict":"passed"}\n', (l) => lines.push(l));
    expect(kept).not.toBe(under);
    expect(readFileSync(kept, 'utf8')).toBe('{"verdict":"passed"}\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`--json ${under}: cannot write it`);
    expect(lines[0]).toContain(`the result is kept in ${kept}`);
    rmSync(dirname(kept), { recursive: true, force: true });
  });
});
