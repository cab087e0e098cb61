/**
 * One user's flow against the demo service over HTTP — list the items, reserve one, read the
 * reservation back, confirm it, list again — as a client would run it (used by the demo's
 * mirror step and by tests). Returns each request's status and latency.
 */
import { performance } from 'node:perf_hooks';

export interface FlowStep {
  request: string;
  status: number;
  ms: number;
}

/** One request of a flow as the client saw it: status 0 when no answer came (refused, reset, timed out). */
export interface FlowRequest {
  request: string;
  /** Epoch ms when it was sent and when its answer (or failure) arrived. */
  sentMs: number;
  doneMs: number;
  status: number;
  /** Why no answer came (e.g. ECONNREFUSED, TIMEOUT), when status is 0. */
  error?: string;
}

export interface UserFlowOptions {
  /** Called for every request, answered or not (a drill counts the failed ones too). */
  onRequest?: (r: FlowRequest) => void;
  /** Give up on a request after this long (it then fails with TIMEOUT). */
  timeoutMs?: number;
}

export async function runUserFlow(baseUrl: string, n: number, idempotencyPrefix: string, o: UserFlowOptions = {}): Promise<FlowStep[]> {
  const steps: FlowStep[] = [];
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const t0 = performance.now();
    const sentMs = Date.now();
    const request = `${method} ${path}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json', ...headers } : headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: o.timeoutMs ? AbortSignal.timeout(o.timeoutMs) : undefined,
      });
      text = await res.text();
    } catch (err) {
      o.onRequest?.({ request, sentMs, doneMs: Date.now(), status: 0, error: fetchErrorKind(err) });
      throw err;
    }
    o.onRequest?.({ request, sentMs, doneMs: Date.now(), status: res.status });
    steps.push({ request, status: res.status, ms: performance.now() - t0 });
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const { items } = (await call('GET', '/items')) as { items?: Array<{ id: string }> };
  const item = items?.[n % items.length]?.id ?? 'item-001';
  const r = await call('POST', '/reservations', { itemId: item, qty: 1 }, { 'Idempotency-Key': `${idempotencyPrefix}-${n}` });
  if (typeof r.id === 'string') {
    await call('GET', `/reservations/${r.id}`);
    await call('POST', `/reservations/${r.id}/confirm`);
  }
  await call('GET', '/items');
  return steps;
}

/** A short name for why a request got no answer: the socket error code, or TIMEOUT. */
function fetchErrorKind(err: unknown): string {
  const e = err as Error & { cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'TIMEOUT';
  return e.cause?.code ?? e.name ?? 'ERROR';
}
