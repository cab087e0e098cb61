import { readFileSync } from 'node:fs';

/** stormdrill's version from package.json (two folders up both from lib/core and from the built dist/cli). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
