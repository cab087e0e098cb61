/** `stormdrill merge`: read the instances' `bench --json` files, merge (lib/bench/merge.ts), write the result. */
import { mergeBenchDocs, type NamedDoc } from '../../bench/merge.js';
import { writeFileAtomic } from '../../core/report/write-report.js';
import { readJsonFile } from '../json-input.js';

export function mergeCli(files: string[], f: { output?: string }): number {
  const named: NamedDoc[] = files.map((name) => ({
    name,
    doc: readJsonFile(name, name, 'give the files `stormdrill bench --json` wrote'),
  }));
  const text = `${JSON.stringify(mergeBenchDocs(named), null, 2)}\n`;
  if (f.output) process.stderr.write(`merge: ${writeFileAtomic(f.output, text)}\n`);
  else process.stdout.write(text);
  return 0;
}
