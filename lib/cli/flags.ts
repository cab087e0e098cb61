/** Commander parsers shared by the commands: one line naming what is wrong and an example of this very flag. */
import { InvalidArgumentError } from 'commander';
import { formatDuration, readDurationFlag } from '../core/duration.js';

/** A whole-number flag in [min, max]; commander prefixes "option '--items <n>' argument '-1' is invalid." */
export function wholeNumber(flag: string, o: { min?: number; max?: number; example: string }): (v: string) => number {
  const min = o.min ?? 0;
  const max = o.max ?? Number.MAX_SAFE_INTEGER;
  const eg = `e.g. ${flag} ${o.example}`;
  return (v: string): number => {
    if (!/^\s*-?\d+\s*$/.test(v)) throw new InvalidArgumentError(`It must be a whole number, ${eg}`);
    const n = Number(v);
    if (n > max) throw new InvalidArgumentError(`It is too large: at most ${max}, ${eg}`);
    if (n < min) throw new InvalidArgumentError(`It must be ${min} or more, ${eg}`);
    return n;
  };
}

/**
 * A duration flag for commander (`30s`, `2m`, `1m30s`, `500ms`; a bare number is seconds, or
 * refused with `bare: 'refuse'`), returned in the unit the library takes.
 */
export function durationFlag(
  flag: string,
  o: { unit: 'ms' | 's'; example: string; bare?: 's' | 'refuse'; allowZero?: boolean },
): (v: string) => number {
  return (v: string): number => {
    const r = readDurationFlag(flag, v, o);
    if ('problem' in r) throw new InvalidArgumentError(r.problem);
    return o.unit === 's' ? r.ms / 1000 : r.ms;
  };
}

/** A duration flag handed on as a duration string (k6 takes those): a bare number (seconds) becomes one, `90` → `1m30s`. */
export function durationTextFlag(flag: string, example: string): (v: string) => string {
  const ms = durationFlag(flag, { unit: 'ms', example });
  return (v: string) => formatDuration(ms(v));
}

/**
 * For flags whose text the library checks with every other problem (k6's durations): a bare
 * number of seconds becomes a duration string (`90` → `1m30s`); anything else is handed on as is.
 */
export function bareSeconds(text: string | undefined): string | undefined {
  if (text === undefined || !/^\s*\d+(?:\.\d+)?\s*$/.test(text)) return text;
  return formatDuration(Number(text) * 1000);
}
