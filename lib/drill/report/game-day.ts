/**
 * The game-day parts of a drill report (a runbook with a service workload): the figures, the
 * alert table, and retrospective.md — detect → classify → recover → retrospective, with the
 * timeline, the impact and the alerts measured, and the questions a team answers by hand left
 * as headings. Pure.
 */
import { formatDuration } from '../../core/duration.js';
import { NEW_PRIMARY_EVENTS } from '../checks.js';
import type { DrillReport, ReportAlert } from './types.js';
import { pairs } from './windows.js';

const ms = (v: number | null) => (v === null ? 'n/a' : formatDuration(v));

/** A budget share as a percentage with enough digits to be non-zero when it is. */
export function budgetPercent(share: number): string {
  const p = share * 100;
  return `${p >= 1 ? p.toFixed(1) : p.toPrecision(2)} %`;
}

/** `720h` → `30 days`, `1m` → `1m`. */
function period(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000} day${ms === 86_400_000 ? '' : 's'}` : formatDuration(ms);
}

/** `t+12.345 s` relative to the drill's start, or n/a. */
function at(r: DrillReport, atMs: number | null): string {
  return atMs === null ? 'n/a' : `${((atMs - r.startMs) / 1000).toFixed(3)} s`;
}

/** From the fault: `+5.2s`, `−300ms`. */
const fromFault = (atMs: number, faultMs: number) => `${atMs >= faultMs ? '+' : '−'}${formatDuration(Math.abs(atMs - faultMs))}`;

function sinceFault(r: DrillReport, atMs: number | null): string {
  const f = r.service?.faultAtMs ?? null;
  return atMs === null || f === null ? '' : ` (fault ${fromFault(atMs, f)})`;
}

/** The game-day figures as label/value rows; empty without a service workload. */
export function gameDayFigures(r: DrillReport): Array<[string, string]> {
  const sv = r.service;
  if (!sv) return [];
  return [
    [
      'service load',
      `${sv.driver === 'k6' ? `k6${sv.k6 ? ` (exit ${sv.k6.exitCode}: ${sv.k6.meaning})` : ''}` : "stormdrill's user flow"}, ${sv.ratePerSecond} user flows/s against ${sv.url}${sv.redis ? ` (demo service on ${sv.redis})` : ''}`,
    ],
    ['time to detect', r.timeToDetectMs === null ? 'no alert fired after the fault' : `${ms(r.timeToDetectMs)} (${r.detectedBy})`],
    [
      'time to recover',
      r.timeToRecoverMs === null
        ? 'not recovered within the drill'
        : `${ms(r.timeToRecoverMs)} (success ratio ≥ ${sv.slo} for ${formatDuration(sv.recoverForMs)})`,
    ],
    [
      'service unavailability (HTTP)',
      `${ms(r.serviceUnavailableMs)} in ${sv.windows.length} window(s); Redis writes: ${ms(r.writeUnavailableMs)} in ${r.writeWindows.length} window(s)`,
    ],
    [
      'error budget spent',
      r.errorBudgetSpent === null
        ? 'n/a'
        : `${Math.round(r.errorBudgetSpent * 1000) / 10} % (${sv.failed} of ${sv.requests} requests failed; SLO ${sv.slo})`,
    ],
    [
      'alert timing',
      `rules evaluated every ${formatDuration(sv.evaluationIntervalMs)}, scraped every ${formatDuration(sv.scrapeIntervalMs)}, alerts polled every ${formatDuration(sv.alertPollIntervalMs)}`,
    ],
  ];
}

/** Labels every series of the drill carries: left out of the tables (they stay in report.json). */
const ROUTINE_LABELS = new Set(['instance', 'job', 'testid']);

/** One markdown table row per alert. */
export function alertRows(r: DrillReport): string[] {
  const row = (a: ReportAlert) =>
    `| ${a.name} | ${a.severity ?? ''} | ${pairs(Object.fromEntries(Object.entries(a.labels).filter(([k]) => !ROUTINE_LABELS.has(k))), ' ')} | ${a.forSeconds === null ? 'n/a' : `${a.forSeconds} s`} | ${at(r, a.pendingAtMs)} | ${at(r, a.firingAtMs)}${sinceFault(r, a.firingAtMs)} | ${at(r, a.resolvedAtMs)} |`;
  return [
    '| alert | severity | labels | for | pending at | firing at | resolved at |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...(r.alerts.length ? r.alerts.map(row) : ['| (no alert went pending) | | | | | | |']),
  ];
}

/** retrospective.md: the draft a team completes after the game day. */
export function retrospectiveMarkdown(r: DrillReport): string {
  const sv = r.service;
  const L: string[] = [];
  L.push(`# Retrospective: ${r.runbook}${r.variant ? ` (${r.variant})` : ''}, ${r.startedAt}`, '');
  L.push(
    `Draft written by the drill (testid \`${r.testid}\`, verdict ${r.status}). The measured parts come from report.json; the questions at the end are for the team.`,
    '',
  );
  L.push('## Timeline', '', '| t | what | since the fault |', '| --- | --- | --- |');
  const fault = sv?.faultAtMs ?? null;
  const firstAlert = r.alerts
    .filter((a) => a.firingAtMs !== null && fault !== null && a.firingAtMs >= fault)
    .sort((a, b) => (a.firingAtMs as number) - (b.firingAtMs as number))[0];
  const failover = r.events.find((e) => fault !== null && e.atMs >= fault && (NEW_PRIMARY_EVENTS as readonly string[]).includes(e.kind));
  const moments: Array<[number | null, string]> = [
    [fault, `fault: ${r.steps.find((s) => s.startMs === fault)?.label ?? 'first destructive step'}`],
    [sv?.firstFailureAtMs ?? null, 'first failed request'],
    [firstAlert?.firingAtMs ?? null, `first alert firing: ${firstAlert?.name ?? 'none'}`],
    [failover?.atMs ?? null, `failover: ${failover ? `${failover.kind} ${failover.node ?? ''}`.trim() : 'none'}`],
    [sv?.firstGoodResponseAtMs ?? null, 'first good response after the failures'],
    [
      sv?.recoveredAtMs ?? null,
      `recovered: success ratio ≥ ${sv?.slo ?? 'n/a'} from here for ${sv ? formatDuration(sv.recoverForMs) : 'n/a'}`,
    ],
  ];
  for (const [t, what] of moments.filter(([t]) => t !== null).sort((a, b) => (a[0] as number) - (b[0] as number)))
    L.push(`| ${at(r, t)} | ${what} | ${fault === null ? '' : fromFault(t as number, fault)} |`);
  for (const [, what] of moments.filter(([t]) => t === null)) L.push(`| — | ${what}: did not happen | |`);
  L.push('');
  L.push('## 1. Detect', '');
  L.push(
    r.timeToDetectMs === null
      ? '- No alert fired after the fault.'
      : `- ${r.detectedBy} fired ${formatDuration(r.timeToDetectMs)} after the fault (its \`for:\` ${r.alerts.find((a) => a.name === r.detectedBy)?.forSeconds ?? 'n/a'} s; rules evaluated every ${sv ? formatDuration(sv.evaluationIntervalMs) : 'n/a'}).`,
    '',
    ...alertRows(r),
    '',
  );
  L.push('## 2. Classify', '');
  L.push(
    `- Redis: primary ${r.topology.primaryAtStart ?? 'n/a'} → ${r.topology.primaryAtEnd ?? 'n/a'}; failover ${r.failoverSeconds === null ? 'none' : `${r.failoverSeconds.toFixed(2)} s after the fault`}; acknowledged writes lost ${r.ackedLost ?? 'n/a'}.`,
    `- Users: HTTP unavailability ${ms(r.serviceUnavailableMs)} vs Redis write unavailability ${ms(r.writeUnavailableMs)}${
      sv ? `; failed requests by kind: ${pairs(sv.errors) || 'none'}` : ''
    }.`,
    '',
  );
  L.push('## 3. Recover', '');
  L.push(
    `- Time to recover: ${r.timeToRecoverMs === null ? 'not recovered within the drill' : formatDuration(r.timeToRecoverMs)}.`,
    `- Impact: ${sv ? `${sv.failed} of ${sv.requests} requests failed` : 'n/a'}; error budget spent ${r.errorBudgetSpent === null ? 'n/a' : `${budgetPercent(r.errorBudgetSpent)} of ${sv ? period(sv.sloPeriodMs) : 'the period'}'s budget`}; write p99 ${r.workload?.p99Ms ?? 'n/a'} ms.`,
    '',
    '| check | verdict | limit | measured |',
    '| --- | --- | --- | --- |',
    ...r.checks.map((c) => `| ${c.name} | ${c.ok ? 'ok' : 'FAIL'} | ${c.limit} | ${c.measured === null ? 'n/a' : String(c.measured)} |`),
    '',
  );
  L.push('## 4. Retrospective', '');
  for (const q of [
    'What did the people on call see first, and when?',
    'Was the alert that fired the one that should have paged? Which alert was missing or too slow?',
    'Did the service hide or amplify the Redis failover, and why?',
    'What would have shortened the time to recover?',
    'Was the error budget spent acceptable for this kind of event?',
    'What do we change (runbook, alert, configuration, code), who owns it, by when?',
  ])
    L.push(`### ${q}`, '');
  return `${L.join('\n')}\n`;
}
