/**
 * The CLI as users run it: `stormdrill <args>` in a child process, and the check that bad
 * input gives one line (no stack trace) and a non-zero exit.
 */
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { expect } from 'vitest';
import { PROJECT_ROOT } from '../../lib/bundle/build.js';
import { tmpDir } from './namespace.js';

export const STORMDRILL_BIN = join(PROJECT_ROOT, 'bin/stormdrill.js');

export interface CliOptions {
  /** Added to the environment (STORMDRILL_DEBUG and REDISCLI_AUTH are cleared unless given). */
  env?: Record<string, string>;
  /** false: only `env` (no inherited variables). */
  extendEnv?: boolean;
  /** Default: a fresh temp dir of this file's namespace. */
  cwd?: string;
  /** The child is killed after this (default 60 s). */
  timeoutMs?: number;
  input?: string;
}

type CliRun = ResultPromise<{ reject: false; all: true }>;

/**
 * Spawn `stormdrill <args>`. Never rejects: await it for `exitCode`, `stdout`, `stderr` and
 * `all` (both streams in order); signal it with `.kill()`.
 */
export function stormdrill(args: string[], o: CliOptions = {}): CliRun {
  return execa(process.execPath, [STORMDRILL_BIN, ...args], {
    reject: false,
    all: true,
    cwd: o.cwd ?? tmpDir('cwd'),
    env: { STORMDRILL_DEBUG: '', REDISCLI_AUTH: '', ...o.env },
    extendEnv: o.extendEnv ?? true,
    timeout: o.timeoutMs ?? 60_000,
    input: o.input,
  }) as CliRun;
}

/** Bad input: a non-zero exit (`code` when given), one line on stderr matching `re`, no stack trace. */
export function expectOneLine(r: { exitCode?: number; stderr: string }, re: RegExp, code?: number): void {
  if (code === undefined) expect(r.exitCode, r.stderr).not.toBe(0);
  else expect(r.exitCode, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(re);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}
