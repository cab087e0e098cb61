/** What a drill's service workload holds while it runs (lib/drill/run/service.ts starts it; the run state keeps it). */
import type { PrometheusNode } from '../../stack/prometheus.js';
import type { AlertWatch, RuleTiming } from '../game-day/alert-watch.js';
import type { ServiceLog } from '../game-day/service-log.js';

export interface ServiceSettings {
  rate: number;
  slo: number;
  sloPeriodMs: number;
  recoverForMs: number;
  recoverTimeoutMs: number;
  requestTimeoutMs: number;
  evaluationIntervalMs: number;
  scrapeIntervalMs: number;
  pollIntervalMs: number;
}

export interface ServiceRun {
  settings: ServiceSettings;
  driver: 'user-flow' | 'k6';
  /** The service's base URL. */
  url: string;
  /** What the demo service talks to (e.g. `HAProxy 127.0.0.1:7001`), or null for --service-url. */
  redis: string | null;
  prometheus: PrometheusNode;
  log: ServiceLog;
  alerts: AlertWatch;
  /** The rules' `for:` and evaluation intervals; null when they could not be read. */
  rules: RuleTiming[] | null;
  /** The running load (stormdrill's user flow or k6), null once stopped. */
  load: { stop(): Promise<void> } | null;
  /** k6's exit, when k6 drove the load. */
  k6: { exitCode: number; meaning: string } | null;
  startedAtMs: number;
  stoppedAtMs: number | null;
  /** Processes to stop at the end, in start order. */
  parts: Array<{ stop(): Promise<void> }>;
}
