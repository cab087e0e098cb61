/** Write report.json, report.md and report.html of a drill (atomically). */
import { dirname } from 'node:path';
import { writeReportFilesOrKeep } from '../../core/report/write-report.js';
import { retrospectiveMarkdown } from './game-day.js';
import { htmlReport } from './html.js';
import { markdownReport } from './markdown.js';
import type { DrillReport } from './types.js';

export { htmlReport } from './html.js';
export { markdownReport } from './markdown.js';
export { timelineSvg } from './svg.js';
export type { DrillReport } from './types.js';

/**
 * Write the three files into `dir`. When `dir` fails at the end of a drill (the CLI checked it
 * before the drill started, so a disk that filled or a dir removed meanwhile), the report is
 * kept under the system temp dir instead and `warn` says where: a drill's result is never lost.
 */
export function writeDrillReport(dir: string, r: DrillReport, warn: (line: string) => void = () => {}): string[] {
  const w = writeReportFilesOrKeep(dir, {
    'report.json': `${JSON.stringify(r, null, 2)}\n`,
    'report.md': markdownReport(r),
    'report.html': htmlReport(r),
    ...(r.service ? { 'retrospective.md': retrospectiveMarkdown(r) } : {}),
  });
  if (w.failed) warn(`cannot write the report to ${dir} (${w.failed}); it is kept in ${dirname(w.paths[0] as string)}`);
  return w.paths;
}
