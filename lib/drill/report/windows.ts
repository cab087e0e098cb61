/** How the report states windows (times rounded to 0.1 ms) and counts (`ECONNREFUSED=5, LOADING=2`). */
import type { ReportWindow } from './types.js';

export function roundWindows(ws: ReportWindow[]): ReportWindow[] {
  const r = (x: number) => Math.round(x * 10) / 10;
  return ws.map((w) => ({ ...w, startMs: r(w.startMs), endMs: r(w.endMs), durationMs: r(w.durationMs) }));
}

/** `k=v` for every entry, joined by `sep`. */
export function pairs(o: Record<string, string | number>, sep = ', '): string {
  return Object.entries(o)
    .map(([k, v]) => `${k}=${v}`)
    .join(sep);
}
