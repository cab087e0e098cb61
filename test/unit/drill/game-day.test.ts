/** The game-day core without I/O: HTTP windows, time to recover, error budget, alert log, checks, plan rules. */
import { describe, expect, it } from 'vitest';
import { type DrillMeasurements, evaluateChecks } from '../../../lib/drill/checks.js';
import { AlertLog, timeToDetect } from '../../../lib/drill/game-day/alert-log.js';
import { k6Request } from '../../../lib/drill/game-day/k6-load.js';
import { errorBudgetSpent, ServiceLog, timeToRecoverMs } from '../../../lib/drill/game-day/service-log.js';
import { PlanError, planRunbook } from '../../../lib/drill/plan.js';

const F = 1_000_000; // the fault, epoch ms

/** One request every 100 ms from `fromMs` to `toMs`, failing inside [failFrom, failTo). */
function requests(fromMs: number, toMs: number, failFrom: number, failTo: number) {
  const out: Array<{ sentMs: number; doneMs: number; ok: boolean }> = [];
  for (let t = fromMs; t < toMs; t += 100) out.push({ sentMs: t, doneMs: t + 20, ok: !(t >= failFrom && t < failTo) });
  return out;
}

describe('time to recover', () => {
  it('is the moment after the last failure from which the ratio holds for the whole period', () => {
    const rs = requests(F - 5000, F + 20_000, F + 1000, F + 4000);
    // the first request after the failures (sent F+4000) was answered at F+4020
    expect(timeToRecoverMs(rs, F, 0.99, 5000)).toBe(4020);
  });
  it('is 0 when users never saw the fault, and null before a whole period was covered', () => {
    expect(timeToRecoverMs(requests(F, F + 6000, 0, 0), F, 0.99, 5000)).toBe(0);
    expect(timeToRecoverMs(requests(F, F + 8000, F + 1000, F + 4000), F, 0.99, 5000)).toBeNull();
  });
  it('a period that keeps the SLO despite one failure counts from its start', () => {
    const rs = requests(F, F + 12_000, F + 500, F + 600); // 1 failure in 100 requests over 10 s: 0.99
    expect(timeToRecoverMs(rs, F, 0.99, 10_000)).toBe(0);
    expect(timeToRecoverMs(rs, F, 0.995, 10_000)).toBe(620);
  });
});

describe('HTTP windows and error budget', () => {
  it('a window runs from the first failed request to the success of one sent after it', () => {
    const log = new ServiceLog();
    log.record({ sentMs: F, doneMs: F + 5, status: 200 });
    log.record({ sentMs: F + 100, doneMs: F + 1100, status: 503 });
    log.record({ sentMs: F + 200, doneMs: F + 210, status: 0, error: 'ECONNREFUSED' });
    log.record({ sentMs: F + 50, doneMs: F + 1500, status: 200 }); // sent before the window: closes nothing
    log.record({ sentMs: F + 1400, doneMs: F + 1450, status: 404 }); // a 4xx is an answer
    expect(log.windows(F + 2000)).toEqual([
      { startMs: F + 100, endMs: F + 1450, durationMs: 1350, errors: { HTTP_503: 1, ECONNREFUSED: 1 } },
    ]);
    expect([log.ok, log.failed]).toEqual([3, 2]);
  });
  it('the budget is the SLO period at the drill rate: 10 of 1000 requests in 10 s is 1 % of 1 % of 1000 s', () => {
    expect(errorBudgetSpent(10, 1000, 0.99, 10_000, 10_000)).toBe(1);
    expect(errorBudgetSpent(10, 1000, 0.99, 10_000, 1_000_000)).toBe(0.01);
    expect(errorBudgetSpent(0, 0, 0.99, 10_000, 10_000)).toBeNull();
  });
});

describe('alert log', () => {
  const a = (name: string, state: 'pending' | 'firing', activeAtMs: number, labels: Record<string, string> = {}) => ({
    name,
    state,
    activeAtMs,
    labels: { alertname: name, severity: 'critical', ...labels },
  });
  it('records pending (activeAt), firing and resolved (the polls that saw them)', () => {
    const log = new AlertLog();
    log.observe([a('RedisDown', 'pending', F + 900, { node: 'primary' })], F + 1000);
    log.observe([a('RedisDown', 'firing', F + 900, { node: 'primary' })], F + 6000);
    log.observe([a('RedisDown', 'firing', F + 900, { node: 'primary' })], F + 7000);
    log.observe([], F + 9000);
    expect(log.records()).toEqual([
      {
        name: 'RedisDown',
        severity: 'critical',
        labels: { node: 'primary' },
        pendingAtMs: F + 900,
        firingAtMs: F + 6000,
        resolvedAtMs: F + 9000,
      },
    ]);
    expect(log.firingNow()).toEqual([]);
  });
  it('time to detect: the first alert firing after the fault; stormdrill alerts about itself do not count', () => {
    const log = new AlertLog();
    log.observe([a('RedisMasterChanged', 'firing', F - 3000)], F - 2000); // before the fault
    log.observe([a('StormdrillWritesUnavailable', 'firing', F + 500)], F + 600);
    log.observe([a('StormdrillWritesUnavailable', 'firing', F + 500), a('DemoErrorBudgetFastBurn', 'firing', F + 3000)], F + 3100);
    expect(timeToDetect(log.records(), F)).toEqual({ ms: 3100, alert: 'DemoErrorBudgetFastBurn' });
    expect(timeToDetect(log.records(), null)).toBeNull();
  });
});

