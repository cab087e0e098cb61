/**
 * Game day on real processes: the demo service under a fixed rate of user flows on a
 * Sentinel group behind HAProxy, a real Prometheus evaluating the project's own alert rules,
 * and a real fault. A kill -9 of the primary must page (RedisDown within its `for:` plus the
 * scrape and evaluation that must see it), a planned switchover must not page, an error
 * budget exceeded fails its check, and lengthening `for:` lengthens the measured time to
 * detect by that much.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook, RUNBOOK_DIR } from '../../../lib/drill/load.js';
import type { DrillReport } from '../../../lib/drill/report/types.js';
import { runDrill } from '../../../lib/drill/runner.js';
import { PROMETHEUS_DIR } from '../../../lib/stack/prometheus.js';
import { announceK6Tier, k6Bin } from '../../support/k6.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

/**
 * A shipped game-day runbook with a 3 s recovery hold (and `edit` applied) written into the
 * test's temp dir; a 5 s baseline unless the test needs the burn-rate windows full.
 */
function variant(name: string, label: string, edit: (yaml: string) => string = (y) => y, baseline = '5s', k6 = false): string {
  const text = readFileSync(join(RUNBOOK_DIR, `${name}.yaml`), 'utf8')
    .replace(/recoverFor: 30s/, 'recoverFor: 3s')
    .replace(/baseline: 1m/, `baseline: ${baseline}`)
    // stormdrill's own user flow unless the test is about k6 (K6_BIN would otherwise switch every test to k6)
    .replace('  slo: 0.99\n', `  slo: 0.99\n  k6: ${k6}\n`);
  const file = join(tmpDir(label), `${name}.yaml`);
  writeFileSync(file, edit(text));
  return file;
}

async function drill(file: string, label: string, o: { rulesDir?: string } = {}) {
  const [plan] = loadRunbook(file).plans;
  const dir = tmpDir(`${label}-report`);
  const r = await runDrill({ plan: plan!, ports, runId: `${namespace.runId}-${label}`.slice(0, 48), reportDir: dir, rulesDir: o.rulesDir });
  return { ...r, dir };
}

/** The first RedisDown that fired after the fault: ms from the fault to firing. */
function redisDownMs(r: DrillReport): number | null {
  const fault = r.service?.faultAtMs ?? null;
  const a = r.alerts.find((x) => x.name === 'RedisDown' && x.firingAtMs !== null && fault !== null && x.firingAtMs >= fault);
  return a && fault !== null ? (a.firingAtMs as number) - fault : null;
}

/** How late an alert can be seen firing beyond its `for:`: the scrape that sees the fault, two evaluations, one poll. */
function slackMs(r: DrillReport): number {
  const s = r.service!;
  return s.scrapeIntervalMs + 2 * s.evaluationIntervalMs + s.alertPollIntervalMs;
}

