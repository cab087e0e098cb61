/**
 * Prometheus metrics of a mirror run (names from lib/core/metric-names.ts, every series
 * labelled `testid`): answers per side by route and status class (`none` = no answer), their
 * duration per side (until the answer, the failure or the mirror timeout), comparisons by
 * outcome (`match`, `status`, `body`, `mirror-error`, `mirror-timeout`) and dropped copies.
 * Fed by the proxy next to MirrorStats. When a route is first seen, its comparisons (every
 * outcome) and dropped copies start at 0: a clean run shows 0 differences instead of
 * "No data", and the first difference counts in increase().
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS, testidSeries as series, TESTID_LABEL } from '../core/metric-names.js';
import type { MirrorOutcome } from './compare.js';

/** Every comparison outcome (a Record, so a new outcome kind cannot be forgotten here). */
const OUTCOME_KINDS = Object.keys({
  match: true,
  status: true,
  body: true,
  'mirror-error': true,
  'mirror-timeout': true,
} satisfies Record<MirrorOutcome['kind'], true>);

const statusClass = (status: number) => (status === 0 ? 'none' : `${Math.floor(status / 100)}xx`);

export interface MirrorObserver {
  primary(route: string, status: number, us: number): void;
  mirror(route: string, status: number, us: number | undefined, outcome: MirrorOutcome): void;
  dropped(route: string): void;
}

export class MirrorMetrics implements MirrorObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<string>;
  private readonly duration: Histogram<string>;
  private readonly compared: Counter<string>;
  private readonly droppedTotal: Counter<string>;
  private readonly routes = new Set<string>();

  constructor(readonly testid: string) {
    const M = METRICS.mirror;
    const r = this.registry;
    this.requests = new Counter(
      series(r, M.requests, 'Answers by side (primary, mirror), route and status class (none = no answer)', ['side', 'route', 'status']),
    );
    this.duration = new Histogram({
      ...series(r, M.duration, 'Time to the whole answer (or to the failure, or the mirror timeout), by side', ['side']),
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.compared = new Counter(
      series(r, M.compared, 'Mirrored requests by route and comparison outcome (match, status, body, mirror-error, mirror-timeout)', [
        'route',
        'outcome',
      ]),
    );
    this.droppedTotal = new Counter(
      series(r, M.dropped, 'Requests not copied to the mirror (it was behind, or the body was too large)', ['route']),
    );
  }

  private seen(route: string): void {
    if (this.routes.has(route)) return;
    this.routes.add(route);
    for (const outcome of OUTCOME_KINDS) this.compared.inc({ [TESTID_LABEL]: this.testid, route, outcome }, 0);
    this.droppedTotal.inc({ [TESTID_LABEL]: this.testid, route }, 0);
  }

  primary(route: string, status: number, us: number): void {
    this.seen(route);
    this.requests.inc({ [TESTID_LABEL]: this.testid, side: 'primary', route, status: statusClass(status) });
    this.duration.observe({ [TESTID_LABEL]: this.testid, side: 'primary' }, us / 1e6);
  }

  mirror(route: string, status: number, us: number | undefined, outcome: MirrorOutcome): void {
    this.seen(route);
    this.requests.inc({ [TESTID_LABEL]: this.testid, side: 'mirror', route, status: statusClass(status) });
    if (us !== undefined) this.duration.observe({ [TESTID_LABEL]: this.testid, side: 'mirror' }, us / 1e6);
    this.compared.inc({ [TESTID_LABEL]: this.testid, route, outcome: outcome.kind });
  }

  dropped(route: string): void {
    this.seen(route);
    this.droppedTotal.inc({ [TESTID_LABEL]: this.testid, route });
  }
}