describe('game-day checks', () => {
  const base: DrillMeasurements = {
    writeUnavailableMs: 100,
    readUnavailableMs: null,
    ackedLost: 0,
    verify: null,
    fullSyncs: 0,
    loadingErrors: 0,
    failoverSeconds: 2,
    primaryChanged: true,
    clusterStateOk: null,
    oomErrors: 0,
    evictions: 0,
    service: {
      serviceUnavailableMs: 4000,
      timeToDetectMs: 6500,
      detectedBy: 'RedisDown',
      timeToRecoverMs: 5000,
      errorBudgetSpent: 0.02,
      alertsFired: ['RedisDown', 'RedisMasterChanged'],
    },
  };
  it('pass and fail on the measured figures', () => {
    const r = evaluateChecks(
      {
        maxTimeToDetect: 7000,
        maxTimeToRecover: 4000,
        maxErrorBudgetSpent: 0.01,
        alertsFired: ['RedisDown', 'DemoErrorBudgetFastBurn'],
        noAlert: ['RedisNoSingleMaster'],
        maxServiceUnavailable: 5000,
      },
      base,
    );
    expect(Object.fromEntries(r.map((c) => [c.name, c.ok]))).toEqual({
      maxTimeToDetect: true,
      maxTimeToRecover: false,
      maxServiceUnavailable: true,
      maxErrorBudgetSpent: false,
      alertsFired: false,
      noAlert: true,
    });
    expect(r.find((c) => c.name === 'alertsFired')?.detail).toBe('did not fire: DemoErrorBudgetFastBurn');
  });
  it('fail as not measured without a service workload or without an alert', () => {
    const r = evaluateChecks({ maxTimeToDetect: 7000 }, { ...base, service: undefined });
    expect(r).toEqual([
      { name: 'maxTimeToDetect', ok: false, limit: '<= 7000 ms', measured: null, detail: 'not measured: no service workload ran' },
    ]);
    const r2 = evaluateChecks({ noAlert: ['RedisDown'] }, base);
    expect(r2[0]).toMatchObject({ ok: false, detail: 'fired: RedisDown' });
  });
});

describe('runbook service section', () => {
  const rb = (extra: Record<string, unknown>) => ({
    name: 'gd',
    description: 'd',
    topology: { kind: 'haproxy', replicas: 1 },
    steps: [{ action: 'sleep', duration: '1s' }],
    ...extra,
  });
  it('fills the plan and accepts durations', () => {
    const [p] = planRunbook(rb({ service: { rate: 5, recoverFor: '5s', sloPeriod: '720h' }, checks: { maxTimeToDetect: '15s' } }));
    expect(p?.service).toEqual({ rate: 5, recoverFor: 5000, sloPeriod: 2_592_000_000 });
    expect(p?.checks.maxTimeToDetect).toBe(15_000);
  });
  it('service checks without a service section, or a service on a cluster, are plan errors', () => {
    expect(() => planRunbook(rb({ checks: { alertsFired: ['RedisDown'] } }))).toThrow(/alertsFired need a service workload/);
    expect(() => planRunbook(rb({ topology: { kind: 'cluster', masters: 3 }, service: {} }))).toThrow(PlanError);
  });
});

describe('k6 JSON output', () => {
  it('an http_req_duration point is a request answered at its time, sent its duration earlier', () => {
    const ok =
      '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-12-07T05:37:41.917Z","value":1012.5,"tags":{"status":"200"}}}';
    expect(k6Request(ok)).toEqual({
      sentMs: Date.parse('2026-12-07T05:37:41.917Z') - 1012.5,
      doneMs: Date.parse('2026-12-07T05:37:41.917Z'),
      status: 200,
    });
    const refused =
      '{"metric":"http_req_duration","type":"Point","data":{"time":"2026-12-07T05:37:37.306Z","value":0,"tags":{"status":"0","error_code":"1212"}}}';
    expect(k6Request(refused)).toMatchObject({ status: 0, error: 'k6_1212' });
    expect(k6Request('{"metric":"http_reqs","type":"Point","data":{"time":"2026-12-07T05:37:37.306Z","value":1}}')).toBeNull();
    expect(k6Request('{"type":"Metric","data":{"name":"http_req_duration"},"metric":"http_req_duration"}')).toBeNull();
  });
});
