/**
 * Every command's output files: checked before the command does any work (bad paths are
 * bad input: one line naming the flag, exit 2), written atomically at the end. A write
 * that still fails then keeps the result under the system temp dir and says where.
 */
import { OptionsError } from '../core/errors.js';
import { type OutputKind, outputPathProblem } from '../core/report/output-path.js';
import { writeFileAtomicOrKeep } from '../core/report/write-report.js';

export interface OutputFlag {
  /** The flag that names the path, e.g. '--json'. */
  flag: string;
  /** The path given (or the default it stands for); undefined: the output is not wanted. */
  path: string | undefined;
  kind?: OutputKind;
}

/** Every problem with the outputs, one line each (for commands that collect problems). */
export function outputProblems(outputs: OutputFlag[]): string[] {
  const problems: string[] = [];
  for (const o of outputs) {
    if (o.path === undefined) continue;
    const p = outputPathProblem(o.flag, o.path, o.kind ?? 'file');
    if (p) problems.push(p);
  }
  return problems;
}

/** Throw (exit 2) when any output cannot be written. Call it before anything starts. */
export function checkOutputPaths(outputs: OutputFlag[]): void {
  const problems = outputProblems(outputs);
  if (problems.length) throw new OptionsError(problems);
}

/** Write one result file; returns where it is. When the asked path fails, it is kept elsewhere and a line says where. */
export function writeOutputFile(
  flag: string,
  path: string,
  content: string,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): string {
  const r = writeFileAtomicOrKeep(path, content);
  if (r.failed) warn(`stormdrill: ${flag} ${path}: cannot write it (${r.failed}); the result is kept in ${r.path}`);
  return r.path;
}

/** writeOutputFile for a JSON document. */
export function writeJsonOutput(flag: string, path: string, data: unknown): string {
  return writeOutputFile(flag, path, `${JSON.stringify(data, null, 2)}\n`);
}
