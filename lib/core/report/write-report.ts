import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Files written where asked or, when that failed, kept in a new temp dir. */
export interface WrittenOrKept {
  paths: string[];
  /** Set when the asked place failed: why (the files are then in `paths`, under the temp dir). */
  failed?: string;
}

/**
 * Write report files; if the asked dir cannot take them (found out only at the end: a disk
 * that filled, a dir removed during the run), keep them in a new dir under the system temp
 * dir instead of losing the result. The caller says where they are.
 */
export function writeReportFilesOrKeep(dir: string, files: Record<string, string>): WrittenOrKept {
  try {
    return { paths: writeReportFiles(dir, files) };
  } catch (err) {
    const keep = mkdtempSync(join(tmpdir(), 'stormdrill-kept-'));
    return { paths: writeReportFiles(keep, files), failed: (err as Error).message };
  }
}

/** One file written atomically where asked, or kept under the system temp dir (see writeReportFilesOrKeep). */
export function writeFileAtomicOrKeep(path: string, content: string): { path: string; failed?: string } {
  const abs = resolve(path);
  const r = writeReportFilesOrKeep(dirname(abs), { [basename(abs)]: content });
  return { path: r.paths[0] as string, failed: r.failed };
}
