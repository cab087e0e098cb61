/**
 * Can a command write where it was told to? Asked before any work starts, so a bad path
 * costs nothing: the problem is one line naming the flag (or the default it stands for).
 * Reads the file system, writes nothing.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `file`: written or replaced; `new-file`: must not exist yet (a ledger); `dir`: created if missing. */
export type OutputKind = 'file' | 'new-file' | 'dir';

function kindOf(path: string): 'file' | 'dir' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a part of the path is a file; the caller walks up and names it
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw err;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The problem with writing `kind` at `path`, as one line starting with `label`; null when it can be written. */
export function outputPathProblem(label: string, path: string, kind: OutputKind): string | null {
  const abs = resolve(path);
  const here = kindOf(abs);
  if (here === 'dir') {
    if (kind !== 'dir') return `${label} ${path} is a directory: give a file path`;
    return writable(abs) ? null : `${label} ${path} is not writable: choose a directory you can write to`;
  }
  if (here === 'file') {
    if (kind === 'dir') return `${label} ${path} is a file, not a directory: give a directory (it is created if missing)`;
    if (kind === 'new-file') return `${label} ${path} already exists and is never overwritten: give a new file name`;
    try {
      accessSync(abs, constants.W_OK);
    } catch {
      return `${label} ${path} is not writable: choose a file you can write`;
    }
    return writable(dirname(abs)) ? null : `${label} ${path}: its directory is not writable (the file is replaced atomically)`;
  }
  // missing: the nearest existing ancestor must be a directory we may create entries in
  let anc = dirname(abs);
  while (kindOf(anc) === 'missing' && dirname(anc) !== anc) anc = dirname(anc);
  if (kindOf(anc) === 'file') return `${label} ${path}: ${anc} is a file, not a directory: choose a path under a directory`;
  if (!writable(anc)) return `${label} ${path}: cannot create it, ${anc} is not writable: choose a place you can write to`;
  return null;
}
