/**
 * `stormdrill k6`: without k6 it says in one line that k6 is needed and how to get it;
 * bad options are one line each; under real k6, a few seconds of the stress scenario
 * against the demo service push to a real Prometheus (remote write, native histograms)
 * and the summary files land in reports/<run-id>/.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import type { StableSummary } from '../../../lib/k6/summary.js';
import { runK6 } from '../../../lib/k6run/index.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { announceK6Tier, k6Bin, useK6DemoService } from '../../support/k6.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { promQuery } from '../../support/prom.js';
import { waitForValue } from '../../support/wait.js';

/** The CLI with only `env` (no inherited PATH: tests choose whether k6 is findable). */
const cli = (args: string[], env: Record<string, string>) => stormdrill(args, { env, extendEnv: false, cwd: PROJECT_ROOT });

/** PATH with node but without any k6. */
const PATH_WITHOUT_K6 = [dirname(process.execPath), '/usr/bin', '/bin'].join(':');

describe('stormdrill k6 without k6', () => {
  it('prints one line saying k6 is needed and how to install it, and exits non-zero', async () => {
    expect(existsSync('/usr/bin/k6') || existsSync(join(dirname(process.execPath), 'k6'))).toBe(false);
    const r = await cli(['k6', 'smoke'], { PATH: PATH_WITHOUT_K6, HOME: process.env.HOME ?? '/tmp' });
    expect(r.exitCode).toBe(127);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^stormdrill: k6 is needed for `stormdrill k6` but it is not on PATH and K6_BIN is not set: /);
    expect(lines[0]).toMatch(/package manager.*grafana\/k6 Docker image.*grafana\/setup-k6-action/);
    expect(r.stdout).toBe('');
  });

  it('names every bad option in one line each before looking for k6', async () => {
    const r = await cli(['k6', 'stres', '--profile', 'heavy', '--base-url', 'nope', '--duration', '5 minutes'], { PATH: PATH_WITHOUT_K6 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^stormdrill: unknown scenario 'stres': use one of .*stress/),
      "unknown profile 'heavy': use one of smoke, average-load, stress, spike, soak, breakpoint",
      "--base-url must be an http:// or https:// URL such as http://127.0.0.1:8080 (got 'nope')",
      "--duration must be a k6 duration such as 30s, 5m or 1h30m (got '5 minutes')",
    ]);
    const vus = await cli(['k6', 'smoke', '--vus', 'x'], { PATH: PATH_WITHOUT_K6 });
    expect(vus.exitCode).toBe(2);
    expect(vus.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/--vus <n>.*'x' is invalid\. It must be a whole number, e\.g\. --vus 10$/),
    ]);
  });
});

