import type { Command } from 'commander';

/**
 * One subcommand. Each file in lib/cli/commands/ default-exports one; main.ts registers
 * every file it finds there, so adding a command touches no shared file. A command
 * module is commander wiring only: it maps flags onto the library's options and calls
 * the library (import heavy modules inside the action, so `--help` stays fast).
 */
export interface CommandModule {
  name: string;
  /** Order in `stormdrill --help` (lower first). */
  order?: number;
  register(program: Command): void;
}

export function defineCommand(m: CommandModule): CommandModule {
  return m;
}
