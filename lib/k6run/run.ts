/**
 * Run one k6 scenario: build its bundle if stale, start k6 (a managed process, so it is
 * always stopped), stream its output, then move the summary files handleSummary wrote into
 * reports/<run-id>/ (atomic renames, summary.json checked first) and write run.json.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLE_DIR, buildScenarios, bundleIsStale, checkBundleFile, scenarioNames } from '../bundle/index.js';
import { OptionsError, UserError } from '../core/errors.js';
import { followFile } from '../core/follow-file.js';
import { newRunId, reportDir } from '../core/naming.js';
import { writeReportFiles } from '../core/report/write-report.js';
import { DEFAULT_BASE_URL } from '../k6/config.js';
import type { StableSummary } from '../k6/summary.js';
import { spawnManaged } from '../stack/process.js';
import { locateK6 } from './locate.js';
import { type K6RunOptions, validate } from './options.js';
import { exitMeaning, planK6Run } from './plan.js';

export interface K6RunResult {
  runId: string;
  testid: string;
  exitCode: number;
  meaning: string;
  reportDir: string;
  /** Files written under reportDir. */
  files: string[];
  /** The parsed summary.json, when k6 got as far as handleSummary. */
  summary: StableSummary | null;
  remoteWrite: string | null;
}

export const SUMMARY_FILES = ['summary.json', 'summary.md', 'junit.xml'];

/** One GET of the target's /healthz: any HTTP answer means it is reachable. */
export async function checkReachable(baseUrl: string, timeoutMs = 3000): Promise<void> {
  try {
    const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const cause = e.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new UserError(
      `--base-url ${baseUrl} is unreachable (${cause}): start the demo service with \`stormdrill demo-service\` or pass the right --base-url`,
    );
  }
}

export async function runK6(o: K6RunOptions): Promise<K6RunResult> {
  const scenarios = scenarioNames();
  const problems = validate(o, scenarios);
  if (problems.length) throw new OptionsError(problems);
  const k6 = locateK6(o.k6Bin);
  const log = o.log ?? (() => {});
  await checkReachable(o.baseUrl ?? DEFAULT_BASE_URL);
  const runId = o.runId ?? newRunId();
  const dir = resolve(o.reportRoot ?? process.cwd(), reportDir(runId));
  if (existsSync(join(dir, 'run.json'))) throw new UserError(`${dir} already holds a k6 run: choose another --run-id`);

  if (bundleIsStale(o.scenario)) {
    log(`building dist/k6/${o.scenario}.js (sources changed)`);
    await buildScenarios([o.scenario]);
  }
  const bundle = join(BUNDLE_DIR, `${o.scenario}.js`);
  const bad = checkBundleFile(bundle);
  if (bad.length)
    throw new UserError(`bundle ${bundle} fails the bundle check: ${bad.map((p) => p.problem).join('; ')}: run npm run build`);

  const staging = join(dir, '.k6-summary');
  mkdirSync(staging, { recursive: true });
  const plan = planK6Run(o, { runId, bundle, summaryDir: staging, env: process.env });
  log(`k6 ${o.scenario}: testid ${plan.testid}, remote write ${plan.remoteWrite ?? 'off (no --prom-rw / K6_PROMETHEUS_RW_SERVER_URL)'}`);
  const logFile = join(dir, 'k6.log');
  const startedAt = new Date().toISOString();
  const proc = spawnManaged({ name: `k6:${o.scenario}`, command: k6, args: plan.args, cwd: dir, logFile, env: plan.env });
  const tail = followFile(logFile, o.onOutput ?? (() => {}));
  const timer = setInterval(() => tail.poll(), 200);
  try {
    await proc.exited;
  } finally {
    clearInterval(timer);
    tail.flush();
  }
  const exitCode = proc.exit?.code ?? 1;

  // move what handleSummary wrote into place; a summary.json that does not parse is left out
  const files: string[] = [logFile];
  let summary: StableSummary | null = null;
  for (const f of SUMMARY_FILES) {
    const from = join(staging, f);
    if (!existsSync(from) || statSync(from).size === 0) continue;
    if (f === 'summary.json') {
      try {
        summary = JSON.parse(readFileSync(from, 'utf8')) as StableSummary;
      } catch {
        log('summary.json from k6 is not valid JSON: left out of the report');
        continue;
      }
    }
    renameSync(from, join(dir, f));
    files.push(join(dir, f));
  }
  rmSync(staging, { recursive: true, force: true });
  const meaning = exitMeaning(proc.exit?.code ?? null);
  const run = {
    runId,
    testid: plan.testid,
    scenario: o.scenario,
    profile: summary?.profile ?? o.profile ?? null,
    baseUrl: summary?.baseUrl ?? o.baseUrl ?? null,
    remoteWrite: plan.remoteWrite,
    k6Args: plan.args,
    startedAt,
    finishedAt: new Date().toISOString(),
    exitCode,
    meaning,
    thresholdsPassed: summary ? summary.passed : null,
  };
  files.push(...writeReportFiles(dir, { 'run.json': `${JSON.stringify(run, null, 2)}\n` }));
  return { runId, testid: plan.testid, exitCode, meaning, reportDir: dir, files, summary, remoteWrite: plan.remoteWrite };
}