describe('stormdrill k6 with an unreachable target', () => {
  it('says in one line that --base-url is unreachable, before starting k6', async () => {
    // any executable stands in for k6: the check happens before k6 would start
    const fake = join(tmpDir('fake-k6'), 'k6');
    writeFileSync(fake, '#!/bin/sh\necho k6 must not run >&2\nexit 3\n');
    chmodSync(fake, 0o755);
    const closed = await ports.take();
    const r = await cli(['k6', 'smoke', '--base-url', `http://127.0.0.1:${closed}`, '--report-root', tmpDir('unreachable')], {
      PATH: PATH_WITHOUT_K6,
      K6_BIN: fake,
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      `stormdrill: --base-url http://127.0.0.1:${closed} is unreachable (ECONNREFUSED): start the demo service with \`stormdrill demo-service\` or pass the right --base-url`,
    );
  });
});

describe('stormdrill k6 under real k6, pushing to a real Prometheus', () => {
  const env = useTestEnv({ redis: true, prometheus: true });
  const has = announceK6Tier('a short stress run with remote write to Prometheus');
  const svc = useK6DemoService(env, has);

  const query = (promql: string) => promQuery(env.prometheus.url, promql);

  it.skipIf(!has)(
    'runs stress for a few seconds, writes reports/<run-id>/ and the data arrives in Prometheus under its testid',
    async () => {
      const runId = `${env.namespace.runId}-stress`.slice(0, 48);
      const reportRoot = env.tmpDir('k6-reports');
      const lines: string[] = [];
      const r = await runK6({
        scenario: 'stress',
        baseUrl: svc.url(),
        promRw: env.prometheus.remoteWriteUrl,
        pushInterval: '1s',
        knobs: { duration: '4s', ramp: '1s', rate: 30, maxVus: 10 },
        runId,
        reportRoot,
        k6Bin: k6Bin as string,
        onOutput: (l) => lines.push(l),
      });
      expect(r.exitCode, lines.join('\n')).toBe(0);
      expect(r.testid).toBe(runId);
      expect(r.reportDir).toBe(join(reportRoot, 'reports', runId));
      for (const f of ['summary.json', 'summary.md', 'junit.xml', 'run.json', 'k6.log'])
        expect(existsSync(join(r.reportDir, f)), f).toBe(true);
      expect(existsSync(join(r.reportDir, '.k6-summary'))).toBe(false);
      const summary = JSON.parse(readFileSync(join(r.reportDir, 'summary.json'), 'utf8')) as StableSummary;
      expect(summary).toMatchObject({ testid: runId, scenario: 'stress', profile: 'stress', passed: true });
      const reqs = summary.metrics.http_reqs?.values.count ?? 0;
      expect(reqs).toBeGreaterThan(50);
      expect(lines.join('\n')).toContain('RESULT: all thresholds passed');
      const run = JSON.parse(readFileSync(join(r.reportDir, 'run.json'), 'utf8'));
      expect(run).toMatchObject({ exitCode: 0, meaning: 'passed', thresholdsPassed: true, remoteWrite: env.prometheus.remoteWriteUrl });
      expect(run.k6Args).toEqual(expect.arrayContaining(['--tag', `testid=${runId}`, '-o', 'experimental-prometheus-rw']));

      // remote write: the counter and the native histogram arrived, labelled with testid and route name
      const series = await waitForValue(
        'the k6 request counter in Prometheus',
        () => query(`sum by (name) (k6_http_reqs_total{testid="${runId}"})`),
        (x) => x.length > 0,
        10_000,
        200,
      );
      const byName: Record<string, number> = Object.fromEntries(series.map((s) => [s.metric.name, Number(s.value?.[1])]));
      expect(Object.keys(byName)).toEqual(
        expect.arrayContaining(['GET /items', 'POST /reservations', 'POST /reservations/:id/confirm', 'GET /reservations/:id']),
      );
      const pushed = Object.values(byName).reduce((a, b) => a + b, 0);
      expect(pushed).toBeGreaterThan(0);
      expect(pushed).toBeLessThanOrEqual(reqs);
      const urls = await query(`count(k6_http_reqs_total{testid="${runId}", url!=""})`);
      expect(urls).toEqual([]);
      const hist = await query(`k6_http_req_duration_seconds{testid="${runId}"}`);
      expect(hist.length).toBeGreaterThan(0);
      expect(hist[0]?.histogram).toBeDefined();
    },
  );

  it.skipIf(!has)(
    'breakpoint stops early when its SLO is crossed (abortOnFail) and exits 99 with the failure in every summary file',
    async () => {
      const reportRoot = env.tmpDir('k6-breakpoint');
      const t0 = Date.now();
      const r = await runK6({
        scenario: 'breakpoint',
        baseUrl: svc.url(),
        slo: '{"p99Ms":0.01}',
        knobs: { rate: 20, duration: '2m', maxVus: 10 },
        runId: `${env.namespace.runId}-bp`.slice(0, 48),
        reportRoot,
        k6Bin: k6Bin as string,
      });
      const took = Date.now() - t0;
      expect(r.exitCode).toBe(99);
      expect(r.meaning).toBe('thresholds crossed');
      expect(took).toBeLessThan(40_000); // far below the 2 m ramp: aborted
      expect(r.summary?.passed).toBe(false);
      expect(r.summary?.thresholds).toEqual([expect.objectContaining({ metric: 'http_req_duration', threshold: 'p(99)<0.01', ok: false })]);
      expect(readFileSync(join(r.reportDir, 'junit.xml'), 'utf8')).toContain(
        '<failure message="threshold p(99)&lt;0.01 on http_req_duration crossed',
      );
      expect(readFileSync(join(r.reportDir, 'summary.md'), 'utf8')).toMatch(/^# k6 breakpoint \(breakpoint\) — FAILED/);
      expect(readFileSync(join(r.reportDir, 'k6.log'), 'utf8')).toContain('abortOnFail');
    },
  );
});
