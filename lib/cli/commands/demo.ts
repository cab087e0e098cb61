import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'demo',
  order: 1,
  register(program) {
    program
      .command('demo')
      .description('run the main job on the embedded default: local stack, a short real workload, a report, then stop everything')
      .option('--ops <n>', 'SET+GET pairs to run', (v) => Number.parseInt(v, 10), 20000)
      .option('--run-id <id>', 'run id (default: generated)')
      .action(async (opts: { ops: number; runId?: string }) => {
        const { quickRun } = await import('../../demo/quick-run.js');
        const { UserError } = await import('../../core/errors.js');
        const { isValidRunId } = await import('../../core/naming.js');
        if (!Number.isInteger(opts.ops) || opts.ops < 1) throw new UserError('--ops must be a positive integer, e.g. --ops 20000');
        if (opts.runId !== undefined && !isValidRunId(opts.runId))
          throw new UserError('--run-id must be lower-case letters, digits and dashes (at most 48)');
        const r = await quickRun({ ops: opts.ops, runId: opts.runId, log: (l) => console.log(l) });
        console.log(
          `${r.ops} ops in ${r.durationSeconds.toFixed(2)} s: ${Math.round(r.opsPerSecond)} ops/s, errors ${r.errors}, p99 ${r.latencyMs.p99.toFixed(3)} ms`,
        );
        console.log(`report: ${r.reportFiles.join(', ')}`);
        if (r.errors > 0) process.exitCode = 1;
      });
  },
});
