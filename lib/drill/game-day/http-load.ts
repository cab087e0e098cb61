/**
 * The drill's service workload without k6: stormdrill's own user flow (the one the demo's
 * mirror step runs) started at a fixed rate of flows per second for as long as the drill
 * runs. Every request, answered or not, goes into the ServiceLog; a flow that hits a failed
 * request stops there, as a user would.
 */
import { type FlowRequest, runUserFlow } from '../../demo-service/user-flow.js';
import { requestOk, type ServiceLog } from './service-log.js';

export interface HttpLoadOptions {
  baseUrl: string;
  /** User flows started per second. */
  rate: number;
  /** Per-request timeout (a request without an answer after this fails with TIMEOUT). */
  timeoutMs: number;
  /** Idempotency keys start with this (the run id), so runs never share one. */
  idPrefix: string;
  /** At most this many flows at once; a start beyond it is counted as skipped. */
  maxInFlight?: number;
  onRequest?: (r: FlowRequest, ok: boolean) => void;
}

export interface HttpLoad {
  flows: number;
  skipped: number;
  stop(): Promise<void>;
}

export function startHttpLoad(o: HttpLoadOptions, log: ServiceLog): HttpLoad {
  const inFlight = new Set<Promise<unknown>>();
  const max = o.maxInFlight ?? 64;
  const state: HttpLoad = { flows: 0, skipped: 0, stop: async () => {} };
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
      if (inFlight.size >= max) {
        state.skipped++;
        continue;
      }
      state.flows++;
      const p = runUserFlow(o.baseUrl, n, o.idPrefix, {
        timeoutMs: o.timeoutMs,
        onRequest: (r) => {
          log.record(r);
          o.onRequest?.(r, requestOk(r));
        },
      })
        .catch(() => undefined)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    timer = setTimeout(tick, Math.max(1, t0 + n * periodMs - Date.now()));
  };
  tick();
  state.stop = async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await Promise.all([...inFlight]);
  };
  return state;
}
