/**
 * The npm package on a clean machine: `npm pack` in a copy of the package's files (its
 * `prepack` builds dist/cli and dist/k6 from scratch), the tarball installed with
 * `npm install -g` into an empty prefix, and the installed `stormdrill` run outside the
 * repository: --help, drill list, a short bench (with worker threads) against a
 * redis-server this file starts, and gate on the bench's JSON. STORMDRILL_ENTRY=built makes
 * the installed bin fail unless it runs the built JavaScript.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { useTestEnv } from '../../support/env.js';
import { PACKAGE as pkg, stageCopy } from '../../support/stage.js';

const env = useTestEnv({
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
  redis: true,
});

describe('npm package', () => {
  it('a checkout runs the build only while it is current, else the sources (a stale build never runs)', async () => {
    const stage = stageCopy('stale-stage');
    const build = await execa('node', ['--import', 'tsx', 'tools/build-cli.ts'], { cwd: stage, reject: false });
    expect(build.exitCode, build.stderr).toBe(0);
    const cli = (args: string[], entry?: string) =>
      execa('node', [join(stage, 'bin/stormdrill.js'), ...args], { cwd: stage, reject: false, env: { STORMDRILL_ENTRY: entry ?? '' } });
    const fresh = await cli(['gate', '--help'], 'built');
    expect(fresh.exitCode, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/pass or fail a CI step/);

    // a source edited after the build: the checkout runs the edited sources, and a run
    // that insists on the build is refused with the file's name
    const file = join(stage, 'lib/cli/commands/gate.ts');
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, readFileSync(file, 'utf8').replace('pass or fail a CI step', 'EDITED pass or fail a CI step'));
    const edited = await cli(['gate', '--help']);
    expect(edited.exitCode, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/EDITED pass or fail a CI step/);
    const insisted = await cli(['gate', '--help'], 'built');
    expect(insisted.exitCode).toBe(2);
    expect(insisted.stderr.trim()).toBe(
      'stormdrill: STORMDRILL_ENTRY=built but lib/cli/commands/gate.ts changed after dist/cli was built (run npm run build)',
    );

    const rebuilt = await execa('node', ['--import', 'tsx', 'tools/build-cli.ts'], { cwd: stage, reject: false });
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    const current = await cli(['gate', '--help'], 'built');
    expect(current.stdout).toMatch(/EDITED pass or fail a CI step/);
  }, 120_000);

  it('packs (prepack builds the CLI), installs into an empty prefix and runs without the repository', async () => {
    const stage = stageCopy('pack-stage');
    const out = env.tmpDir('pack-out');
    const pack = await execa('npm', ['pack', '--pack-destination', out, '--loglevel=error'], { cwd: stage, reject: false });
    expect(pack.exitCode, pack.stderr).toBe(0);
    const tarball = join(out, `${pkg.name}-${pkg.version}.tgz`);
    expect(existsSync(tarball)).toBe(true);
    const list = await execa('tar', ['-tzf', tarball]);
    for (const f of [
      'package/bin/stormdrill.js',
      'package/dist/cli/stormdrill.js',
      'package/dist/cli/bench-worker.js',
      'package/dist/cli/build.json',
    ])
      expect(list.stdout.split('\n'), f).toContain(f);
    expect(list.stdout).toMatch(/^package\/dist\/k6\/stress\.js$/m);
    expect(list.stdout).toMatch(/^package\/runbooks\/primary-fails\.yaml$/m);

    const prefix = env.tmpDir('prefix');
    const install = await execa(
      'npm',
      ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
      {
        cwd: out,
        reject: false,
        timeout: 300_000,
      },
    );
    expect(install.exitCode, install.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'stormdrill');
    const cwd = env.tmpDir('elsewhere');
    const run = (args: string[]) =>
      execa(bin, args, {
        cwd,
        reject: false,
        timeout: 60_000,
        env: { STORMDRILL_ENTRY: 'built', PATH: `${join(prefix, 'bin')}:${process.env.PATH}` },
      });

    const help = await run(['--help']);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: stormdrill/);
    expect(help.stdout).toMatch(/^ {2}bench\b/m);

    const version = await run(['--version']);
    expect(version.stdout.trim()).toBe(pkg.version);

    const drills = await run(['drill', 'list']);
    expect(drills.exitCode, drills.stderr).toBe(0);
    const shipped = readdirSync(join(PROJECT_ROOT, 'runbooks')).filter((f) => f.endsWith('.yaml'));
    for (const f of shipped) expect(drills.stdout).toContain(f.replace(/\.yaml$/, ''));

    const bench = await run([
      'bench',
      '-p',
      String(env.redis.port),
      '-n',
      '4000',
      '-c',
      '4',
      '--threads',
      '2',
      '-t',
      'set,get',
      '-q',
      '--json',
      'now.json',
    ]);
    expect(bench.exitCode, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(/^SET: [\d.]+ requests per second/m);
    const doc = JSON.parse(readFileSync(join(cwd, 'now.json'), 'utf8'));
    expect(doc.tests.map((t: { title: string; requests: number }) => [t.title, t.requests])).toEqual([
      ['SET', 4000],
      ['GET', 4000],
    ]);

    const gate = await run(['gate', 'now.json', '--rule', 'SET.errors<=0', '--rule', 'GET.requests>=4000']);
    expect(gate.exitCode, gate.stdout + gate.stderr).toBe(0);
    expect(gate.stdout).toMatch(/gate: passed \(2 checks\)/);
    // the installed package does not reach back into the repository
    const real = await execa('node', ['-e', 'console.log(require("fs").realpathSync(process.argv[1]))', bin]);
    expect(real.stdout.startsWith(prefix) || real.stdout.includes('/lib/node_modules/stormdrill/')).toBe(true);
    expect(real.stdout.startsWith(PROJECT_ROOT)).toBe(false);
  }, 400_000);
});
