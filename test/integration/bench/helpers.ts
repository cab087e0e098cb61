/** Helpers for the bench integration tests: run the library with captured output, or a real process. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchOutcome, runBench } from '../../../lib/bench/bench.js';
import { parseBenchArgv } from '../../../lib/bench/options.js';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { findBinary, spawnManaged } from '../../../lib/stack/index.js';
import { tmpDir } from '../../support/namespace.js';

export const BIN = join(PROJECT_ROOT, 'bin/stormdrill.js');
export const REDIS_BENCHMARK = findBinary('redis-benchmark');

/** Run `stormdrill bench <argv>` in this process; stdout and stderr captured. */
export async function bench(
  argv: string[],
  io: { isTTY?: boolean; stdin?: string; signal?: AbortSignal } = {},
): Promise<{ out: string; err: string; outcome: BenchOutcome }> {
  const { options, problems } = parseBenchArgv(argv);
  if (problems.length) throw new Error(problems.join('\n'));
  let out = '';
  let err = '';
  const outcome = await runBench(
    options,
    {
      out: (s) => (out += s),
      err: (s) => (err += s),
      isTTY: io.isTTY ?? false,
      readStdin: io.stdin === undefined ? undefined : async () => io.stdin as string,
    },
    { signal: io.signal },
  );
  return { out, err, outcome };
}

/** Run a real process to its end (bounded by `timeoutMs`); output of both streams. */
export async function runProcess(
  command: string,
  args: string[],
  timeoutMs = 60_000,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; text: string }> {
  const dir = tmpDir('proc');
  const logFile = join(dir, 'out.log');
  const p = spawnManaged({
    name: `test:${command.split('/').at(-1)}`,
    command,
    args,
    cwd: PROJECT_ROOT,
    logFile,
    env: { STORMDRILL_DEBUG: '', ...extraEnv },
  });
  const timer = setTimeout(() => void p.stop(), timeoutMs);
  await p.exited;
  clearTimeout(timer);
  return { code: p.exit?.code ?? null, text: readFileSync(logFile, 'utf8') };
}

/** `stormdrill bench <args>` as a separate process. */
export const cli = (args: string[], timeoutMs?: number, env?: Record<string, string>) =>
  runProcess(process.execPath, [BIN, 'bench', ...args], timeoutMs, env);
