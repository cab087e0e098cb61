/**
 * Messages name the right thing (real CLI processes): a number that is too large says so, a
 * flag's example is its own, placeholders in help and fix texts stay as written while real
 * secrets never show, and a truncated ledger can be audited up to the cut.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeEnd, parseLedger } from '../../../lib/integrity/write/ledger.js';
import { stormdrill as cli } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { namespace } from '../../support/namespace.js';

const env = useTestEnv({ redis: true });
const stormdrill = (args: string[], extraEnv: Record<string, string> = {}) => cli(args, { env: extraEnv });
const redis = new Redis({ port: 1, lazyConnect: true });
afterAll(() => redis.disconnect());

function oneLine(r: { exitCode?: number; all: string }, code = 2): string {
  expect(r.exitCode, r.all).toBe(code);
  const lines = r.all.trim().split('\n');
  expect(lines, r.all).toHaveLength(1);
  expect(r.all).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

describe('messages that name the right thing', () => {
  it('bench -n 99999999999999999999999 says the number is too large', async () => {
    const line = oneLine(await stormdrill(['bench', '-p', String(env.redis.port), '-n', '99999999999999999999999']));
    expect(line).toBe(
      'stormdrill: -n is too large: at most 9007199254740991 (total requests, e.g. -n 100000), got 99999999999999999999999',
    );
  });

  it('demo-service --items -1 names the range and an example of --items', async () => {
    const line = oneLine(await stormdrill(['demo-service', '--items', '-1']));
    expect(line).toBe("error: option '--items <n>' argument '-1' is invalid. It must be 1 or more, e.g. --items 50");
    const big = oneLine(await stormdrill(['demo-service', '--items', '20000']));
    expect(big).toMatch(/It is too large: at most 10000, e\.g\. --items 50$/);
  });

  it('help placeholders are printed as written; a real password never is', async () => {
    expect(oneLine(await stormdrill(['bench', '--user', 'bob']))).toBe(
      'stormdrill: --user needs -a <password> (ACL style AUTH username password)',
    );
    // a wrong password through every way in: the secret is not in the output
    const secret = 'Hunter-2-x9';
    for (const args of [
      ['fill', '-p', String(env.redis.port), '-a', secret, '--keys', '1'],
      ['verify', '--source', `redis://:${secret}@127.0.0.1:${env.redis.port}`, '--target', `redis://127.0.0.1:${env.redis.port}`],
    ]) {
      const r = await stormdrill(args);
      expect(r.exitCode, r.all).not.toBe(0);
      expect(r.all).not.toContain(secret);
    }
  });

  it('fill and write --cluster on a node without cluster support say to drop --cluster, as bench does', async () => {
    const port = String(env.redis.port);
    const ledger = join(env.tmpDir('cluster'), 'ledger');
    for (const args of [
      ['fill', '-p', port, '--cluster', '--keys', '10', '--run-id', `${namespace.runId}-cf`],
      ['write', '-p', port, '--cluster', '--max-writes', '10', '--run-id', `${namespace.runId}-cw`, '--ledger', ledger, '-q'],
      ['bench', '-p', port, '--cluster', '-n', '10', '-t', 'set', '-q'],
    ])
      expect(oneLine(await stormdrill(args))).toMatch(
        new RegExp(
          `127\\.0\\.0\\.1:${port} is not a cluster node \\(cluster support disabled\\)[:;] drop --cluster or point -h/-p(/-s)? at a cluster node$`,
        ),
      );
  });

  it('verify with a wrong password points at its own --source URI, not at flags it does not have', async () => {
    const { startRedisServer } = await import('../../../lib/stack/redis.js');
    const secured = await startRedisServer({ port: await env.ports.take(), dir: join(env.tmpDir('pw'), 'node'), password: 'right-pw-1' });
    try {
      const line = oneLine(
        await stormdrill([
          'verify',
          '--source',
          `redis://:wrong-pw-2@127.0.0.1:${secured.port}`,
          '--target',
          `redis://:right-pw-1@127.0.0.1:${secured.port}`,
        ]),
      );
      expect(line).toMatch(/authentication failed on 127\.0\.0\.1:\d+: .*\(check the password in --source\)$/);
      expect(line).not.toMatch(/-a\/--pass|REDISCLI_AUTH|wrong-pw-2|right-pw-1/);
      const missing = oneLine(
        await stormdrill([
          'verify',
          '--source',
          `redis://127.0.0.1:${secured.port}`,
          '--target',
          `redis://:right-pw-1@127.0.0.1:${secured.port}`,
        ]),
      );
      expect(missing).toMatch(/requires a password: pass it with the password in --source$/);
    } finally {
      await secured.stop();
    }
  });

  it('audit --allow-truncated audits the intact blocks and counts the outcomes cut off', async () => {
    const dir = env.tmpDir('trunc');
    const ledger = join(dir, 'ledger');
    const runId = `${namespace.runId}-cut`;
    const port = String(env.redis.port);
    const w = await stormdrill(['write', '-p', port, '--run-id', runId, '--max-writes', '3000', '--ledger', ledger, '-q']);
    expect(w.exitCode, w.all).toBe(0);
    const whole = readFileSync(ledger);
    const full = parseLedger(whole, ledger);
    expect(full.outcomes.total).toBe(3000);
    // cut the end record and the last 3 bytes before it: the last block is cut short
    const endLength = encodeEnd(full.end as NonNullable<typeof full.end>).length;
    const cut = join(dir, 'cut');
    writeFileSync(cut, whole.subarray(0, whole.length - endLength - 3));

    const refused = oneLine(await stormdrill(['audit', '-p', port, '--ledger', cut]));
    expect(refused).toMatch(
      /is truncated: its block(?: header)? at byte \d+ is cut short .*; audit its intact blocks with --allow-truncated$/,
    );

    const r = await stormdrill(['audit', '-p', port, '--ledger', cut, '--allow-truncated']);
    expect(r.exitCode, r.all).toBe(0);
    const attempted = Number(/attempted ([\d,]+)/.exec(r.all)?.[1]?.replace(/,/g, ''));
    const m =
      /the ledger is truncated at byte [\d,]+ \(its block(?: header)?\); the intact blocks before it are audited; ([\d,]+) recorded outcome\(s\) of the last block were cut off \(seq (\d+)\.\.(\d+)\) and are not audited/.exec(
        r.all,
      );
    expect(m, r.all).not.toBeNull();
    const cutOff = Number(m?.[1]?.replace(/,/g, ''));
    expect(cutOff).toBeGreaterThan(0);
    expect(attempted + cutOff).toBe(3000);
    expect(Number(m?.[3]) - Number(m?.[2]) + 1).toBe(cutOff);
    expect(r.all).toMatch(/acked-but-lost 0/);

    redis.options.port = env.redis.port;
    await redis.connect();
    await redis.eval(`for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) end`, 0, `sd:${runId}:*`);
  });
});
