/**
 * Check verdicts. Pure: the runner measures, this decides. Every check of the runbook
 * becomes one `{name, ok, limit, measured}`; a check whose figure could not be measured
 * (e.g. acked loss without a workload) fails with a reason instead of passing silently.
 */

import { formatDuration } from '../core/duration.js';
import { type CheckResult, notMeasured } from './check-result.js';
import { type LagMeasurements, lagChecks } from './lag-checks.js';
import { type ChecksSection, WRITE_STEPS_ACKED } from './schema.js';

export type { CheckResult };

export interface VerifyOutcome {
  ok: boolean;
  /** Replicas compared with the primary. */
  replicas: number;
  /** Keys compared on the primary. */
  keys: number;
  conflicts: number;
  detail: string;
}

/** What a drill measured (null: not measured in this drill). */
export interface DrillMeasurements {
  writeUnavailableMs: number | null;
  readUnavailableMs: number | null;
  ackedLost: number | null;
  /** Writes the write steps had acknowledged, summed (null: no write step ran). */
  writeStepsAcked?: number | null;
  verify: VerifyOutcome | null;
  /** sync_full increase over the drill, summed over every node that stayed up. */
  fullSyncs: number | null;
  /** LOADING errors seen by the workload (and counted by the servers). */
  loadingErrors: number;
  /** From the first fault to the new primary, in seconds; null when no failover happened. */
  failoverSeconds: number | null;
  primaryChanged: boolean;
  clusterStateOk: boolean | null;
  oomErrors: number | null;
  evictions: number | null;
  /** The service workload's figures (game day); absent without one. */
  service?: ServiceMeasurements;
  /** Partition drills: the cut, the lag setting, the old primary's refusal, the acknowledgements over time. */
  lag?: LagMeasurements;
}

/** What the service workload measured; null figures could not be measured (see each check's detail). */
export interface ServiceMeasurements {
  /** HTTP-level unavailability the service's users saw, in total. */
  serviceUnavailableMs: number | null;
  /** Fault → the first alert firing, and which alert (the first to fire after the fault). */
  timeToDetectMs: number | null;
  detectedBy: string | null;
  /** Fault → the service's success ratio back at its SLO for service.recoverForMs. */
  timeToRecoverMs: number | null;
  /** Failed requests / the error budget of the SLO period at the drill's request rate; 1 = all of it. */
  errorBudgetSpent: number | null;
  /** Names of the alerts that fired during the drill (null: the alerts could not be read). */
  alertsFired: string[] | null;
}

export function evaluateChecks(checks: ChecksSection, m: DrillMeasurements): CheckResult[] {
  const out: CheckResult[] = [];
  /** A max-unavailability check: total ms of failed `what` (writes/reads) against `maxMs`. */
  const unavailability = (name: string, maxMs: number, measuredMs: number | null, missing: string, what: string): CheckResult => {
    const limit = `<= ${maxMs} ms`;
    if (measuredMs === null) return notMeasured(name, limit, missing);
    return {
      name,
      ok: measuredMs <= maxMs,
      limit,
      measured: measuredMs,
      detail: `${what} failed for ${formatDuration(measuredMs)} in total`,
    };
  };
  /** An at-least check on a count: `noun` names what was counted, `missing` why it may not be. */
  const atLeast = (name: string, min: number, measured: number | null, missing: string, noun: string): CheckResult => {
    const limit = `>= ${min}`;
    if (measured === null) return notMeasured(name, limit, missing);
    return { name, ok: measured >= min, limit, measured, detail: `${measured} ${noun}` };
  };
  if (checks.maxWriteUnavailable !== undefined) {
    out.push(unavailability('maxWriteUnavailable', checks.maxWriteUnavailable, m.writeUnavailableMs, 'no write workload', 'writes'));
  }
  if (checks.maxReadUnavailable !== undefined) {
    out.push(
      unavailability('maxReadUnavailable', checks.maxReadUnavailable, m.readUnavailableMs, 'no read probe (workload.reads: true)', 'reads'),
    );
  }
  if (checks.ackedLost !== undefined) {
    const spec = checks.ackedLost;
    const named = typeof spec === 'object' && 'exactly' in spec ? spec.exactly : null;
    const exactly = named === WRITE_STEPS_ACKED ? (m.writeStepsAcked ?? null) : (named as number | null);
    const max = typeof spec === 'number' ? spec : 'max' in spec ? spec.max : null;
    const limit =
      named === WRITE_STEPS_ACKED
        ? `== ${exactly ?? '?'} (acknowledged by the write steps)`
        : exactly !== null
          ? `== ${exactly}`
          : `<= ${max}`;
    if (m.ackedLost === null)
      out.push(notMeasured('ackedLost', limit, 'no acknowledged writes were tracked (workload write or a write step)'));
    else if (named === WRITE_STEPS_ACKED && exactly === null) out.push(notMeasured('ackedLost', limit, 'no write step ran'));
    else
      out.push({
        name: 'ackedLost',
        ok: exactly !== null ? m.ackedLost === exactly : m.ackedLost <= (max as number),
        limit,
        measured: m.ackedLost,
        detail: `${m.ackedLost} acknowledged write(s) missing after the drill`,
      });
  }
  out.push(...lagChecks(checks, m.lag, m.ackedLost));
  if (checks.verify) {
    out.push(
      m.verify === null
        ? notMeasured('verify', 'every master == its replicas', 'no replica to compare')
        : { name: 'verify', ok: m.verify.ok, limit: 'every master == its replicas', measured: m.verify.conflicts, detail: m.verify.detail },
    );
  }
  if (checks.noFullSync) {
    const n = m.fullSyncs;
    const detail = (n ?? 0) > 0 ? `${n} full sync(s) during the drill: replicas reloaded the whole dataset` : 'partial syncs only';
    out.push(
      n === null
        ? notMeasured('noFullSync', '== 0', 'sync_full could not be read')
        : { name: 'noFullSync', ok: n === 0, limit: '== 0', measured: n, detail },
    );
  }
  if (checks.failoverWithin !== undefined) {
    const s = m.failoverSeconds;
    out.push({
      name: 'failoverWithin',
      ok: s !== null && s * 1000 <= checks.failoverWithin,
      limit: `<= ${checks.failoverWithin / 1000} s`,
      measured: s,
      detail: s === null ? 'no failover happened' : `new primary ${s.toFixed(2)} s after the fault`,
    });
  }
  if (checks.noFailover) {
    out.push({
      name: 'noFailover',
      ok: !m.primaryChanged,
      limit: 'same primary',
      measured: !m.primaryChanged,
      detail: m.primaryChanged ? 'the primary changed' : 'the primary stayed',
    });
  }
  if (checks.clusterStateOk) {
    out.push(
      m.clusterStateOk === null
        ? notMeasured('clusterStateOk', 'cluster_state:ok', 'not a cluster')
        : { name: 'clusterStateOk', ok: m.clusterStateOk, limit: 'cluster_state:ok', measured: m.clusterStateOk },
    );
  }
  if (checks.minOomErrors !== undefined) {
    out.push(atLeast('minOomErrors', checks.minOomErrors, m.oomErrors, 'errorstats could not be read', 'OOM rejection(s)'));
  }
  if (checks.minEvictions !== undefined) {
    out.push(atLeast('minEvictions', checks.minEvictions, m.evictions, 'evicted_keys could not be read', 'key(s) evicted'));
  }
  if (checks.noLoadingErrors) {
    out.push({ name: 'noLoadingErrors', ok: m.loadingErrors === 0, limit: '== 0', measured: m.loadingErrors });
  }
  out.push(...serviceChecks(checks, m.service));
  return out;
}

