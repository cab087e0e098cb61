/** The CLI: a thin commander layer over the library. */
import { Command, CommanderError } from 'commander';
import { givenSecrets, redactSecrets, UserError } from '../core/errors.js';
import { installSignalHandlers, runCleanups } from '../core/lifecycle.js';
import { packageVersion } from '../core/version.js';
import type { CommandModule } from './command.js';
import { COMMANDS } from './registry.js';

/** Every command module (lib/cli/registry.ts), in help order. */
export async function loadCommands(): Promise<CommandModule[]> {
  // plain code-unit order: the first localeCompare() loads ICU's collator, ~10 ms of every start
  const byName = (a: CommandModule, b: CommandModule) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [...COMMANDS].sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || byName(a, b));
}

/** Build the program (exported so tests can parse argv without spawning). */
export async function buildProgram(): Promise<Command> {
  const program = new Command('stormdrill')
    .description('Load testing and outage drills for Redis-backed services')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.addHelpCommand(true);
  for (const m of await loadCommands()) m.register(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Print one line for a failure, never a stack trace (unless STORMDRILL_DEBUG=1). */
export function reportFailure(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its one-line message (or the help/version)
    return err.exitCode === 0 ? 0 : 2;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`stormdrill: ${redactSecrets(msg, givenSecrets(process.argv, process.env))}\n`);
  if (err instanceof UserError) return err.exitCode;
  if (process.env.STORMDRILL_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

export async function main(argv: string[]): Promise<void> {
  installSignalHandlers();
  // `stormdrill ... | head`: a closed pipe ends the output quietly, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
  let code = 0;
  try {
    const program = await buildProgram();
    if (argv.length <= 2) program.outputHelp();
    else await program.parseAsync(argv);
  } catch (err) {
    code = reportFailure(err);
  }
  await runCleanups();
  if (process.exitCode === undefined || process.exitCode === 0) process.exitCode = code;
  // Do not wait on stray handles (sockets in TIME_WAIT, timers) once the work is done.
  setTimeout(() => process.exit(), 50).unref();
}
