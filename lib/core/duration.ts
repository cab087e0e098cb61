/**
 * The one duration parser: `250ms`, `2s`, `1.5s`, `1m30s`, `2h`. Pure, with no Node API, so
 * code inside k6 uses it too. A bare number is what the caller says it is: seconds for every
 * duration flag of every command (`--duration 120` is two minutes), milliseconds in runbook
 * YAML, or refused where only a unit makes it clear.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const BARE = /^\d+(?:\.\d+)?$/;

/** What a bare number means: seconds, milliseconds, or nothing (refused). */
export type BareNumber = 's' | 'ms' | 'refuse';

/** True for a duration with units (`30s`, `1m30s`, `500ms`). */
export function isDuration(text: string): boolean {
  return WHOLE.test(text.trim());
}

/** Milliseconds of a duration with units; NaN when it is not one (k6's duration strings). */
export function durationMs(text: string): number {
  const t = text.trim();
  if (!WHOLE.test(t)) return Number.NaN;
  let total = 0;
  for (const m of t.matchAll(PART)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return total;
}

/** Milliseconds of a duration (a string, or a number in the `bare` unit); null when it is not one. */
export function parseDuration(value: unknown, bare: BareNumber): number | null {
  if (typeof value === 'number') {
    if (bare === 'refuse' || !Number.isFinite(value) || value < 0) return null;
    return Math.round(bare === 's' ? value * 1000 : value);
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (BARE.test(text)) return bare === 'refuse' ? null : Math.round(Number(text) * (bare === 's' ? 1000 : 1));
  const ms = durationMs(text);
  return Number.isNaN(ms) ? null : Math.round(ms);
}

/** `250` → `250ms`, `1500` → `1.5s`, `90000` → `1m30s`, `3600000` → `1h`: valid input for parseDuration and k6. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms - h * 3_600_000) / 60_000);
  const s = Number(((ms - h * 3_600_000 - m * 60_000) / 1000).toFixed(3));
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/**
 * A duration flag as the user typed it: milliseconds, or the one line that says what is
 * wrong (naming the flag). `bare: 's'` (the default): a bare number is seconds; `'refuse'`:
 * a bare number needs a unit (flags that took milliseconds before the rule).
 */
export function readDurationFlag(
  flag: string,
  text: string,
  o: { bare?: 's' | 'refuse'; example: string; allowZero?: boolean },
): { ms: number } | { problem: string } {
  const bare = o.bare ?? 's';
  const ms = parseDuration(text, bare);
  if (ms === null) {
    const t = text.trim();
    if (bare === 'refuse' && BARE.test(t))
      return { problem: `${flag} ${t} needs a unit: write ${t}ms or ${t}s (e.g. ${flag} ${o.example})` };
    return {
      problem: `${flag} must be a duration such as 30s, 2m or 1m30s${bare === 's' ? ' (a bare number is seconds)' : ''}, e.g. ${flag} ${o.example}; got '${text}'`,
    };
  }
  if (ms === 0 && !o.allowZero) return { problem: `${flag} must be longer than 0, e.g. ${flag} ${o.example}` };
  return { ms };
}
