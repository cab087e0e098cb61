/**
 * Is the mirror's answer the same as the primary's? (pure). Status first, then the body: JSON
 * compared structurally (key order free) with chosen fields ignored at any depth, anything
 * else byte for byte. Ids learned by an IdMap count as equal when they correspond.
 */

export interface Captured {
  status: number;
  body: Buffer;
  contentType?: string;
}

export type MirrorOutcome =
  | { kind: 'match' }
  | { kind: 'status'; primary: number; mirror: number }
  | { kind: 'body'; path: string; primary?: string; mirror?: string }
  | { kind: 'mirror-error'; error: string }
  | { kind: 'mirror-timeout' };

export interface CompareOptions {
  ignoreFields: ReadonlySet<string>;
  /** Primary value → mirror value of correlated ids (see IdMap). */
  sameId?: (primary: unknown, mirror: unknown) => boolean;
}

export function parseJson(c: Captured): unknown {
  if (c.body.length === 0) return undefined;
  if (c.contentType && !/json/i.test(c.contentType)) return undefined;
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

/** First path where two JSON values differ, or null when they are the same. */
export function jsonDiff(a: unknown, b: unknown, o: CompareOptions, path = '$'): { path: string; a: unknown; b: unknown } | null {
  if (a === b) return null;
  if (o.sameId?.(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return { path: `${path}.length`, a: a.length, b: b.length };
    for (let i = 0; i < a.length; i++) {
      const d = jsonDiff(a[i], b[i], o, `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (o.ignoreFields.has(k)) continue;
      const d = jsonDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], o, `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return { path, a, b };
}

export function compareResponses(primary: Captured, mirror: Captured, o: CompareOptions): MirrorOutcome {
  if (primary.status !== mirror.status) return { kind: 'status', primary: primary.status, mirror: mirror.status };
  const pa = parseJson(primary);
  const mb = parseJson(mirror);
  if (pa !== undefined && mb !== undefined) {
    const d = jsonDiff(pa, mb, o);
    return d ? { kind: 'body', path: d.path, primary: show(d.a), mirror: show(d.b) } : { kind: 'match' };
  }
  return primary.body.equals(mirror.body) ? { kind: 'match' } : { kind: 'body', path: '(raw body)' };
}
