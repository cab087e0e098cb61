/** The JSON files commands read (gate's result and baseline, merge's instance files). */
import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';

/** A JSON input file; a missing or unreadable file or text that is not JSON is one line: `label` and the `hint` in parentheses. */
export function readJsonFile(label: string, path: string, hint: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${label}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message} (${hint})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`${label} is not JSON (${hint})`);
  }
}
