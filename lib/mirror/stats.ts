/**
 * What a mirror run saw, per route (pure): requests, errors per side (5xx or no answer),
 * mirrored/dropped, matches and mismatches by kind, latency per side, and the distinct
 * differences (route, kind, differing paths) with how often each was seen.
 * Routes are URL paths with id-like segments folded to `:id`, so the table stays small.
 */
import { LatencyHistogram } from '../core/stats/index.js';
import type { MirrorOutcome } from './compare.js';

/** `GET /reservations/9f8e7d6c5b4a3921/confirm?x=1` → `GET /reservations/:id/confirm`. */
export function routeOf(method: string, url: string): string {
  const path = url.split('?')[0] ?? '/';
  const folded = path
    .split('/')
    .map((seg) => (/^\d+$/.test(seg) || /^[0-9a-f-]{8,}$/i.test(seg) || /^[A-Za-z0-9_-]{20,}$/.test(seg) ? ':id' : seg))
    .join('/');
  return `${method} ${folded || '/'}`;
}

const COUNTS = ['requests', 'primaryErrors', 'mirrored', 'dropped', 'mirrorErrors', 'matches'] as const;
/** The mismatch counter of each kind of difference. */
const MISMATCH_OF = { status: 'status', body: 'body', 'mirror-error': 'error', 'mirror-timeout': 'timeout' } as const;

const zeroCounts = () => ({
  ...(Object.fromEntries(COUNTS.map((k) => [k, 0])) as Record<(typeof COUNTS)[number], number>),
  mismatches: { status: 0, body: 0, error: 0, timeout: 0 },
});
export type Counts = ReturnType<typeof zeroCounts>;

/** Answers that differed, of every kind. */
export const differedCount = (c: Counts): number => c.mismatches.status + c.mismatches.body + c.mismatches.error + c.mismatches.timeout;

export interface RouteStats extends Counts {
  primaryLatency: LatencyHistogram;
  mirrorLatency: LatencyHistogram;
}

export type Difference = Exclude<MirrorOutcome, { kind: 'match' }>;

/** One distinct difference: the first answer pair that showed it, and how many did. */
export interface SampleDiff {
  route: string;
  outcome: Difference;
  count: number;
}

/** What makes two differences the same: route, kind and where (values left out: they vary). */
function differenceKey(route: string, o: Difference): string {
  switch (o.kind) {
    case 'status':
      return `${route}\0status\0${o.primary}\0${o.mirror}`;
    case 'body':
      return `${route}\0body\0${o.paths.map((p) => p.path).join('\0')}\0${o.morePaths}`;
    case 'mirror-error':
      return `${route}\0error\0${o.error}`;
    default:
      return `${route}\0timeout`;
  }
}

export class MirrorStats {
  readonly routes = new Map<string, RouteStats>();
  /** Distinct differences in the order first seen, at most `maxSamples` of them. */
  readonly samples: SampleDiff[] = [];
  /** Answers that differed in a way not among `samples` (the list was full). */
  otherDifferences = 0;
  private readonly byKey = new Map<string, SampleDiff>();

  constructor(private readonly maxSamples = 10) {}

  private route(r: string): RouteStats {
    let s = this.routes.get(r);
    if (!s) {
      s = { ...zeroCounts(), primaryLatency: new LatencyHistogram(), mirrorLatency: new LatencyHistogram() };
      this.routes.set(r, s);
    }
    return s;
  }

  /** The primary answered (status 0 = no answer) after `us` microseconds. */
  primary(route: string, status: number, us: number): void {
    const s = this.route(route);
    s.requests++;
    if (status === 0 || status >= 500) s.primaryErrors++;
    s.primaryLatency.record(us);
  }

  dropped(route: string): void {
    this.route(route).dropped++;
  }

  /** The mirror's answer compared with the primary's; `us` = the mirror's latency. */
  mirror(route: string, mirrorStatus: number, us: number | undefined, outcome: MirrorOutcome): void {
    const s = this.route(route);
    s.mirrored++;
    if (mirrorStatus === 0 || mirrorStatus >= 500) s.mirrorErrors++;
    if (us !== undefined) s.mirrorLatency.record(us);
    if (outcome.kind === 'match') s.matches++;
    else {
      s.mismatches[MISMATCH_OF[outcome.kind]]++;
      const key = differenceKey(route, outcome);
      const seen = this.byKey.get(key);
      if (seen) seen.count++;
      else if (this.samples.length < this.maxSamples) {
        const d = { route, outcome, count: 1 };
        this.samples.push(d);
        this.byKey.set(key, d);
      } else this.otherDifferences++;
    }
  }

