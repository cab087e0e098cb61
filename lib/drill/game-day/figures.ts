/**
 * A game day's figures from what was recorded: time to detect (and by which alert), time to
 * recover, the HTTP unavailability, the error budget spent, the alert list with each rule's
 * `for:`, and the moments of the retrospective's timeline. Pure.
 */
import type { ServiceMeasurements } from '../checks.js';
import type { ReportAlert, ReportWindow, ServiceReport } from '../report/types.js';
import { type AlertRecord, firedAlertNames, timeToDetect } from './alert-log.js';
import type { RuleTiming } from './alert-watch.js';
import { errorBudgetSpent, timeToRecoverMs } from './service-log.js';

/** The service section of a runbook with every default filled in. */
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

export interface ServiceRecording {
  driver: 'user-flow' | 'k6';
  /** k6's exit, when k6 drove the load. */
  k6: { exitCode: number; meaning: string } | null;
  /** The service's base URL. */
  url: string;
  /** What the demo service talks to (e.g. `HAProxy 127.0.0.1:7001`), or null for --service-url. */
  redis: string | null;
  settings: ServiceSettings;
  /** Every request by send time. */
  requests: Array<{ sentMs: number; doneMs: number; ok: boolean }>;
  failed: number;
  errors: Record<string, number>;
  windows: ReportWindow[];
  alerts: AlertRecord[];
  /** The rules' `for:` and evaluation intervals; null when the alerts API could not be read at all. */
  rules: RuleTiming[] | null;
  faultAtMs: number | null;
  /** How long the load ran (ms). */
  loadMs: number;
}

export interface ServiceFigures {
  measurements: ServiceMeasurements;
  alerts: ReportAlert[];
  report: ServiceReport;
}

export function serviceFigures(r: ServiceRecording): ServiceFigures {
  const { settings } = r;
  const total = r.requests.length;
  const detect = timeToDetect(r.alerts, r.faultAtMs);
  const recoverMs = r.faultAtMs === null ? null : timeToRecoverMs(r.requests, r.faultAtMs, settings.slo, settings.recoverForMs);
  const after = r.faultAtMs === null ? [] : r.requests.filter((q) => q.sentMs >= (r.faultAtMs as number));
  const firstFailure = after.find((q) => !q.ok) ?? null;
  const firstGood = firstFailure ? (after.find((q) => q.ok && q.sentMs > firstFailure.sentMs) ?? null) : null;
  const forOf = new Map((r.rules ?? []).map((x) => [x.alert, x.forSeconds]));
  const alerts: ReportAlert[] = r.alerts.map((a) => ({ ...a, forSeconds: forOf.get(a.name) ?? null }));
  const unavailable = total === 0 ? null : Math.round(r.windows.reduce((a, w) => a + w.durationMs, 0));
  return {
    measurements: {
      serviceUnavailableMs: unavailable,
      timeToDetectMs: detect?.ms ?? null,
      detectedBy: detect?.alert ?? null,
      timeToRecoverMs: recoverMs,
      errorBudgetSpent: errorBudgetSpent(r.failed, total, settings.slo, r.loadMs, settings.sloPeriodMs),
      alertsFired: r.rules === null ? null : firedAlertNames(r.alerts),
    },
    alerts,
    report: {
      driver: r.driver,
      k6: r.k6,
      url: r.url,
      redis: r.redis,
      ratePerSecond: settings.rate,
      slo: settings.slo,
      sloPeriodMs: settings.sloPeriodMs,
      recoverForMs: settings.recoverForMs,
      evaluationIntervalMs: settings.evaluationIntervalMs,
      scrapeIntervalMs: settings.scrapeIntervalMs,
      alertPollIntervalMs: settings.pollIntervalMs,
      requests: total,
      failed: r.failed,
      errors: r.errors,
      windows: r.windows,
      firstFailureAtMs: firstFailure?.sentMs ?? null,
      firstGoodResponseAtMs: firstGood?.doneMs ?? null,
      recoveredAtMs: recoverMs === null || r.faultAtMs === null ? null : r.faultAtMs + recoverMs,
      faultAtMs: r.faultAtMs,
    },
  };
}
