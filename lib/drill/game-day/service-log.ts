/**
 * What the service's users saw during a drill, from the client side: every request's
 * outcome, the HTTP-level unavailability windows (first failed request → first success of a
 * request sent after it), the time to recover (fault → the success ratio back at its SLO
 * for a whole hold period) and the error budget spent. Pure: the caller passes epoch ms.
 */
import { type UnavailabilityWindow, WindowTracker } from '../../integrity/write/windows.js';

/** One request as the client saw it; status 0: no answer (refused, reset, timed out). */
export interface ServiceRequest {
  sentMs: number;
  doneMs: number;
  status: number;
  error?: string;
}

/** A request succeeded when it got an answer below 500 (4xx are the user's mistakes, not an outage). */
export function requestOk(r: Pick<ServiceRequest, 'status'>): boolean {
  return r.status > 0 && r.status < 500;
}

/** The error kind of a failed request: its status, or why no answer came. */
export function failureKind(r: ServiceRequest): string {
  return r.status === 0 ? (r.error ?? 'NO_ANSWER') : `HTTP_${r.status}`;
}

export class ServiceLog {
  private readonly tracker = new WindowTracker();
  /** Send times and outcomes, in completion order. */
  private readonly requests: Array<{ sentMs: number; doneMs: number; ok: boolean }> = [];
  ok = 0;
  failed = 0;

  record(r: ServiceRequest): UnavailabilityWindow | null {
    const ok = requestOk(r);
    this.requests.push({ sentMs: r.sentMs, doneMs: r.doneMs, ok });
    if (ok) {
      this.ok++;
      return this.tracker.success(r.sentMs, r.doneMs);
    }
    this.failed++;
    this.tracker.failure(r.sentMs, failureKind(r));
    return null;
  }

  get total(): number {
    return this.ok + this.failed;
  }

  get errors(): Record<string, number> {
    return { ...this.tracker.errorTotals };
  }

  windows(nowMs: number): UnavailabilityWindow[] {
    return this.tracker.windows(nowMs);
  }

  /** Requests sorted by send time. */
  sorted(): Array<{ sentMs: number; doneMs: number; ok: boolean }> {
    return this.requests.slice().sort((a, b) => a.sentMs - b.sentMs);
  }
}

/**
 * Fault → the start of the first period of `holdMs` whose requests (by send time) succeeded
 * at `slo` or better. A period starts at the fault, or at the good answer to a request sent
 * right after a failed one. Only periods the client covered completely count (a request sent
 * at or after the period's end); null when there is none yet; 0 when users never saw the fault.
 */
export function timeToRecoverMs(
  requests: Array<{ sentMs: number; doneMs: number; ok: boolean }>,
  faultAtMs: number,
  slo: number,
  holdMs: number,
): number | null {
  const after = requests.filter((r) => r.sentMs >= faultAtMs);
  const starts = [faultAtMs];
  for (let i = 0; i + 1 < after.length; i++) {
    const next = after[i + 1] as { doneMs: number; ok: boolean };
    if (!(after[i] as { ok: boolean }).ok && next.ok) starts.push(next.doneMs);
  }
  starts.sort((a, b) => a - b);
  for (const start of starts) {
    const end = start + holdMs;
    if (!after.some((r) => r.sentMs >= end)) return null;
    let ok = 0;
    let n = 0;
    for (const r of after) {
      if (r.sentMs < start || r.sentMs >= end) continue;
      n++;
      if (r.ok) ok++;
    }
    if (n > 0 && ok / n >= slo) return Math.round(start - faultAtMs);
  }
  return null;
}

/**
 * The share of the SLO period's error budget the failed requests used. The budget is
 * (1 - slo) × the requests the period would see at the drill's request rate
 * (total / loadMs × periodMs): failed / budget, 1 = the whole period's budget. Rounded to
 * 6 decimals (0.000001 = one millionth of the budget); null without requests.
 */
export function errorBudgetSpent(failed: number, total: number, slo: number, loadMs: number, periodMs: number): number | null {
  if (total === 0 || loadMs <= 0) return null;
  const budget = (1 - slo) * total * (periodMs / loadMs);
  return Math.round((failed / budget) * 1e6) / 1e6;
}