/** The game-day checks: detection, recovery, HTTP unavailability, error budget, which alerts fired. */
function serviceChecks(checks: ChecksSection, s: ServiceMeasurements | undefined): CheckResult[] {
  const out: CheckResult[] = [];
  const noService = 'no service workload ran';
  const max = (
    name: string,
    bound: number,
    measured: number | null | undefined,
    why: string,
    detail: (v: number) => string,
    unit = ' ms',
  ) => {
    const limit = `<= ${bound}${unit}`;
    if (measured === null || measured === undefined) out.push(notMeasured(name, limit, s ? why : noService));
    else out.push({ name, ok: measured <= bound, limit, measured, detail: detail(measured) });
  };
  if (checks.maxTimeToDetect !== undefined)
    max(
      'maxTimeToDetect',
      checks.maxTimeToDetect,
      s?.timeToDetectMs,
      'no alert fired after the fault',
      (v) => `${s?.detectedBy} fired ${formatDuration(v)} after the fault`,
    );
  if (checks.maxTimeToRecover !== undefined)
    max(
      'maxTimeToRecover',
      checks.maxTimeToRecover,
      s?.timeToRecoverMs,
      'the success ratio was not back at its SLO for the whole hold period before the drill ended',
      (v) => `success ratio back at its SLO ${formatDuration(v)} after the fault`,
    );
  if (checks.maxServiceUnavailable !== undefined)
    max(
      'maxServiceUnavailable',
      checks.maxServiceUnavailable,
      s?.serviceUnavailableMs,
      'no request was sent',
      (v) => `requests failed for ${formatDuration(v)} in total`,
    );
  if (checks.maxErrorBudgetSpent !== undefined)
    max(
      'maxErrorBudgetSpent',
      checks.maxErrorBudgetSpent,
      s?.errorBudgetSpent,
      'no request was sent',
      (v) => `${(v * 100).toPrecision(2)} % of the SLO period's error budget`,
      '',
    );
  /** Each of `names` fired (`wantFired`) or none of them did. */
  const alerts = (name: string, names: string[], wantFired: boolean, badText: string, okText: string) => {
    const limit = `${wantFired ? 'fired' : 'quiet'}: ${names.join(', ')}`;
    const fired = s?.alertsFired;
    if (!fired) return out.push(notMeasured(name, limit, s ? 'the alerts could not be read' : noService));
    const bad = names.filter((a) => fired.includes(a) !== wantFired);
    out.push({
      name,
      ok: bad.length === 0,
      limit,
      measured: fired.join(', ') || 'none',
      detail: bad.length ? `${badText}: ${bad.join(', ')}` : okText,
    });
  };
  if (checks.alertsFired !== undefined) alerts('alertsFired', checks.alertsFired, true, 'did not fire', 'every one fired');
  if (checks.noAlert !== undefined) alerts('noAlert', checks.noAlert, false, 'fired', 'none of them fired');
  return out;
}

/** Failover time: from the first fault to the first event naming a new primary. Pure. */
export function failoverSeconds(
  faultAtMs: number | null,
  events: Array<{ atMs: number; kind: string }>,
  kinds: readonly string[],
): number | null {
  if (faultAtMs === null) return null;
  const e = events.find((x) => x.atMs >= faultAtMs && kinds.includes(x.kind));
  return e ? (e.atMs - faultAtMs) / 1000 : null;
}

/** Event kinds that mean "a new primary is in place". */
export const NEW_PRIMARY_EVENTS = ['+switch-master', 'promoted', '+promoted'] as const;
