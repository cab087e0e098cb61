import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * Write report files atomically (tmp + rename), so an interrupted run never leaves a
 * half-written report. Returns the paths written.
 */
export function writeReportFiles(dir: string, files: Record<string, string>): string[] {
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, content);
    renameSync(tmp, path);
    out.push(path);
  }
  return out;
}

/** Write one file atomically (tmp + rename), creating its folder; returns its absolute path. */
export function writeFileAtomic(path: string, content: string): string {
  const abs = resolve(path);
  return writeReportFiles(dirname(abs), { [basename(abs)]: content })[0] as string;
}
