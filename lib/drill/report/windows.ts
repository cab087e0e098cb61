/** Unavailability windows as the report states them: times rounded to 0.1 ms. */
import type { ReportWindow } from './types.js';

export function roundWindows(ws: ReportWindow[]): ReportWindow[] {
  const r = (x: number) => Math.round(x * 10) / 10;
  return ws.map((w) => ({ ...w, startMs: r(w.startMs), endMs: r(w.endMs), durationMs: r(w.durationMs) }));
}
