import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { stormdrill } from '../../support/cli.js';
import { tmpDir } from '../../support/namespace.js';
import { waitUntil } from '../../support/wait.js';

const run = (args: string[]) => stormdrill(args, { cwd: PROJECT_ROOT });

describe('stormdrill CLI', () => {
  it('prints help for the program and for each command', async () => {
    const top = await run(['--help']);
    expect(top.exitCode).toBe(0);
    expect(top.stdout).toMatch(/Usage: stormdrill/);
    const names = [...top.stdout.matchAll(/^ {2}(\w[\w-]*)/gm)].map((m) => m[1]).filter((n) => n !== 'help');
    expect(names).toContain('demo');
    for (const name of names) {
      const r = await run([name as string, '--help']);
      expect(r.exitCode, name).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: stormdrill ${name}`));
    }
  });

  it.each([
    [['nosuchcmd'], /unknown command 'nosuchcmd'/],
    [['demo', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['demo', '--bench-requests', '0'], /--bench-requests must be a positive integer/],
    [['demo', '--k6-duration', 'soon'], /--k6-duration must be a duration such as 30s, 2m or 1m30s \(a bare number is seconds\)/],
  ])('rejects %j with one clear line and a non-zero exit', async (args, message) => {
    const r = await run(args);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the main job end to end on the embedded default (short settings) and writes its reports', async () => {
    const cwd = tmpDir('demo');
    const r = await stormdrill(['demo', '--bench-requests', '20000', '--no-k6'], { cwd, timeoutMs: 180_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/everything the demo started is stopped/);
    expect(r.stdout).toMatch(/k6 stress: skipped: disabled with --no-k6/);
    const runs = readdirSync(join(cwd, 'reports'));
    expect(runs).toHaveLength(1);
    const dir = join(cwd, 'reports', runs[0] as string);
    const demo = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));
    expect(demo.bench.errors).toBe(0);
    expect(demo.bench.tests.map((t: { title: string }) => t.title)).toEqual(['SET', 'GET']);
    expect(demo.drill.status).toBe('passed');
    expect(demo.drill.ackedLost).toBe(0);
    expect(demo.drill.writeUnavailableMs).toBeGreaterThan(0);
    expect(demo.dashboards.queries).toBeGreaterThan(20);
    for (const f of ['demo.md', 'drill/report.json', 'drill/report.html']) expect(existsSync(join(dir, f)), f).toBe(true);
  });

  it('stops everything it started when interrupted with SIGINT', async () => {
    const cwd = tmpDir('sigint');
    const child = stormdrill(['demo', '--bench-requests', '100000000', '--no-k6'], { cwd, timeoutMs: 180_000 });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    await waitUntil('the demo to reach its bench', async () => /bench: SET and GET/.test(out), 60_000, 100);
    const port = Number(/Prometheus http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/SIGINT received/);
    // the suite's leftover check proves no child survived; Prometheus' port is free again
    const { isPortFree } = await import('../../../lib/stack/ports.js');
    expect(await isPortFree(port)).toBe(true);
  });
});
