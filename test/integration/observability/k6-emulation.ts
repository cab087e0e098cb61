/**
 * Without a k6 binary: real HTTP requests against the demo service (the same user flow as
 * scripts/stress.ts), recorded into k6-shaped series (test/support/k6-shape.ts) and
 * pushed by our remote-write code every second, as k6 would push them.
 */

import { pushSeries } from '../../../lib/observability/remote-write.js';
import { K6ShapedMetrics } from '../../support/k6-shape.js';

export interface EmulatedRun {
  testid: string;
  nativeHistograms: boolean;
  trendStats?: string[];
  baseUrl: string;
  remoteWriteUrl: string;
  durationMs: number;
  vus: number;
  scenario?: string;
}

export async function emulateK6Run(o: EmulatedRun): Promise<{ requests: number }> {
  const scenario = o.scenario ?? 'stress';
  const m = new K6ShapedMetrics({
    testid: o.testid,
    nativeHistograms: o.nativeHistograms,
    trendStats: o.trendStats,
    scenarioTags: { profile: scenario },
  });
  let requests = 0;
  const call = async (
    method: string,
    route: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    expect = [200],
  ) => {
    const t0 = performance.now();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`${o.baseUrl}${path}`, {
      method,
      body: payload,
      headers: payload ? { 'content-type': 'application/json', ...headers } : headers,
    });
    const text = await res.text();
    const seconds = (performance.now() - t0) / 1000;
    requests++;
    const name = `${method} ${route}`;
    const expected = res.status >= 200 && res.status < 400;
    m.httpRequest({
      scenario,
      name,
      method,
      status: res.status,
      durationSeconds: seconds,
      expected,
      sentBytes: 120 + (payload?.length ?? 0),
      receivedBytes: 150 + text.length,
    });
    m.check(scenario, name, `${name} is ${expect.join(' or ')}`, expect.includes(res.status));
    try {
      return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
    } catch {
      return { status: res.status, json: {} as Record<string, unknown> };
    }
  };
  const end = Date.now() + o.durationMs;
  let pushing = Promise.resolve();
  const push = () => {
    pushing = pushing.then(() => pushSeries(o.remoteWriteUrl, m.series(Date.now())));
    return pushing;
  };
  const timer = setInterval(() => void push().catch(() => {}), 1000);
  let active = 0;
  const vu = async (id: number) => {
    let i = 0;
    while (Date.now() < end && i < 10_000) {
      const t0 = performance.now();
      active++;
      m.vus(active, o.vus);
      const list = await call('GET', '/items', '/items');
      const items = (list.json.items as Array<{ id: string; stock: number }> | undefined) ?? [];
      const item = items.find((x) => x.stock > 0);
      if (item) {
        const r = await call(
          'POST',
          '/reservations',
          '/reservations',
          { itemId: item.id, qty: 1 },
          { 'Idempotency-Key': `${o.testid}-${id}-${i}` },
          [201],
        );
        const rid = r.json.id as string | undefined;
        if (rid) {
          await call('POST', '/reservations/:id/confirm', `/reservations/${encodeURIComponent(rid)}/confirm`);
          await call('GET', '/reservations/:id', `/reservations/${encodeURIComponent(rid)}`);
        }
      }
      active--;
      m.iteration(scenario, (performance.now() - t0) / 1000);
      i++;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.vus }, (_, i) => vu(i)));
    m.vus(0, o.vus);
  } finally {
    clearInterval(timer);
    await push();
  }
  return { requests };
}
