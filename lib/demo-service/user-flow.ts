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

export async function runUserFlow(baseUrl: string, n: number, idempotencyPrefix: string): Promise<FlowStep[]> {
  const steps: FlowStep[] = [];
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json', ...headers } : headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    steps.push({ request: `${method} ${path}`, status: res.status, ms: performance.now() - t0 });
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
