/**
 * The four commands end to end through the real CLI: results as JSON with the fields the
 * issue names, bad input as one line with a non-zero exit, and a writer process killed
 * with kill -9 that loses no outcome it had recorded in its ledger.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readLedger } from '../../../lib/integrity/write/ledger.js';
import { startRedisServer } from '../../../lib/stack/redis.js';
import { expectOneLine as oneLine, stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';

const env = useTestEnv({ redis: true });
const run = (args: string[], extraEnv: Record<string, string> = {}) => stormdrill(args, { env: extraEnv });
const p = () => ['-p', String(env.redis.port)];
const redis = () => redisClient(env.redis.port);
async function unlinkAll(pattern: string): Promise<void> {
  const keys = await redis().keys(pattern);
  for (let i = 0; i < keys.length; i += 1000) await redis().unlink(...keys.slice(i, i + 1000));
}

describe('stormdrill fill / write / audit / verify (CLI)', () => {
  it('writes the JSON results with the camelCase fields of the issue', async () => {
    const dir = tmpDir('json');
    const runId = `${namespace.runId}-cli`;
    const fill = await run(['fill', ...p(), '--keys', '3000', '--run-id', runId, '--json', join(dir, 'fill.json'), '-q']);
    expect(fill.exitCode, fill.stderr).toBe(0);
    expect(fill.stdout).toMatch(/fill: 3,000 keys/);
    const fj = JSON.parse(readFileSync(join(dir, 'fill.json'), 'utf8'));
    expect(fj).toMatchObject({ keys: 3000, errors: 0 });
    expect(fj.bytes).toBeGreaterThan(3000 * 100);
    expect(fj.durationSeconds).toBeGreaterThan(0);

    const ledger = join(dir, 'ledger');
    const write = await run([
      'write',
      ...p(),
      '--run-id',
      runId,
      '--max-writes',
      '5000',
      '--ledger',
      ledger,
      '--read-rate',
      '100',
      '--json',
      join(dir, 'write.json'),
      '-q',
    ]);
    expect(write.exitCode, write.stderr).toBe(0);
    const wj = JSON.parse(readFileSync(join(dir, 'write.json'), 'utf8'));
    expect(wj).toMatchObject({ acked: 5000, failed: 0, unknown: 0, writeWindows: [], readWindows: [] });
    expect(wj.durationSeconds).toBeGreaterThan(0);

    const audit = await run(['audit', ...p(), '--ledger', ledger, '--json', join(dir, 'audit.json')]);
    expect(audit.exitCode, audit.stderr).toBe(0);
    expect(audit.stdout).toMatch(/PASS: no acknowledged write lost/);
    expect(JSON.parse(readFileSync(join(dir, 'audit.json'), 'utf8'))).toMatchObject({
      ackedLost: 0,
      ackedCorrupt: 0,
      failedPresent: 0,
      unknownPresent: 0,
      unknownAbsent: 0,
    });
    await redis().del(`sd:${runId}:w:17`);
    const lost = await run(['audit', ...p(), '--ledger', ledger]);
    expect(lost.exitCode).toBe(1);
    expect(lost.stdout).toMatch(/FAIL: 1 acknowledged write\(s\) lost/);
    expect((await run(['audit', ...p(), '--ledger', ledger, '--allow-loss', '1'])).exitCode).toBe(0);

    const verify = await run([
      'verify',
      '--source',
      `redis://127.0.0.1:${env.redis.port}`,
      '--target',
      `redis://127.0.0.1:${env.redis.port}`,
      '--match',
      `sd:${runId}:*`,
      '--json',
      join(dir, 'verify.json'),
    ]);
    expect(verify.exitCode, verify.stderr).toBe(0);
    const vj = JSON.parse(readFileSync(join(dir, 'verify.json'), 'utf8'));
    expect(vj.keysCompared).toBe(3000 + 4999);
    expect(vj.conflicts).toEqual({ type: 0, value: 0, missingOnTarget: 0, missingOnSource: 0, ttl: 0, total: 0 });
    await unlinkAll(`sd:${runId}:*`);
  });

  it('answers bad input with one clear line and a non-zero exit, and writes nothing', async () => {
    const dir = tmpDir('bad');
    const closed = 1; // nothing listens on port 1 of the loopback: connection refused
    oneLine(await run(['fill', '-p', String(closed), '--keys', '10']), /cannot connect to 127\.0\.0\.1:\d+: .*ECONNREFUSED.*check -h\/-p/);
    oneLine(await run(['write', '-p', String(closed), '--duration', '1', '--ledger', join(dir, 'l1')]), /cannot connect to .*ECONNREFUSED/);
    expect(existsSync(join(dir, 'l1'))).toBe(false);
    oneLine(await run(['audit', '-p', String(closed), '--ledger', join(dir, 'nope')]), /cannot read ledger .*nope: no such file/);
    oneLine(await run(['fill', ...p(), '--keys', '10', '-a', 'wrong']), /has no password set: drop -a/);
    oneLine(
      await run(['fill', ...p(), '--until-memory', '150%']),
      /--until-memory 150% is not a share of maxmemory: use a value from 1% to 100%/,
    );
    oneLine(await run(['fill', ...p(), '--until-memory', '80%']), /has no maxmemory \(0\).*give a size instead/);
    oneLine(
      await run(['write', ...p(), '--mode', 'del', '--duration', '1', '--ledger', join(dir, 'l2')]),
      /--mode must be one of set\|incr\|rpush\|xadd/,
    );
    oneLine(
      await run(['verify', '--source', 'http://x', '--target', `redis://127.0.0.1:${env.redis.port}`]),
      /--source: the URI must be redis:\/\/host:port.*\(got http:\/\/\)/,
    );
    const foreign = join(dir, 'foreign');
    writeFileSync(foreign, 'this is not a ledger\n');
    oneLine(await run(['audit', ...p(), '--ledger', foreign]), /is not a stormdrill ledger/);
    expect(existsSync(join(dir, 'out.json'))).toBe(false);
  });

  it('a busy --metrics-port stops the writer before it writes a key or a ledger', async () => {
    const dir = tmpDir('busy-port');
    const port = await ports.take();
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(port, '127.0.0.1', r));
    try {
      const prefix = `${env.namespace.keyPrefix}busy:`;
      const ledger = join(dir, 'ledger');
      const args = ['write', ...p(), '--key-prefix', prefix, '--duration', '2', '--ledger', ledger, '--metrics-port', String(port)];
      oneLine(await run(args), new RegExp(`--metrics-port ${port}: 127\\.0\\.0\\.1:${port} is already in use \\(pick another port`));
      expect(existsSync(ledger)).toBe(false);
      expect(await redis().keys(`${prefix}*`)).toEqual([]);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it('answers a wrong or missing password and an evicting server with one clear line', async () => {
    const dir = tmpDir('bad-auth');
    // a password-protected server: wrong password, and no password
    const secured = await startRedisServer({ port: await ports.take(), dir: join(tmpDir('auth'), 'node'), password: 's3cret-pw' });
    try {
      const wrong = await run(['fill', '-p', String(secured.port), '-a', 'nope', '--keys', '10']);
      oneLine(wrong, /authentication failed on 127\.0\.0\.1:\d+: WRONGPASS .*\(check -a\/--pass, --user or REDISCLI_AUTH\)/);
      oneLine(await run(['write', '-p', String(secured.port), '--duration', '1', '--ledger', join(dir, 'l3')]), /requires a password/);
      const ok = await run(['fill', '-p', String(secured.port), '--keys', '100', '-q'], { REDISCLI_AUTH: 's3cret-pw' });
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect(ok.stdout + ok.stderr).not.toContain('s3cret-pw');
      // a maxmemory-policy that evicts: refuse unless --allow-eviction
      await execa('redis-cli', ['-p', String(secured.port), 'CONFIG', 'SET', 'maxmemory', '50mb'], { env: { REDISCLI_AUTH: 's3cret-pw' } });
      await execa('redis-cli', ['-p', String(secured.port), 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'], {
        env: { REDISCLI_AUTH: 's3cret-pw' },
      });
      const evict = await run(['fill', '-p', String(secured.port), '--keys', '10'], { REDISCLI_AUTH: 's3cret-pw' });
      oneLine(evict, /maxmemory-policy allkeys-lru: the fill will silently evict keys.*--allow-eviction/);
      const allowed = await run(['fill', '-p', String(secured.port), '--keys', '10', '--allow-eviction', '-q'], {
        REDISCLI_AUTH: 's3cret-pw',
      });
      expect(allowed.exitCode).toBe(0);
      expect(allowed.stderr).toMatch(/warning: .*will silently evict/);
    } finally {
      await secured.stop();
    }
  });

  it('answers a truncated, foreign or existing ledger with one clear line', async () => {
    const dir = tmpDir('bad-ledger');
    // a ledger cut short (e.g. copied while written) and one from another run
    const ledger = join(dir, 'good');
    const w = await run(['write', ...p(), '--run-id', `${namespace.runId}-trunc`, '--max-writes', '2000', '--ledger', ledger, '-q']);
    expect(w.exitCode, w.stderr).toBe(0);
    const bytes = readFileSync(ledger);
    writeFileSync(join(dir, 'cut'), bytes.subarray(0, bytes.length - 40));
    oneLine(await run(['audit', ...p(), '--ledger', join(dir, 'cut')]), /is truncated/);
    oneLine(await run(['audit', ...p(), '--ledger', ledger, '--run-id', 'another-run']), /is from run .*-trunc, not another-run/);
    oneLine(
      await run(['write', ...p(), '--max-writes', '10', '--ledger', ledger]),
      /--ledger .* already exists and is never overwritten: give a new file name/,
    );
    await unlinkAll(`sd:${namespace.runId}-trunc:*`);
  });

  it('a writer killed with kill -9 loses no outcome it had recorded in its ledger', async () => {
    const dir = tmpDir('crash');
    const ledger = join(dir, 'ledger');
    const runId = `${namespace.runId}-crash`;
    const proc = run(['write', ...p(), '--run-id', runId, '--ledger', ledger, '--concurrency', '32']);
    let out = '';
    proc.all.on('data', (d: Buffer) => (out += d));
    let recorded = 0;
    await waitUntil(
      'the writer to record 20,000 outcomes in its ledger',
      async () => {
        const m = [...out.matchAll(/ledger (\d+)/g)].pop();
        recorded = m ? Number(m[1]) : 0;
        return recorded >= 20_000;
      },
      30_000,
    );
    proc.kill('SIGKILL');
    expect((await proc).signal).toBe('SIGKILL');
    const l = readLedger(ledger);
    expect(l.end).toBeNull();
    expect(l.outcomes.total).toBeGreaterThanOrEqual(recorded);
    // the recorded outcomes are contiguous from seq 0 (none lost in the middle)
    for (let s = 0; s < recorded; s++) if (l.outcomes.get(s) === 0) expect.fail(`seq ${s} missing from the ledger`);
    const audit = await run(['audit', ...p(), '--ledger', ledger]);
    expect(audit.exitCode, audit.stdout).toBe(0);
    expect(audit.stdout).toMatch(/the writer did not stop cleanly/);
    // every key on the server beyond the ledger's acked ones was in flight or unflushed at the kill
    const keys = (await redis().keys(`sd:${runId}:*`)).length;
    expect(keys).toBeGreaterThanOrEqual(l.outcomes.counts.acked);
    expect(keys - l.outcomes.counts.acked).toBeLessThan(10_000);
    await unlinkAll(`sd:${runId}:*`);
  });
});
