/**
 * Start-up time of the built CLI (`npm run bench:startup`): builds dist/cli, then runs
 * `node -e 0`, `stormdrill --version` and `stormdrill bench --help` as whole processes, in
 * turn, five rounds (plus `--version` from the TypeScript sources for comparison), and
 * prints each median, the difference to `node -e 0` and the ratio, against the targets:
 * `--version` within 0.06 s of `node -e 0`, `bench --help` within 0.08 s. Wall time is what
 * the targets are about; the CPU time (user + sys, from /usr/bin/time when present) is
 * printed too, because on a machine busy with other work wall time mostly measures waiting.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, PROJECT_ROOT } from '../lib/bundle/index.js';

const ROUNDS = 5;
const BIN = join(PROJECT_ROOT, 'bin/stormdrill.js');

interface Case {
  label: string;
  args: string[];
  env?: Record<string, string>;
  /** Allowed difference to `node -e 0` in seconds. */
  target?: number;
}

const cases: Case[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'stormdrill --version', args: [BIN, '--version'], env: { STORMDRILL_ENTRY: 'built' }, target: 0.06 },
  { label: 'stormdrill bench --help', args: [BIN, 'bench', '--help'], env: { STORMDRILL_ENTRY: 'built' }, target: 0.08 },
  { label: 'stormdrill --version (sources, tsx)', args: [BIN, '--version'], env: { STORMDRILL_ENTRY: 'sources' } },
];

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const scratch = mkdtempSync(join(tmpdir(), 'stormdrill-startup-'));

/** Wall seconds (measured here) and CPU seconds of the child (from /usr/bin/time, else NaN). */
function runOnce(c: Case): { wall: number; cpu: number } {
  const cpuFile = join(scratch, 'cpu');
  const [cmd, args] = TIME ? [TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, ...c.args]] : [process.execPath, c.args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${c.label} exited ${r.status}: ${r.stderr.toString().trim()}`);
  const cpu = TIME
    ? readFileSync(cpuFile, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((a, b) => a + b, 0)
    : Number.NaN;
  return { wall, cpu };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const built = await buildCli();
console.log(`built dist/cli in ${built.millis.toFixed(0)} ms; ${ROUNDS} rounds, each case in turn`);
const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
const cpus = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const c of cases) {
    const r = runOnce(c);
    times.get(c)?.push(r.wall);
    cpus.get(c)?.push(r.cpu);
  }
rmSync(scratch, { recursive: true, force: true });

const base = median(times.get(cases[0] as Case) as number[]);
const cpuBase = median(cpus.get(cases[0] as Case) as number[]);
const cpuText = (c: Case) => {
  const m = median(cpus.get(c) as number[]);
  return Number.isNaN(m) ? '' : `; CPU ${m.toFixed(3)} s${c === cases[0] ? '' : ` (+${(m - cpuBase).toFixed(3)} s)`}`;
};
let allMet = true;
for (const c of cases) {
  const xs = times.get(c) as number[];
  const m = median(xs);
  const range = `min ${Math.min(...xs).toFixed(3)}, max ${Math.max(...xs).toFixed(3)}`;
  if (c === cases[0]) {
    console.log(`${c.label.padEnd(38)} median ${m.toFixed(3)} s (${range})${cpuText(c)}`);
    continue;
  }
  const diff = m - base;
  const verdict =
    c.target === undefined ? 'no target' : diff <= c.target ? `met (target +${c.target} s)` : `NOT met (target +${c.target} s)`;
  if (c.target !== undefined && diff > c.target) allMet = false;
  console.log(
    `${c.label.padEnd(38)} median ${m.toFixed(3)} s (${range}); +${diff.toFixed(3)} s over node -e 0, ratio ${(m / base).toFixed(2)}; ${verdict}${cpuText(c)}`,
  );
}
console.log(allMet ? 'start-up targets: met' : 'start-up targets: NOT met');
