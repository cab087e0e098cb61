/**
 * k6 duration strings (`30s`, `1m30s`, `2h`, `500ms`): validation and conversion. Pure: no
 * k6 and no Node APIs, so both worlds use it (the profile builders and their unit tests).
 */

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function isDuration(text: string): boolean {
  return WHOLE.test(text);
}

/** Milliseconds of a k6 duration string; NaN when it is not one. */
export function durationMs(text: string): number {
  if (!isDuration(text)) return Number.NaN;
  let total = 0;
  for (const m of text.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return total;
}

/** A compact k6 duration for a number of milliseconds (`90000` → `1m30s`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
