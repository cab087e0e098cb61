import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { tmpDir } from '../../support/namespace.js';

const BIN = join(PROJECT_ROOT, 'bin/stormdrill.js');
const run = (args: string[], opts: { cwd?: string } = {}) =>
  execa('node', [BIN, ...args], { reject: false, cwd: opts.cwd ?? PROJECT_ROOT, env: { STORMDRILL_DEBUG: '' } });

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
    [['demo', '--ops', '0'], /--ops must be a positive integer/],
  ])('rejects %j with one clear line and a non-zero exit', async (args, message) => {
    const r = await run(args);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the main job end to end on the embedded default and writes a report', async () => {
    const cwd = tmpDir('demo');
    const r = await execa('node', [BIN, 'demo', '--ops', '2000'], { cwd, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/local stack stopped/);
    const runs = readdirSync(join(cwd, 'reports'));
    expect(runs).toHaveLength(1);
    const report = JSON.parse(readFileSync(join(cwd, 'reports', runs[0] as string, 'report.json'), 'utf8'));
    expect(report.ops).toBe(4000);
    expect(report.errors).toBe(0);
    expect(report.keysLeft).toBe(0);
    expect(existsSync(join(cwd, 'reports', runs[0] as string, 'report.md'))).toBe(true);
  });

  it('stops everything it started when interrupted with SIGINT', async () => {
    const cwd = tmpDir('sigint');
    const child = execa('node', [BIN, 'demo', '--ops', '50000000'], { cwd, reject: false });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    for (let i = 0; i < 200 && !/redis redis:\/\//.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/redis redis:\/\//);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toMatch(/SIGINT received/);
    // the leftover check of the suite (global-setup) proves no child survived; check the ports too
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    const { isPortFree } = await import('../../../lib/stack/ports.js');
    expect(await isPortFree(port)).toBe(true);
  });
});
