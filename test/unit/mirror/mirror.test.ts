import { describe, expect, it } from 'vitest';
import { compareResponses, formatMirror, IdMap, MAX_DIFF_PATHS, MirrorStats, mirrorJson, routeOf } from '../../../lib/mirror/index.js';

const json = (status: number, doc: unknown) => ({ status, body: Buffer.from(JSON.stringify(doc)), contentType: 'application/json' });
const none = { ignoreFields: new Set<string>() };

describe('mirror: comparing answers', () => {
  it('matches JSON regardless of key order and names the differing path', () => {
    expect(compareResponses(json(200, { a: 1, b: [1, 2] }), json(200, { b: [1, 2], a: 1 }), none)).toEqual({ kind: 'match' });
    expect(compareResponses(json(200, { items: [{ stock: 5 }] }), json(200, { items: [{ stock: 4 }] }), none)).toEqual({
      kind: 'body',
      paths: [{ path: '$.items[0].stock', primary: '5', mirror: '4' }],
      morePaths: 0,
    });
    expect(compareResponses(json(200, {}), json(503, {}), none)).toEqual({ kind: 'status', primary: 200, mirror: 503 });
    expect(compareResponses({ status: 200, body: Buffer.from('ok') }, { status: 200, body: Buffer.from('OK') }, none)).toMatchObject({
      kind: 'body',
      paths: [{ path: '(raw body)' }],
    });
  });

  it('names every differing path, up to a limit, and counts the rest', () => {
    const items = (stocks: number[]) => ({ items: stocks.map((stock, i) => ({ id: `item-${i}`, stock })), total: stocks.length });
    expect(compareResponses(json(200, items([5, 5, 5, 5])), json(200, items([5, 4, 5, 3])), none)).toEqual({
      kind: 'body',
      paths: [
        { path: '$.items[1].stock', primary: '5', mirror: '4' },
        { path: '$.items[3].stock', primary: '5', mirror: '3' },
      ],
      morePaths: 0,
    });
    const many = compareResponses(json(200, items(Array(14).fill(1))), json(200, items(Array(14).fill(2))), none);
    expect(many).toMatchObject({ kind: 'body', morePaths: 14 - MAX_DIFF_PATHS });
    expect(many.kind === 'body' && many.paths.map((p) => p.path)).toEqual(
      Array.from({ length: MAX_DIFF_PATHS }, (_, i) => `$.items[${i}].stock`),
    );
    // a shorter array: its length and every common element that differs
    expect(compareResponses(json(200, { a: [1, 2, 3] }), json(200, { a: [1, 9] }), none)).toMatchObject({
      paths: [{ path: '$.a.length' }, { path: '$.a[1]' }],
    });
  });

  it('ignores the named fields at any depth', () => {
    const o = { ignoreFields: new Set(['createdAt']) };
    expect(compareResponses(json(201, { r: { createdAt: 1, qty: 2 } }), json(201, { r: { createdAt: 9, qty: 2 } }), o).kind).toBe('match');
  });

  it('learns ids each side made up, treats them as equal and rewrites later requests', () => {
    const ids = new IdMap(new Set(['id']));
    ids.learn({ reservation: { id: 'p1', qty: 1 } }, { reservation: { id: 'm1', qty: 1 } });
    expect(ids.same('p1', 'm1')).toBe(true);
    expect(ids.same('p1', 'm2')).toBe(false);
    expect(ids.rewritePath('/reservations/p1/confirm?x=p1')).toBe('/reservations/m1/confirm?x=p1');
    expect(ids.rewriteBody(Buffer.from('{"reservationId":"p1","n":[ "p1" ]}'), 'application/json').toString()).toBe(
      '{"reservationId":"m1","n":["m1"]}',
    );
    const untouched = Buffer.from('{"x":"other"}');
    expect(ids.rewriteBody(untouched, 'application/json')).toBe(untouched);
    const o = { ignoreFields: new Set<string>(), sameId: (a: unknown, b: unknown) => ids.same(a, b) };
    expect(compareResponses(json(200, { owner: 'p1' }), json(200, { owner: 'm1' }), o).kind).toBe('match');
  });

  it('forgets the oldest ids beyond its bound', () => {
    const ids = new IdMap(new Set(['id']), 2);
    for (const n of [1, 2, 3]) ids.learn({ id: `p${n}` }, { id: `m${n}` });
    expect(ids.size).toBe(2);
    expect(ids.same('p1', 'm1')).toBe(false);
    expect(ids.same('p3', 'm3')).toBe(true);
  });
});

