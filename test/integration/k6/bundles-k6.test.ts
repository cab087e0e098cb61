/**
 * The scenario bundles: self-contained (only k6 imports) and, under real k6 when present,
 * `k6 inspect` shows each profile's executor and the SLO thresholds, every bundle runs
 * its user flow once against the real demo service, and bad input fails at init with one
 * clear reason.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildScenarios, scenarioNames } from '../../../lib/bundle/build.js';
import { checkBundleFile } from '../../../lib/bundle/check.js';
import type { StableSummary } from '../../../lib/k6/summary.js';
import { useTestEnv } from '../../support/env.js';
import { announceK6Tier, k6Bin, useK6DemoService } from '../../support/k6.js';

const SCENARIOS: Record<string, { profile: string; executor: string }> = {
  smoke: { profile: 'smoke', executor: 'constant-vus' },
  load: { profile: 'average-load', executor: 'ramping-vus' },
  stress: { profile: 'stress', executor: 'ramping-arrival-rate' },
  spike: { profile: 'spike', executor: 'ramping-arrival-rate' },
  soak: { profile: 'soak', executor: 'constant-arrival-rate' },
  breakpoint: { profile: 'breakpoint', executor: 'ramping-arrival-rate' },
};

const env = useTestEnv({ redis: true });
const out = env.tmpDir('k6-bundles');
let bundles: Record<string, string> = {};

beforeAll(async () => {
  const r = await buildScenarios(Object.keys(SCENARIOS), out);
  bundles = Object.fromEntries(Object.keys(SCENARIOS).map((n, i) => [n, r.bundles[i] as string]));
});

describe('scenario bundles', () => {
  it('there is one script per scenario of the issue', () => {
    for (const n of Object.keys(SCENARIOS)) expect(scenarioNames()).toContain(n);
  });

  it('each bundle is small, self-contained and imports only k6 modules', () => {
    for (const [name, b] of Object.entries(bundles)) {
      expect(checkBundleFile(b), name).toEqual([]);
      expect(statSync(b).size, name).toBeLessThan(64 * 1024);
      const imports = [...readFileSync(b, 'utf8').matchAll(/from\s*"([^"]+)"/g)].map((m) => m[1]);
      expect(
        imports.every((i) => i === 'k6' || i?.startsWith('k6/')),
        `${name}: ${imports.join(', ')}`,
      ).toBe(true);
    }
  });
});

describe('scenario bundles under real k6', () => {
  const has = announceK6Tier('k6 inspect and one iteration of each bundle against the demo service');
  const svc = useK6DemoService(env, has);

  const k6 = (args: string[], extraEnv: Record<string, string> = {}) =>
    execa(k6Bin as string, args, { env: { K6_NO_USAGE_REPORT: 'true', ...extraEnv }, reject: false, timeout: 60_000 });

  it.skipIf(!has)('k6 inspect shows each profile as its executor, the SLO thresholds, the testid tag and no url tag', async () => {
    for (const [name, want] of Object.entries(SCENARIOS)) {
      const r = await k6(['inspect', '-e', 'TESTID=inspect-1', bundles[name] as string]);
      expect(r.exitCode, r.stderr).toBe(0);
      const o = JSON.parse(r.stdout);
      expect(Object.keys(o.scenarios), name).toEqual([want.profile]);
      expect(o.scenarios[want.profile].executor, name).toBe(want.executor);
      expect(o.tags).toEqual({ testid: 'inspect-1' });
      expect(o.systemTags).toContain('name');
      expect(o.systemTags).not.toContain('url');
      const thresholds = o.thresholds.http_req_failed[0];
      if (want.profile === 'breakpoint') expect(thresholds).toMatchObject({ threshold: 'rate<=0.01', abortOnFail: true });
      else expect(thresholds).toBe('rate<=0.01');
    }
    const over = JSON.parse(
      (await k6(['inspect', '-e', 'PROFILE=soak', '-e', 'RATE=7', '-e', 'DURATION=2m', bundles.stress as string])).stdout,
    );
    expect(over.scenarios.soak).toMatchObject({ executor: 'constant-arrival-rate', rate: 7, duration: '2m0s' });
  });

  it.skipIf(!has)('each bundle runs the user flow once against the demo service and writes its summary files', async () => {
    for (const name of Object.keys(SCENARIOS)) {
      const dir = env.tmpDir(`summary-${name}`);
      const r = await k6(['run', '--quiet', '--iterations', '1', '--vus', '1', bundles[name] as string], {
        BASE_URL: svc.url(),
        TESTID: `once-${name}`,
        SUMMARY_DIR: dir,
      });
      expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`scenario ${name} · profile ${SCENARIOS[name]?.profile} · testid once-${name}`);
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as StableSummary;
      expect(s).toMatchObject({ schema: 'stormdrill.k6-summary/v1', testid: `once-${name}`, scenario: name, passed: true });
      expect(s.thresholds.length).toBeGreaterThanOrEqual(4);
      expect(s.thresholds.every((t) => t.ok)).toBe(true);
      // one journey: healthz (setup), items, reserve, replay (iteration 0), confirm, read back
      expect(s.metrics.http_reqs?.values.count).toBe(6);
      expect(s.checks.length).toBeGreaterThanOrEqual(8);
      expect(s.checks.every((c) => c.fails === 0 && c.passes === 1)).toBe(true);
      expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain('failures="0"');
      expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(new RegExp(`^# k6 ${name} \\(.*\\) — PASSED`));
    }
  });

  it.skipIf(!has)('k6 run --tag testid=X without TESTID: the summary names the run X, as the Prometheus series do', async () => {
    const dir = env.tmpDir('summary-tagged');
    const testid = `${env.namespace.runId}-tag`.slice(0, 48);
    const r = await k6(['run', '--quiet', '--iterations', '1', '--vus', '1', '--tag', `testid=${testid}`, bundles.smoke as string], {
      BASE_URL: svc.url(),
      SUMMARY_DIR: dir,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`testid ${testid}`);
    const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as StableSummary;
    expect({ testid: s.testid, runId: s.runId }).toEqual({ testid, runId: testid });
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain(`<property name="testid" value="${testid}"`);
  });

  it.skipIf(!has)('bad input fails at init with one clear reason: unknown profile, malformed SLO, unreachable BASE_URL', async () => {
    const bad = await k6(['run', '--quiet', bundles.smoke as string], { PROFILE: 'heavy', SLO: '{"p95Ms":', BASE_URL: svc.url() });
    expect(bad.exitCode).toBe(107);
    expect(bad.stderr).toContain(
      "smoke: unknown PROFILE 'heavy': use one of smoke, average-load, stress, spike, soak, breakpoint; SLO is not valid JSON",
    );
    const down = await k6(['run', '--quiet', '--iterations', '1', bundles.smoke as string], { BASE_URL: 'http://127.0.0.1:9' });
    expect(down.exitCode).not.toBe(0);
    expect(down.stderr).toContain('BASE_URL http://127.0.0.1:9 is unreachable');
    expect(down.stderr).toContain('start the demo service (stormdrill demo-service) or pass BASE_URL / --base-url');
  });
});
