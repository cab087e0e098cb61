import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private temp dir for one stack; `remove()` deletes it. */
export function makeWorkDir(label: string, parent = tmpdir()): { path: string; remove: () => void } {
  const path = mkdtempSync(join(parent, `stormdrill-${label.replace(/[^a-zA-Z0-9-]/g, '-')}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