describe('mirror: the report', () => {
  it('folds ids in routes so the table stays small', () => {
    expect(routeOf('GET', '/reservations/9f8e7d6c5b4a3921/confirm?x=1')).toBe('GET /reservations/:id/confirm');
    expect(routeOf('GET', '/items/42')).toBe('GET /items/:id');
    expect(routeOf('GET', '/items')).toBe('GET /items');
  });

  it('counts errors per side and differences by kind; values only when asked', () => {
    const s = new MirrorStats(5);
    s.primary('GET /items', 200, 800);
    s.mirror('GET /items', 200, 900, { kind: 'match' });
    s.primary('GET /items', 200, 700);
    s.mirror('GET /items', 503, 1200, { kind: 'status', primary: 200, mirror: 503 });
    s.primary('POST /x', 200, 700);
    s.mirror('POST /x', 200, 1000, { kind: 'body', paths: [{ path: '$.token', primary: '"s3cret"', mirror: '"other"' }], morePaths: 0 });
    s.primary('POST /x', 502, 10);
    s.dropped('POST /x');
    const t = s.totals();
    expect(t).toMatchObject({ requests: 4, primaryErrors: 1, mirrorErrors: 1, mirrored: 3, dropped: 1, matches: 1 });
    expect(t.mismatches).toEqual({ status: 1, body: 1, error: 0, timeout: 0 });
    const text = formatMirror(s, { showValues: false, seconds: 2 });
    expect(text).toContain('mirror: 4 requests in 2.0 s; errors primary 1, mirror 1; mirrored 3, dropped 1; 1 matched, 2 differed');
    expect(text).toContain('GET /items: 1× status 200 vs 503');
    expect(text).toContain('POST /x: 1× body differs at $.token');
    expect(text).not.toContain('s3cret');
    expect(JSON.stringify(mirrorJson(s, {}, false))).not.toContain('s3cret');
    expect(formatMirror(s, { showValues: true, seconds: 2 })).toContain('$.token ("s3cret" vs "other")');
  });

  it('lists each distinct difference once with how often it was seen, values of the first', () => {
    const s = new MirrorStats(2);
    const body = (mirror: string) => ({ kind: 'body' as const, paths: [{ path: '$.n', primary: '1', mirror }], morePaths: 0 });
    for (const m of ['2', '3', '4']) s.mirror('GET /a', 200, 900, body(m));
    s.mirror('GET /a', 503, 900, { kind: 'status', primary: 200, mirror: 503 });
    s.mirror('GET /a', 503, 900, { kind: 'status', primary: 200, mirror: 503 });
    s.mirror('GET /b', 0, 2_000_000, { kind: 'mirror-timeout' });
    const lines = formatMirror(s, { showValues: true, seconds: 1 }).split('\n');
    expect(lines.filter((l) => l.startsWith('  '))).toEqual([
      '  GET /a: 3× body differs at $.n (1 vs 2)',
      '  GET /a: 2× status 200 vs 503',
      '  ... and 1 answer(s) with other differences',
    ]);
    const doc = mirrorJson(s, {}, false) as { differences: unknown[]; otherDifferences: number };
    expect(doc.differences).toEqual([
      { route: 'GET /a', count: 3, kind: 'body', paths: [{ path: '$.n' }], morePaths: 0 },
      { route: 'GET /a', count: 2, kind: 'status', primary: 200, mirror: 503 },
    ]);
    expect(doc.otherDifferences).toBe(1);
  });
});
