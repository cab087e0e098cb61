/**
 * Prometheus's HTTP API for tests: one GET helper and the instant-query shape every test
 * reads. A query Prometheus rejects fails the test with its error, never an empty result.
 */
import { request } from 'undici';

export interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
  histogram?: [number, { count: string; sum: string; buckets?: unknown[] }];
}

export interface PromReply {
  status: string;
  error?: string;
  data: unknown;
}

/** GET `<base><path>?<params>` (repeated keys for array values); the parsed reply. */
export async function promGet(base: string, path: string, params: Record<string, string | string[]>): Promise<PromReply> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) qs.append(k, x);
  const res = await request(`${base}${path}?${qs}`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  return (await res.body.json()) as PromReply;
}

/** An instant query (at `timeSec` when given); throws with Prometheus's error when it fails. */
export async function promQuery(base: string, query: string, timeSec?: number): Promise<PromSeries[]> {
  const r = await promGet(base, '/api/v1/query', { query, ...(timeSec === undefined ? {} : { time: String(timeSec) }) });
  if (r.status !== 'success') throw new Error(`Prometheus rejected ${query}: ${r.error}`);
  return (r.data as { result: PromSeries[] }).result;
}

/** The value of the first series of an instant query, null when there is none. */
export async function promValue(base: string, query: string): Promise<number | null> {
  const v = (await promQuery(base, query))[0]?.value?.[1];
  return v === undefined ? null : Number(v);
}
