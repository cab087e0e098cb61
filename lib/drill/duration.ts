/**
 * Durations in runbooks, read by the one duration parser (lib/core/duration.ts): `250ms`,
 * `2s`, `1m30s`, or a bare YAML number of milliseconds. Pure.
 */
import { parseDuration as parseAny } from '../core/duration.js';

export { formatDuration } from '../core/duration.js';

/** Milliseconds of a runbook duration, or null when it is not one. */
export function parseDuration(value: unknown): number | null {
  return parseAny(value, 'ms');
}
