/**
 * The drill's service workload without k6: stormdrill's own user flow (the one the demo's
 * mirror step runs) started at a fixed rate of flows per second for as long as the drill
 * runs. Every request, answered or not, goes into the ServiceLog; a flow that hits a failed
 * request stops there, as a user would. At most 64 flows run at once; a start beyond that is
 * skipped.
 */
import { runUserFlow } from '../../demo-service/user-flow.js';
import type { ServiceLog } from './service-log.js';

const MAX_IN_FLIGHT = 64;

export interface HttpLoadOptions {
  baseUrl: string;
  /** User flows started per second. */
  rate: number;
  /** Per-request timeout (a request without an answer after this fails with TIMEOUT). */
  timeoutMs: number;
  /** Idempotency keys start with this (the run id), so runs never share one. */
  idPrefix: string;
}

export function startHttpLoad(o: HttpLoadOptions, log: ServiceLog): { stop(): Promise<void> } {
  const inFlight = new Set<Promise<unknown>>();
  const periodMs = 1000 / o.rate;
  const t0 = Date.now();
  let n = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    if (stopped) return;
    // start every flow that is due (a late timer catches up instead of lowering the rate)
    const due = Math.floor((Date.now() - t0) / periodMs) + 1;
    for (; n < due; n++) {
      if (inFlight.size >= MAX_IN_FLIGHT) continue;
      const p = runUserFlow(o.baseUrl, n, o.idPrefix, { timeoutMs: o.timeoutMs, onRequest: (r) => log.record(r) })
        .catch(() => undefined)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    timer = setTimeout(tick, Math.max(1, t0 + n * periodMs - Date.now()));
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([...inFlight]);
    },
  };
}
