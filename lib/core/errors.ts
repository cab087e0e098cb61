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

/**
 * A value that only stands for a secret in our own texts (help, examples, fixes): `<password>`,
 * `[user:password@]`, `(and --user ...)`, `PASSWORD`, an already redacted `***`, a flag.
 */
function isPlaceholder(value: string): boolean {
  const v = value.replace(/[)\]>'",.;:]+$/, '');
  return /^[<[(*-]/.test(v) || /^(?:password|pass|secret|token|username|user)$/i.test(v);
}

/**
 * Remove real secrets from a text before it is printed: the password of a redis:// or
 * http:// URL, the argument of -a/--pass, AUTH and requirepass, and every value in `known`
 * (the passwords the process was given), wherever they appear. Placeholders in our own help
 * and fix texts (`-a <password>`, `redis://[user:password@]host`) are left as written.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text
    .replace(/(\w+:\/\/)([^:@/\s]*):([^@/\s]+)@/g, (m, scheme: string, user: string, pass: string) =>
      user.startsWith('[') || isPlaceholder(pass) ? m : `${scheme}${user}:***@`,
    )
    .replace(/(\s-a\s+|\s--pass(?:word)?[ =]|requirepass\s+|AUTH\s+(?:\S+\s+)?)(\S+)/gi, (m, lead: string, value: string) =>
      isPlaceholder(value) ? m : `${lead}***`,
    );
  for (const secret of new Set(known)) {
    if (!secret) continue;
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // a whole token only: a one-letter password must not blank out every such letter
    out = out.replace(new RegExp(`(^|[^\\w])${escaped}(?=$|[^\\w])`, 'g'), '$1***');
  }
  return out;
}

/** The secrets a process was given (for redactSecrets): password flags in argv and password variables. */
export function givenSecrets(argv: readonly string[], env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  const flags = new Set(['-a', '--pass', '--password', '--sentinel-pass']);
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] as string;
    if (flags.has(w) && argv[i + 1] !== undefined) out.push(argv[i + 1] as string);
    const eq = /^(--pass|--password|--sentinel-pass)=(.+)$/.exec(w);
    if (eq) out.push(eq[2] as string);
    for (const m of w.matchAll(/\w+:\/\/[^:@/\s]*:([^@/\s]+)@/g)) {
      try {
        out.push(decodeURIComponent(m[1] as string), m[1] as string);
      } catch {
        out.push(m[1] as string);
      }
    }
  }
  for (const k of ['REDISCLI_AUTH', 'REDIS_PASSWORD', 'STORMDRILL_REDIS_PASSWORD', 'STORMDRILL_PROM_RW_BEARER_TOKEN']) {
    const v = env[k];
    if (v) out.push(v);
  }
  return out;
}