  totals(): Counts {
    const t = zeroCounts();
    for (const s of this.routes.values()) {
      for (const k of COUNTS) t[k] += s[k];
      for (const k of Object.values(MISMATCH_OF)) t.mismatches[k] += s.mismatches[k];
    }
    return t;
  }
}

const ms = (h: LatencyHistogram) => {
  const s = h.summaryMs();
  return s.count === 0 ? '-' : `${s.p50.toFixed(2)}/${s.p99.toFixed(2)}`;
};

function describe(o: Difference, showValues: boolean): string {
  switch (o.kind) {
    case 'status':
      return `status ${o.primary} vs ${o.mirror}`;
    case 'body': {
      const paths = o.paths.map((p) => (showValues && p.primary !== undefined ? `${p.path} (${p.primary} vs ${p.mirror})` : p.path));
      return `body differs at ${paths.join(', ')}${o.morePaths ? ` and ${o.morePaths} more path(s)` : ''}`;
    }
    case 'mirror-error':
      return `mirror failed: ${o.error}`;
    default:
      return 'mirror timed out';
  }
}

/** The end-of-run table, a totals line and the sample diffs. */
export function formatMirror(stats: MirrorStats, o: { showValues: boolean; seconds: number }): string {
  const rows = [...stats.routes.entries()].sort((a, b) => b[1].requests - a[1].requests);
  const head = [
    'route',
    'requests',
    'err primary',
    'err mirror',
    'mirrored',
    'dropped',
    'match',
    'mismatch',
    'p50/p99 ms primary',
    'mirror',
  ];
  const counts = (s: RouteStats) => [s.requests, s.primaryErrors, s.mirrorErrors, s.mirrored, s.dropped, s.matches, differedCount(s)];
  const table = [head, ...rows.map(([r, s]) => [r, ...counts(s).map(String), ms(s.primaryLatency), ms(s.mirrorLatency)])];
  const widths = head.map((_, i) => Math.max(...table.map((row) => (row[i] as string).length)));
  const lines = table.map((row) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '),
  );
  const t = stats.totals();
  const m = t.mismatches;
  lines.push(
    '',
    `mirror: ${t.requests} requests in ${o.seconds.toFixed(1)} s; errors primary ${t.primaryErrors}, mirror ${t.mirrorErrors}; ` +
      `mirrored ${t.mirrored}, dropped ${t.dropped}; ${t.matches} matched, ${differedCount(t)} differed ` +
      `(status ${m.status}, body ${m.body}, mirror failed ${m.error}, mirror timed out ${m.timeout})`,
  );
  if (stats.samples.length) {
    lines.push('differences (distinct, in the order first seen; how many answers showed each):');
    for (const s of stats.samples) lines.push(`  ${s.route}: ${s.count}× ${describe(s.outcome, o.showValues)}`);
    if (stats.otherDifferences) lines.push(`  ... and ${stats.otherDifferences} answer(s) with other differences`);
  }
  return `${lines.join('\n')}\n`;
}

/** The --json document. */
export function mirrorJson(stats: MirrorStats, meta: Record<string, unknown>, showValues: boolean): unknown {
  const strip = (o: Difference) =>
    o.kind === 'body' && !showValues ? { kind: o.kind, paths: o.paths.map((p) => ({ path: p.path })), morePaths: o.morePaths } : o;
  return {
    ...meta,
    totals: stats.totals(),
    routes: Object.fromEntries(
      [...stats.routes.entries()].map(([r, s]) => [
        r,
        {
          requests: s.requests,
          primaryErrors: s.primaryErrors,
          mirrorErrors: s.mirrorErrors,
          mirrored: s.mirrored,
          dropped: s.dropped,
          matches: s.matches,
          mismatches: s.mismatches,
          primaryLatencyMs: s.primaryLatency.summaryMs(),
          mirrorLatencyMs: s.mirrorLatency.summaryMs(),
        },
      ]),
    ),
    differences: stats.samples.map((s) => ({ route: s.route, count: s.count, ...strip(s.outcome) })),
    otherDifferences: stats.otherDifferences,
  };
}
