/**
 * A tiny route table: method + URL template (the same templates the k6 scenarios use as
 * their `name` tag) → handler key and path parameters. Pure.
 */
import { ROUTES } from '../k6/routes.js';

export type RouteKey = 'health' | 'metrics' | 'listItems' | 'reserve' | 'getReservation' | 'confirm';

export interface RouteDef {
  key: RouteKey;
  method: 'GET' | 'POST';
  template: string;
}

export const ROUTE_TABLE: RouteDef[] = [
  { key: 'health', method: 'GET', template: ROUTES.health },
  { key: 'metrics', method: 'GET', template: ROUTES.metrics },
  { key: 'listItems', method: 'GET', template: ROUTES.items },
  { key: 'reserve', method: 'POST', template: ROUTES.reservations },
  { key: 'getReservation', method: 'GET', template: ROUTES.reservation },
  { key: 'confirm', method: 'POST', template: ROUTES.confirm },
];

/** The `route` label of a request that matches no route template. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Every value the `route` label of the service's metrics can take. */
export function routeLabels(): string[] {
  return [...new Set(ROUTE_TABLE.map((r) => r.template)), UNMATCHED_ROUTE];
}

function compile(template: string): { re: RegExp; names: string[] } {
  const names: string[] = [];
  const src = template.replace(/:([A-Za-z_]\w*)/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { re: new RegExp(`^${src}/?$`), names };
}

const COMPILED = ROUTE_TABLE.map((r) => ({ ...r, ...compile(r.template) }));

export type Match =
  | { kind: 'route'; route: RouteDef; params: Record<string, string> }
  | { kind: 'method_not_allowed'; template: string; allow: string[] }
  | { kind: 'none' };

/** Match a request path (no query string) and method. */
export function matchRoute(method: string, path: string): Match {
  const allow: string[] = [];
  let template = '';
  for (const r of COMPILED) {
    const m = r.re.exec(path);
    if (!m) continue;
    if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
      allow.push(r.method);
      template = r.template;
      continue;
    }
    const params: Record<string, string> = {};
    let bad = false;
    r.names.forEach((n, i) => {
      try {
        params[n] = decodeURIComponent(m[i + 1] as string);
      } catch {
        bad = true;
      }
    });
    if (bad) continue;
    return { kind: 'route', route: r, params };
  }
  if (allow.length) return { kind: 'method_not_allowed', template, allow };
  return { kind: 'none' };
}
