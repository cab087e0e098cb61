/** The bench library run in this process with its output captured (the CLI as a process: test/support/cli.ts). */
import { type BenchOutcome, runBench } from '../../../lib/bench/bench.js';
import { parseBenchArgv } from '../../../lib/bench/options.js';

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
