/**
 * Ids the two sides generate on their own (a new reservation's id) differ by nature. The
 * IdMap learns, from each pair of answers, primary id → mirror id for the fields named (e.g.
 * `id`), and rewrites later mirrored requests (path segments, JSON string values) so the
 * mirror is asked about its own object. Bounded: the oldest pairs are forgotten. Pure.
 */
import { parseJson } from './compare.js';

export class IdMap {
  private readonly map = new Map<string, string>();

  constructor(
    private readonly fields: ReadonlySet<string>,
    private readonly max = 100_000,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Walk both answers in step; record every named field whose values differ. */
  learn(primary: unknown, mirror: unknown): void {
    if (Array.isArray(primary) && Array.isArray(mirror)) {
      const n = Math.min(primary.length, mirror.length);
      for (let i = 0; i < n; i++) this.learn(primary[i], mirror[i]);
      return;
    }
    if (!primary || !mirror || typeof primary !== 'object' || typeof mirror !== 'object') return;
    for (const [k, pv] of Object.entries(primary as Record<string, unknown>)) {
      const mv = (mirror as Record<string, unknown>)[k];
      if (this.fields.has(k) && (typeof pv === 'string' || typeof pv === 'number') && (typeof mv === 'string' || typeof mv === 'number')) {
        if (String(pv) !== String(mv)) this.remember(String(pv), String(mv));
      } else this.learn(pv, mv);
    }
  }

  private remember(p: string, m: string): void {
    if (this.map.has(p)) this.map.delete(p);
    this.map.set(p, m);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }

  /** Do these two values correspond (equal, or a learned pair)? */
  same(primary: unknown, mirror: unknown): boolean {
    return (typeof primary === 'string' || typeof primary === 'number') && this.map.get(String(primary)) === String(mirror);
  }

  /** `/reservations/<primary id>/confirm` → `/reservations/<mirror id>/confirm` (query kept). */
  rewritePath(url: string): string {
    if (this.map.size === 0) return url;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rest = q === -1 ? '' : url.slice(q);
    return (
      path
        .split('/')
        .map((seg) => {
          const m = this.map.get(decodeURIComponent(seg));
          return m === undefined ? seg : encodeURIComponent(m);
        })
        .join('/') + rest
    );
  }

  /** JSON body: string (or number) values that are learned primary ids become mirror ids. */
  rewriteBody(body: Buffer, contentType: string | undefined): Buffer {
    const doc = this.map.size === 0 ? undefined : parseJson({ status: 0, body, contentType });
    if (doc === undefined) return body;
    let changed = false;
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      if (typeof v === 'string' || typeof v === 'number') {
        const m = this.map.get(String(v));
        if (m !== undefined) {
          changed = true;
          return typeof v === 'number' && /^-?\d+(\.\d+)?$/.test(m) ? Number(m) : m;
        }
      }
      return v;
    };
    const out = walk(doc);
    return changed ? Buffer.from(JSON.stringify(out)) : body;
  }
}
