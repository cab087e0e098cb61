/** Commander parsers shared by the commands: one line naming what is wrong and an example of this very flag. */
import { InvalidArgumentError } from 'commander';

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
