/** Write report.json, report.md and report.html of a drill (atomically). */
import { writeReportFiles } from '../../core/report/write-report.js';
import { htmlReport } from './html.js';
import { markdownReport } from './markdown.js';
import type { DrillReport } from './types.js';

export { htmlReport } from './html.js';
export { markdownReport } from './markdown.js';
export { timelineSvg } from './svg.js';
export type { DrillReport, DrillStatus, EventSource, ReportEvent, ReportStep, ReportWindow } from './types.js';

export function writeDrillReport(dir: string, r: DrillReport): string[] {
  return writeReportFiles(dir, {
    'report.json': `${JSON.stringify(r, null, 2)}\n`,
    'report.md': markdownReport(r),
    'report.html': htmlReport(r),
  });
}
