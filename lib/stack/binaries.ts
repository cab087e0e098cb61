import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MissingBinaryError } from '../core/errors.js';

/** Which Debian package ships each program the local stack runs. */
export const BINARY_PACKAGES = {
  'redis-server': 'redis-server',
  'redis-sentinel': 'redis-sentinel',
  'redis-cli': 'redis-tools',
  'redis-benchmark': 'redis-tools',
  prometheus: 'prometheus',
  promtool: 'prometheus',
  haproxy: 'haproxy',
  'prometheus-redis-exporter': 'prometheus-redis-exporter',
  'docker-compose': 'docker-compose',
} as const;

export type KnownBinary = keyof typeof BINARY_PACKAGES;

const SEARCH_EXTRA = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Absolute path of `name` on PATH (plus the sbin dirs), or null. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SEARCH_EXTRA].filter(Boolean);
  for (const dir of dirs) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Path of a required program, or a MissingBinaryError naming the package to install. */
export function requireBinary(name: KnownBinary): string {
  const p = findBinary(name);
  if (!p) throw new MissingBinaryError(name, BINARY_PACKAGES[name]);
  return p;
}
