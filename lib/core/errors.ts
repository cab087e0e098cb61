/**
 * Errors a user can fix. The CLI prints `message` as one line (no stack trace) and exits
 * with `exitCode`. The message names the problem and the fix, e.g.
 * "redis-server not found: install it with `apt-get install redis-server` (or run `npm run setup`)".
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** A required program is missing. */
export class MissingBinaryError extends UserError {
  constructor(binary: string, debianPackage: string) {
    super(`${binary} not found on PATH: install it with \`apt-get install ${debianPackage}\` (or run \`npm run setup\`)`, 127);
    this.name = 'MissingBinaryError';
  }
}

/** A process we started died or never became ready. */
export class StartError extends UserError {
  constructor(message: string) {
    super(message, 3);
    this.name = 'StartError';
  }
}

/** Validation problems collected together (options.validate() style): one line each. */
export class OptionsError extends UserError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'), 2);
    this.name = 'OptionsError';
    this.problems = problems;
  }
}

/** Turn anything thrown into the one line a user sees. */
export function userMessage(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] === '' ? String(err) : err.message;
  return String(err);
}

/** Remove credentials from a redis:// or http:// URL or a command line before it is printed. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\w+:\/\/)([^:@/\s]*):([^@/\s]+)@/g, '$1$2:***@')
    .replace(/(\s-a\s+|\s--pass(?:word)?[ =]|requirepass\s+|AUTH\s+(?:\S+\s+)?)(\S+)/gi, '$1***');
}
