/**
 * A copy of the package's files (package.json `files`, without dist/) in a temp dir, with
 * the repository's node_modules linked in: what a fresh checkout or `npm pack` sees, so a
 * test can build or run it without touching the working tree.
 */
import { cpSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/bundle/build.js';
import { tmpDir } from './namespace.js';

export const PACKAGE = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
};

export function stageCopy(label: string, extra: string[] = []): string {
  const stage = tmpDir(label);
  for (const f of [...PACKAGE.files.filter((f) => !f.startsWith('dist')), 'package.json', 'package-lock.json', ...extra])
    if (existsSync(join(PROJECT_ROOT, f))) cpSync(join(PROJECT_ROOT, f), join(stage, f), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(stage, 'node_modules'));
  return stage;
}
