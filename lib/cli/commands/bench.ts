import { defineCommand } from '../command.js';

/**
 * `stormdrill bench`: redis-benchmark's flags are parsed by lib/bench/options.ts (commander
 * cannot express `-h <host>`, `-3` or a trailing command), so this command takes argv as is.
 */
export default defineCommand({
  name: 'bench',
  order: 10,
  register(program) {
    program
      .command('bench')
      .description('redis-benchmark-compatible load generator (same flags and output; plus --duration, --rate, --mix, --json, metrics)')
      .usage('[OPTIONS] [COMMAND ARGS...]  (stormdrill bench --help for every option)')
      .helpOption(false)
      .allowUnknownOption(true)
      .allowExcessArguments(true)
      .argument('[args...]')
      .action(async (_args: string[], _opts: unknown, cmd: { args: string[] }) => {
        const { benchCli } = await import('../bench/run.js');
        process.exitCode = await benchCli(cmd.args);
      });
  },
});
