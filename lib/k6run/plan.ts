/**
 * The k6 command line and environment of a run, pure: `--tag testid=<runId>`, the
 * remote-write output with native histograms, and the scenario's env (BASE_URL, PROFILE,
 * SLO, knobs, TESTID, SUMMARY_DIR). Secrets travel in env, never in argv.
 */
import { testId } from '../core/naming.js';
import type { Knobs } from '../k6/profiles.js';
import { type K6RunOptions, splitRemoteWriteUrl } from './options.js';

export interface K6Plan {
  args: string[];
  env: Record<string, string>;
  testid: string;
  /** Remote-write URL without credentials (for messages and run.json), or null. */
  remoteWrite: string | null;
}

export interface PlanContext {
  runId: string;
  bundle: string;
  summaryDir: string;
  /** The caller's environment, read for K6_FEATURES (merged) and K6_PROMETHEUS_RW_SERVER_URL. */
  env?: Record<string, string | undefined>;
}

const KNOB_ENV: Record<keyof Knobs, string> = { duration: 'DURATION', ramp: 'RAMP', vus: 'VUS', rate: 'RATE', maxVus: 'MAX_VUS' };

export function planK6Run(o: K6RunOptions, ctx: PlanContext): K6Plan {
  const testid = testId(ctx.runId);
  const outer = ctx.env ?? {};
  const env: Record<string, string> = {
    TESTID: testid,
    SUMMARY_DIR: ctx.summaryDir,
    K6_NO_USAGE_REPORT: 'true',
  };
  if (o.baseUrl) env.BASE_URL = o.baseUrl;
  if (o.profile) env.PROFILE = o.profile;
  if (o.slo) env.SLO = o.slo;
  for (const [k, name] of Object.entries(KNOB_ENV)) {
    const v = o.knobs?.[k as keyof Knobs];
    if (v !== undefined) env[name] = String(v);
  }
  const args = ['run', '--tag', `testid=${testid}`];
  const rwRaw = o.promRw ?? outer.K6_PROMETHEUS_RW_SERVER_URL;
  let remoteWrite: string | null = null;
  if (rwRaw) {
    const rw = splitRemoteWriteUrl(rwRaw);
    if (rw.url) {
      remoteWrite = rw.url;
      env.K6_PROMETHEUS_RW_SERVER_URL = rw.url;
      if (rw.username) env.K6_PROMETHEUS_RW_USERNAME = rw.username;
      if (rw.password) env.K6_PROMETHEUS_RW_PASSWORD = rw.password;
      const features = new Set((outer.K6_FEATURES ?? '').split(',').filter(Boolean));
      features.add('native-histograms');
      env.K6_FEATURES = [...features].join(',');
      env.K6_PROMETHEUS_RW_PUSH_INTERVAL = o.pushInterval ?? outer.K6_PROMETHEUS_RW_PUSH_INTERVAL ?? '5s';
      args.push('-o', 'experimental-prometheus-rw');
    }
  }
  args.push(...(o.k6Args ?? []), ctx.bundle);
  return { args, env, testid, remoteWrite };
}

/** What k6's exit codes mean (k6 v2). */
export const K6_EXIT_MEANING: Record<number, string> = {
  0: 'passed',
  99: 'thresholds crossed',
  100: 'setup timed out',
  101: 'teardown timed out',
  104: 'invalid configuration',
  105: 'aborted by a signal',
  107: 'script exception',
  108: 'aborted by test.abort()',
  110: 'marked as failed',
};

export function exitMeaning(code: number | null): string {
  if (code === null) return 'killed';
  return K6_EXIT_MEANING[code] ?? `exit code ${code}`;
}
