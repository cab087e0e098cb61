/** `stormdrill merge`: read the instances' `bench --json` files, merge (lib/bench/merge.ts), write the result. */
import { readFileSync } from 'node:fs';
import { MergeError, mergeBenchDocs, type NamedDoc } from '../../bench/merge.js';
import { UserError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/report/write-report.js';

export function mergeCli(files: string[], f: { output?: string }, out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const named: NamedDoc[] = files.map((name) => {
    let text: string;
    try {
      text = readFileSync(name, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(
        `${name}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message} (give the files \`stormdrill bench --json\` wrote)`,
      );
    }
    try {
      return { name, doc: JSON.parse(text) };
    } catch {
      throw new UserError(`${name} is not JSON (give the files \`stormdrill bench --json\` wrote)`);
    }
  });
  let merged: unknown;
  try {
    merged = mergeBenchDocs(named);
  } catch (err) {
    if (err instanceof MergeError) throw new UserError(err.message);
    throw err;
  }
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  if (f.output) process.stderr.write(`merge: ${writeFileAtomic(f.output, text)}\n`);
  else out(text);
  return 0;
}
