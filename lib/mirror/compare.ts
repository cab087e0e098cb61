/**
 * Is the mirror's answer the same as the primary's? (pure). Status first, then the body: JSON
 * compared structurally (key order free) with chosen fields ignored at any depth, anything
 * else byte for byte. Ids learned by an IdMap count as equal when they correspond. A body
 * difference names every differing JSON path, up to a limit.
 */

export interface Captured {
  status: number;
  body: Buffer;
  contentType?: string;
}

export type MirrorOutcome =
  | { kind: 'match' }
  | { kind: 'status'; primary: number; mirror: number }
  | { kind: 'body'; paths: PathDiff[]; morePaths: number }
  | { kind: 'mirror-error'; error: string }
  | { kind: 'mirror-timeout' };

/** One JSON path where the bodies differ (`(raw body)` for non-JSON), with both values shown short. */
export interface PathDiff {
  path: string;
  primary?: string;
  mirror?: string;
}

/** How many differing paths a body difference lists (the rest are counted). */
export const MAX_DIFF_PATHS = 10;

export interface CompareOptions {
  ignoreFields: ReadonlySet<string>;
  /** Primary value → mirror value of correlated ids (see IdMap). */
  sameId?: (primary: unknown, mirror: unknown) => boolean;
}

export function parseJson(c: Captured): unknown {
  if (c.body.length === 0 || (c.contentType && !/json/i.test(c.contentType))) return undefined;
  try {
    return JSON.parse(c.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

const show = (v: unknown) => {
  const s = v === undefined ? '(absent)' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Every path where two JSON values differ, in document order (keys sorted); empty when they are the same. */
export function jsonDiffs(
  a: unknown,
  b: unknown,
  o: CompareOptions,
  path = '$',
  out: Array<{ path: string; a: unknown; b: unknown }> = [],
) {
  if (a === b || o.sameId?.(a, b)) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push({ path: `${path}.length`, a: a.length, b: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) jsonDiffs(a[i], b[i], o, `${path}[${i}]`, out);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (o.ignoreFields.has(k)) continue;
      jsonDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], o, `${path}.${k}`, out);
    }
    return out;
  }
  out.push({ path, a, b });
  return out;
}

export function compareResponses(primary: Captured, mirror: Captured, o: CompareOptions): MirrorOutcome {
  if (primary.status !== mirror.status) return { kind: 'status', primary: primary.status, mirror: mirror.status };
  const pa = parseJson(primary);
  const mb = parseJson(mirror);
  if (pa !== undefined && mb !== undefined) {
    const d = jsonDiffs(pa, mb, o);
    if (d.length === 0) return { kind: 'match' };
    return {
      kind: 'body',
      paths: d.slice(0, MAX_DIFF_PATHS).map((x) => ({ path: x.path, primary: show(x.a), mirror: show(x.b) })),
      morePaths: Math.max(0, d.length - MAX_DIFF_PATHS),
    };
  }
  return primary.body.equals(mirror.body) ? { kind: 'match' } : { kind: 'body', paths: [{ path: '(raw body)' }], morePaths: 0 };
}
