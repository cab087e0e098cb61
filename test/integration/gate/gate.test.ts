import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLine, stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';

const env = useTestEnv({
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
  redis: true,
});
const gate = (args: string[]) => stormdrill(['gate', ...args]);
const bench = async (file: string, clients: string, requests = '20000', extra: string[] = []) => {
  const r = await stormdrill([
    'bench',
    '-p',
    String(env.redis.port),
    '-t',
    'set,get',
    '-n',
    requests,
    '-c',
    clients,
    '-r',
    '1000',
    '-q',
    '--json',
    file,
    ...extra,
  ]);
  expect(r.exitCode, r.all).toBe(0);
  return file;
};

describe('stormdrill gate on real benchmark results', () => {
  it('passes a run against its own kind of baseline and fails a real regression, with JUnit for CI', async () => {
    const dir = env.tmpDir('gate');
    const base = await bench(join(dir, 'base.json'), '50');
    const again = await bench(join(dir, 'again.json'), '50');
    // the same run held to 4,000 requests/s: a real throughput regression on the same server,
    // however busy the machine is (one client instead of 50 was not: on a loaded machine a
    // short run of 50 clients can be no faster than one)
    const slow = await bench(join(dir, 'slow.json'), '50', '4000', ['--rate', '4000']);

    const ok = await gate([again, '--baseline', base, '--max-regression', '90', '--compare', '*.rps,*.errors', '--rule', 'SET.errors==0']);
    expect(ok.exitCode, ok.all).toBe(0);
    expect(ok.all).toMatch(/PASS {2}SET\.rps/);
    expect(ok.all).toMatch(/gate: passed \(5 checks\)/);

    const junit = join(dir, 'gate.xml');
    const bad = await gate([slow, '--baseline', base, '--max-regression', '20', '--compare', '*.rps', '--junit', junit]);
    expect(bad.exitCode, bad.all).toBe(1);
    expect(bad.all).toMatch(/FAIL {2}SET\.rps +\d+ rps vs baseline \d+ rps \(-\d+\.\d %; at most -20 %\)/);
    expect(bad.all).toMatch(/gate: FAILED \(2 of 2 checks\)/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml.match(/<failure /g)).toHaveLength(2);
  });

  it('bad input is one line naming the fix, exit code 2', async () => {
    const dir = env.tmpDir('gate-bad');
    const base = await bench(join(dir, 'base.json'), '10');
    const notJson = join(dir, 'x.json');
    writeFileSync(notJson, 'hello');
    const cases: Array<[string[], RegExp]> = [
      [[join(dir, 'missing.json'), '--rule', 'SET.p99<1'], /result .*missing\.json: no such file/],
      [[notJson, '--rule', 'SET.p99<1'], /is not JSON/],
      [[base, '--rule', 'SET.p99 is small'], /is not METRIC OP NUMBER/],
      [[base, '--rule', 'SETT.p99<1'], /has no 'SETT\.p99'; it has SET\.\{rps,requests,.*p99.*\}, GET\.\{/],
      [[base, '--max-regression', 'ten'], /--max-regression must be a percentage/],
      [[base], /nothing to check/],
    ];
    for (const [args, message] of cases) {
      const r = await gate(args);
      expectOneLine({ exitCode: r.exitCode, stderr: r.all }, message, 2);
    }
  });

  it('several bad rules: every one reported in one go, with every statistic the result has, exit code 2', async () => {
    const dir = env.tmpDir('gate-rules');
    const base = await bench(join(dir, 'base.json'), '10');
    const r = await gate([base, '--rule', 'SET.p99<50', '--rule', 'SET.p99 is small', '--rule', 'SETT.p99<1', '--rule', 'GET.p98<1']);
    expect(r.exitCode, r.all).toBe(2);
    const lines = r.all.trim().split('\n');
    expect(lines, r.all).toHaveLength(2);
    expect(lines[0]).toMatch(/^stormdrill: --rule 'SET\.p99 is small' is not METRIC OP NUMBER/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^--rule 'SETT\\.p99<1', --rule 'GET\\.p98<1': ${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has no 'SETT\\.p99', 'GET\\.p98'; it has `,
      ),
    );
    // every statistic of the result is named
    const doc = JSON.parse(readFileSync(base, 'utf8')) as { tests: Array<{ title: string; latencyMs: Record<string, number> }> };
    for (const t of doc.tests) expect(lines[1]).toContain(`${t.title}.{rps,requests,${Object.keys(t.latencyMs).join(',')},errors}`);
    expect(r.all).not.toMatch(/\n\s+at /);
  });
});
