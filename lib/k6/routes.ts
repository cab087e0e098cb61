/**
 * The demo service's routes as URL templates. The template (with the method) is the
 * request `name` tag, so metrics are grouped by route, never by raw URL (the raw `url`
 * label explodes Prometheus cardinality). Pure: the demo service (Node) uses the same
 * templates for its own `route` label.
 */

export const ROUTES = {
  health: '/healthz',
  items: '/items',
  reservations: '/reservations',
  reservation: '/reservations/:id',
  confirm: '/reservations/:id/confirm',
  metrics: '/metrics',
} as const;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The `name` tag of a request: `POST /reservations/:id/confirm`. */
export function routeName(method: HttpMethod, route: string): string {
  return `${method} ${route}`;
}

/**
 * The `name` tags of the requests the user flow sends (lib/k6/flow.ts); the scenarios
 * give each one its own `http_req_duration{name:<route>}` figures in the summary.
 */
export const FLOW_ROUTES: readonly string[] = [
  routeName('GET', ROUTES.items),
  routeName('POST', ROUTES.reservations),
  routeName('POST', ROUTES.confirm),
  routeName('GET', ROUTES.reservation),
];

/** Fill a template's `:param`s (URL-encoded). Throws when one is missing. */
export function fillRoute(route: string, params: Record<string, string | number> = {}): string {
  return route.replace(/:([A-Za-z_]\w*)/g, (_, key: string) => {
    const v = params[key];
    if (v === undefined) throw new Error(`route ${route}: missing parameter '${key}'`);
    return encodeURIComponent(String(v));
  });
}
