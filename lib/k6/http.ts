/**
 * Request helpers for k6: every request carries a route `name` tag (the URL template),
 * marks which statuses are expected (so `http_req_failed` counts only real failures), and
 * runs readable checks named after the route.
 */
import { check } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { fillRoute, type HttpMethod, routeName } from './routes.ts';

export type Response = RefinedResponse<ResponseType | undefined>;

export interface RouteRequest {
  method: HttpMethod;
  /** URL template such as `/reservations/:id`. */
  route: string;
  params?: Record<string, string | number>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Statuses that count as success; default [200]. */
  expect?: number[];
  /** Request timeout, e.g. `10s`. */
  timeout?: string;
}

export type Checks = Record<string, (res: Response) => boolean>;

/** The response body as JSON, or undefined when it is not JSON. */
export function json<T = Record<string, unknown>>(res: Response): T | undefined {
  try {
    return res.json() as unknown as T;
  } catch {
    return undefined;
  }
}

export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly defaults: { timeout?: string; headers?: Record<string, string> } = {},
  ) {}

  /** Send one request, tagged with its route name. */
  request(r: RouteRequest): Response {
    const name = routeName(r.method, r.route);
    const headers: Record<string, string> = { ...(this.defaults.headers ?? {}), ...(r.headers ?? {}) };
    let body: string | null = null;
    if (r.body !== undefined) {
      body = JSON.stringify(r.body);
      headers['Content-Type'] = 'application/json';
    }
    return http.request(r.method, `${this.baseUrl}${fillRoute(r.route, r.params)}`, body, {
      headers,
      tags: { name },
      responseCallback: http.expectedStatuses(...(r.expect ?? [200])),
      timeout: r.timeout ?? this.defaults.timeout ?? '10s',
    });
  }

  /**
   * Send a request and check it: `<route name> is <status>` plus the extra checks, each
   * named `<route name>: <check>`. Extra checks run only when the status was expected.
   */
  call(r: RouteRequest, extra: Checks = {}): { res: Response; ok: boolean } {
    const res = this.request(r);
    const name = routeName(r.method, r.route);
    const expect = r.expect ?? [200];
    const statusOk = expect.includes(res.status);
    const sets: Checks = { [`${name} is ${expect.join('|')}`]: () => statusOk };
    if (statusOk) for (const [label, fn] of Object.entries(extra)) sets[`${name}: ${label}`] = fn;
    const ok = check(res, sets, { name });
    return { res, ok };
  }
}
