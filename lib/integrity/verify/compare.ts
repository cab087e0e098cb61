/** Pure comparison of one key on source and target (exported for unit tests). */
import type { KeyState } from './script.js';

export const CONFLICT_KINDS = ['type', 'value', 'missingOnTarget', 'missingOnSource', 'ttl'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export interface CompareSettings {
  /** TTLs differing by more than this are a `ttl` conflict. */
  ttlToleranceMs: number;
  /** A key that expires within this is never reported missing (it is about to go anyway). */
  ttlGraceMs: number;
  /** value: big keys (kind 1) need a chunked compare; length/keys: the states are final. */
  compare: 'value' | 'length' | 'keys';
}

/**
 * null: equal (or both gone); 'big': same type and length, compare in chunks;
 * otherwise the conflict kind.
 */
export function compareStates(src: KeyState, tgt: KeyState, s: CompareSettings): ConflictKind | 'big' | null {
  const srcGone = src.type === 'none';
  const tgtGone = tgt.type === 'none';
  if (srcGone && tgtGone) return null;
  if (srcGone) return tgt.pttl >= 0 && tgt.pttl <= s.ttlGraceMs ? null : 'missingOnSource';
  if (tgtGone) return src.pttl >= 0 && src.pttl <= s.ttlGraceMs ? null : 'missingOnTarget';
  if (src.type !== tgt.type) return 'type';
  if (src.kind !== tgt.kind || !payloadEqual(src.payload, tgt.payload)) return 'value';
  if (ttlConflict(src.pttl, tgt.pttl, s.ttlToleranceMs)) return 'ttl';
  if (src.kind === 1 && s.compare === 'value') return 'big';
  return null;
}

export function payloadEqual(a: Buffer | number, b: Buffer | number): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a.equals(b);
}

export function ttlConflict(a: number, b: number, toleranceMs: number): boolean {
  // one side without a TTL (-1) and the other with one is a conflict whatever the tolerance
  return a >= 0 !== b >= 0 || (a >= 0 && Math.abs(a - b) > toleranceMs);
}
