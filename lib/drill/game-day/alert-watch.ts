/**
 * Poll a Prometheus's alerts API into an AlertLog, and read its rules' `for:` and
 * evaluation intervals (the two settings that decide how fast an alert can fire).
 */
import { AlertLog, type AlertSnapshot } from './alert-log.js';

export interface RuleTiming {
  alert: string;
  forSeconds: number;
  evaluationIntervalSeconds: number;
}

export interface AlertWatch {
  log: AlertLog;
  /** Poll once more now (e.g. before reading the log at the end). */
  pollNow(): Promise<void>;
  stop(): Promise<void>;
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function alertSnapshot(prometheusUrl: string): Promise<AlertSnapshot[]> {
  const body = await getJson<{
    data: { alerts: Array<{ labels: Record<string, string>; state: string; activeAt?: string }> };
  }>(`${prometheusUrl}/api/v1/alerts`, 2000);
  return body.data.alerts
    .filter((a) => a.state === 'pending' || a.state === 'firing')
    .map((a) => ({
      name: a.labels.alertname ?? '?',
      labels: a.labels,
      state: a.state as 'pending' | 'firing',
      activeAtMs: a.activeAt ? Date.parse(a.activeAt) : null,
    }));
}

/** Every alerting rule's `for:` and its group's evaluation interval. */
export async function ruleTimings(prometheusUrl: string): Promise<RuleTiming[]> {
  const body = await getJson<{
    data: { groups: Array<{ interval: number; rules: Array<{ type: string; name: string; duration?: number }> }> };
  }>(`${prometheusUrl}/api/v1/rules?type=alert`, 5000);
  return body.data.groups.flatMap((g) =>
    g.rules
      .filter((r) => r.type === 'alerting')
      .map((r) => ({ alert: r.name, forSeconds: r.duration ?? 0, evaluationIntervalSeconds: g.interval })),
  );
}

/** Poll every `intervalMs` until stopped; a failed poll is reported once per kind of failure and skipped. */
export function watchAlerts(prometheusUrl: string, intervalMs: number, onError: (m: string) => void): AlertWatch {
  const log = new AlertLog();
  let stopped = false;
  let lastError = '';
  let running: Promise<void> = Promise.resolve();
  const poll = async () => {
    const atMs = Date.now();
    try {
      log.observe(await alertSnapshot(prometheusUrl), atMs);
    } catch (err) {
      const m = (err as Error).message;
      if (m !== lastError) onError(`alerts API: ${m}`);
      lastError = m;
    }
  };
  const loop = async () => {
    while (!stopped) {
      const t0 = Date.now();
      running = poll();
      await running;
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - t0))));
    }
  };
  void loop();
  return {
    log,
    pollNow: async () => {
      await running;
      await poll();
    },
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
