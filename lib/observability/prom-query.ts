/** Prometheus' HTTP query API (instant and range queries, label values): one GET, the JSON answer. */
import { request } from 'undici';

export interface PromResponse {
  status: string;
  error?: string;
  data?: unknown;
}

export interface PromSeries {
  metric?: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
  histogram?: unknown;
  histograms?: unknown[];
}

/** GET `base + path` with the query parameters; an answer that is not JSON is a `status: 'error'` one (a failed connection rejects). */
export async function promGet(base: string, path: string, params: Record<string, string>, timeoutMs: number): Promise<PromResponse> {
  const res = await request(`${base}${path}?${new URLSearchParams(params)}`, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const text = await res.body.text();
  try {
    return JSON.parse(text) as PromResponse;
  } catch {
    return { status: 'error', error: `HTTP ${res.statusCode}: ${text.slice(0, 200)}` };
  }
}