describe('game day', () => {
  it('a kill -9 of the primary pages: RedisDown fires within for: + scrape + 2 evaluations; a 1-minute SLO period overspends the budget', async () => {
    // the same runbook with the SLO period cut to 1 minute: the failover's failed requests exceed that budget
    const file = variant('game-day-primary-fails', 'gd-page', (y) => y.replace('  slo: 0.99\n', '  slo: 0.99\n  sloPeriod: 1m\n'));
    const { report: r, exitCode, dir } = await drill(file, 'gd-page');
    expect(r.reason).toBeNull();
    expect(r.service?.driver).toBe('user-flow');
    const down = r.alerts.find((a) => a.name === 'RedisDown');
    expect(down?.forSeconds).toBe(5);
    expect(down?.labels.node).toBe('primary');
    const ms = redisDownMs(r);
    expect(ms).not.toBeNull();
    expect(ms as number).toBeGreaterThanOrEqual(5000);
    expect(ms as number).toBeLessThanOrEqual(5000 + slackMs(r));
    expect(r.timeToDetectMs).not.toBeNull();
    expect(r.timeToDetectMs as number).toBeLessThanOrEqual(ms as number);
    // users saw the failover, and the service came back
    expect(r.serviceUnavailableMs).toBeGreaterThan(0);
    expect(r.service?.windows.length).toBeGreaterThan(0);
    expect(r.service?.failed).toBeGreaterThan(0);
    expect(r.timeToRecoverMs).not.toBeNull();
    expect(r.service?.recoveredAtMs).toBe((r.service?.faultAtMs as number) + (r.timeToRecoverMs as number));
    const verdict = Object.fromEntries(r.checks.map((c) => [c.name, c.ok]));
    expect(verdict).toMatchObject({ alertsFired: true, maxTimeToDetect: true, maxTimeToRecover: true, maxErrorBudgetSpent: false });
    expect(r.errorBudgetSpent as number).toBeGreaterThan(0.01);
    expect(r.status).toBe('failed');
    expect(exitCode).toBe(1);
    // both windows on the timeline chart, the alerts marked; the retrospective draft
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<rect class="window http"/g)).toHaveLength(r.service?.windows.length as number);
    expect(html.match(/<rect class="window write"/g)).toHaveLength(r.writeWindows.length);
    expect(html).toContain('data-kind="alert-firing"');
    const retro = readFileSync(join(dir, 'retrospective.md'), 'utf8');
    for (const h of ['## Timeline', '## 1. Detect', '## 2. Classify', '## 3. Recover', '## 4. Retrospective']) expect(retro).toContain(h);
    expect(retro).toContain('| RedisDown | critical |');
  }, 240_000);

  it('a planned switchover does not page and loses no acknowledged write', async () => {
    // the shipped 1-minute baseline: the burn-rate alerts' windows see normal traffic first
    const { report: r, exitCode } = await drill(
      variant('game-day-planned-switchover', 'gd-switch', (y) => y, '1m'),
      'gd-switch',
    );
    expect(r.reason).toBeNull();
    const noAlert = r.checks.find((c) => c.name === 'noAlert');
    expect(noAlert?.ok, `noAlert: ${noAlert?.detail}; timeline: ${JSON.stringify(r.alerts)}`).toBe(true);
    const paged = r.alerts.filter(
      (a) => a.firingAtMs !== null && ['RedisDown', 'RedisNoSingleMaster', 'DemoErrorBudgetFastBurn'].includes(a.name),
    );
    expect(paged).toEqual([]);
    expect(r.ackedLost).toBe(0);
    expect(r.topology.primaryAtEnd).not.toBe(r.topology.primaryAtStart);
    expect(r.service?.requests).toBeGreaterThan(0);
    expect(r.timeToRecoverMs).not.toBeNull();
    expect(exitCode).toBe(r.checks.every((c) => c.ok) ? 0 : 1);
  }, 240_000);

  it('alert timing is honest: RedisDown with for: 10s instead of 5s is detected 5 s later', async () => {
    const rules = tmpDir('gd-rules-10s');
    cpSync(join(PROMETHEUS_DIR, 'rules'), rules, { recursive: true });
    const redisRules = join(rules, 'redis.yml');
    const text = readFileSync(redisRules, 'utf8');
    const longer = text.replace(/(- alert: RedisDown\n(?:.*\n)*?\s+for: )5s/, '$110s');
    expect(longer).not.toBe(text);
    writeFileSync(redisRules, longer);
    // the old primary stays down long enough for the longer for:
    const file = variant('game-day-primary-fails', 'gd-for10', (y) => y.replace('duration: 8s', 'duration: 14s'));
    const slow = await drill(file, 'gd-for10', { rulesDir: rules });
    const r = slow.report;
    expect(r.alerts.find((a) => a.name === 'RedisDown')?.forSeconds).toBe(10);
    const ms = redisDownMs(r);
    expect(ms).not.toBeNull();
    expect(ms as number).toBeGreaterThanOrEqual(10_000);
    expect(ms as number).toBeLessThanOrEqual(10_000 + slackMs(r));
    expect(existsSync(join(slow.dir, 'retrospective.md'))).toBe(true);
  }, 240_000);

  it('with k6 present, a k6 scenario drives the load and its requests are measured the same way', async () => {
    if (!announceK6Tier('game day driven by k6')) return;
    const file = variant('game-day-primary-fails', 'gd-k6', (y) => y, '5s', true);
    const [plan] = loadRunbook(file).plans;
    const prev = process.env.K6_BIN;
    process.env.K6_BIN = k6Bin as string;
    try {
      const dir = tmpDir('gd-k6-report');
      const { report: r } = await runDrill({ plan: plan!, ports, runId: `${namespace.runId}-gd-k6`.slice(0, 48), reportDir: dir });
      expect(r.service?.driver).toBe('k6');
      expect(r.service?.k6?.exitCode).toBe(103);
      expect(r.service?.requests).toBeGreaterThan(0);
      expect(r.service?.failed).toBeGreaterThan(0);
      expect(r.serviceUnavailableMs).toBeGreaterThan(0);
      expect(r.alerts.some((a) => a.name === 'RedisDown' && a.firingAtMs !== null)).toBe(true);
      expect(r.alerts.some((a) => a.name.startsWith('K6'))).toBe(true);
    } finally {
      if (prev === undefined) delete process.env.K6_BIN;
      else process.env.K6_BIN = prev;
    }
  }, 240_000);
});
