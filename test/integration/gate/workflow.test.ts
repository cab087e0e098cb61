/**
 * The CI workflow (.github/workflows/perf.yml): actionlint checks it (tools/setup.sh
 * installs actionlint; missing, this test fails), and its `run:` steps run here, in the
 * workflow's order, in a copy of the project, with the Redis service container replaced by
 * a redis-server on loopback and the demo port from this file's namespace. It runs twice,
 * as the push to main that keeps the baseline and as a pull request gated against it.
 * The `uses:` steps are stood in for by what they do (the checkout is the copy, the cache
 * is a directory, the k6 setup puts K6_BIN's directory on PATH); `npm ci` is replaced by
 * the repository's node_modules. Without k6 the k6 steps print "skipped: no k6".
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { findBinary } from '../../../lib/stack/binaries.js';
import { useTestEnv } from '../../support/env.js';
import { k6Bin } from '../../support/k6.js';
import { alive } from '../../support/processes.js';
import { stageCopy } from '../../support/stage.js';

const env = useTestEnv({
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
  redis: true,
});
const WORKFLOW = join(PROJECT_ROOT, '.github/workflows/perf.yml');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  env: Record<string, string>;
  services: Record<string, { image: string; ports: string[] }>;
  steps: Step[];
}

type Event = 'push' | 'pull_request';

/** The `if:` expressions the workflow uses; any other fails the test (extend on purpose). */
function condition(expr: string | undefined, event: Event, failed: boolean): boolean {
  const e = (expr ?? '').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  if (e === '') return !failed;
  if (e === 'always()') return true;
  if (e === '!cancelled()') return true;
  if (e === "github.event_name == 'push' && github.ref == 'refs/heads/main'") return !failed && event === 'push';
  throw new Error(`perf.yml: the test does not know the condition '${e}'`);
}

const pids = new Set<number>();
afterAll(() => {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

describe('the CI workflow (perf.yml)', () => {
  it('passes actionlint', () => {
    const actionlint = findBinary('actionlint');
    if (!actionlint) throw new Error('actionlint is not installed: run npm run setup (tools/setup.sh installs it with go install)');
    const r = spawnSync(actionlint, ['-no-color', WORKFLOW], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('runs its run: steps locally in order: the push to main keeps a baseline, the pull request is gated against it', async () => {
    const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };
    expect(Object.keys(workflow.on)).toContain('pull_request');
    const job = workflow.jobs.gate as Job;
    expect(Object.values(job.services).map((s) => s.image)).toEqual([expect.stringMatching(/^redis:\d+\.\d+\.\d+$/)]);
    expect(job.services.redis?.ports).toEqual([`${job.env.REDIS_PORT}:6379`]);

    const cache = env.tmpDir('actions-cache');
    const demoPort = await env.ports.take();
    const log: string[] = [];
    const summaries: Record<Event, string> = { push: '', pull_request: '' };
    let lastWork = '';

    for (const event of ['push', 'pull_request'] as Event[]) {
      const work = stageCopy(`workflow-${event}`, ['.github']);
      lastWork = work;
      const summary = join(work, '..', `summary-${event}.md`);
      writeFileSync(summary, '');
      const stepEnv: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...job.env,
        // the Redis service container → this file's redis-server on loopback
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(env.redis.port),
        DEMO_PORT: String(demoPort),
        RUN_ID: `${env.namespace.runId}-wf-${event === 'push' ? 'main' : 'pr'}`,
        GITHUB_EVENT_NAME: event,
        GITHUB_REF: event === 'push' ? 'refs/heads/main' : 'refs/pull/1/merge',
        GITHUB_STEP_SUMMARY: summary,
        CI: 'true',
      };
      let failed = false;
      let k6 = false;
      for (const step of job.steps) {
        const label = step.id ?? step.uses ?? step.name ?? '?';
        if (!condition(step.if, event, failed)) {
          log.push(`${event} ${label}: not run (if)`);
          continue;
        }
        if (step.uses) {
          const action = step.uses.replace(/@.*$/, '');
          if (action === 'actions/checkout' || action === 'actions/setup-node') {
            // the copy of the project is the checkout; this Node is the one set up
          } else if (action === 'actions/cache/restore') {
            const saved = join(cache, 'perf-baseline');
            if (existsSync(saved)) cpSync(saved, join(work, String(step.with?.path)), { recursive: true });
          } else if (action === 'actions/cache/save') {
            cpSync(join(work, String(step.with?.path)), join(cache, 'perf-baseline'), { recursive: true });
          } else if (action === 'grafana/setup-k6-action') {
            k6 = k6Bin !== null;
            if (k6Bin) stepEnv.PATH = `${dirname(k6Bin)}${delimiter}${stepEnv.PATH}`;
          } else if (action === 'actions/upload-artifact') {
            for (const p of ['perf/gate-bench.xml', 'perf/bench.json']) expect(existsSync(join(work, p)), p).toBe(true);
          } else {
            throw new Error(`perf.yml uses ${step.uses}, which this test does not stand in for`);
          }
          log.push(`${event} ${label}: stood in for`);
          continue;
        }
        const script = step.run as string;
        expect(script, `${label}: no \${{ }} in run: scripts (pass values through env)`).not.toMatch(/\$\{\{/);
        if (step.id === 'install') {
          log.push(`${event} ${label}: node_modules linked instead of npm ci`);
          continue;
        }
        if (step.id?.startsWith('k6-') && !k6) {
          console.log(`skipped: no k6 (perf.yml step ${step.id}); set K6_BIN or put k6 on PATH to run it`);
          log.push(`${event} ${label}: skipped: no k6`);
          continue;
        }
        if (step.id === 'k6-smoke') mkdirSync(join(work, 'perf'), { recursive: true });
        const r = spawnSync('bash', ['-e', '-c', script], { cwd: work, env: stepEnv, encoding: 'utf8', timeout: 180_000 });
        const pidFile = join(work, 'perf/demo-service.pid');
        if (existsSync(pidFile)) pids.add(Number(readFileSync(pidFile, 'utf8')));
        log.push(`${event} ${label}: exit ${r.status}`);
        if (r.status !== 0) {
          // a gate may fail on a real regression between two runs on a busy machine; anything else is a broken step
          expect(step.id, `${label} failed:\n${r.stdout}\n${r.stderr}`).toMatch(/gate$/);
          expect(r.stdout).toMatch(/gate: FAILED/);
          failed = true;
        }
      }
      summaries[event] = readFileSync(summary, 'utf8');
      if (event === 'push') expect(existsSync(join(cache, 'perf-baseline/bench.json')), log.join('\n')).toBe(true);
      // the stop step sent SIGTERM: the demo service closes its connections and exits
      for (let i = 0; i < 100 && [...pids].some(alive); i++) await new Promise((r) => setTimeout(r, 50));
      for (const pid of pids) expect(alive(pid), `demo service ${pid} still running 5 s after the stop step`).toBe(false);
      rmSync(join(work, 'node_modules'));
    }

    // the order the workflow gives, for each event
    const ran = (event: Event) =>
      log.filter((l) => l.startsWith(`${event} `) && !/not run|skipped/.test(l)).map((l) => l.split(' ')[1]?.replace(/:$/, ''));
    expect(ran('push').slice(0, 5)).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'install', 'build', 'baseline']);
    expect(ran('push')).toContain('keep-baseline');
    expect(ran('pull_request')).not.toContain('keep-baseline');

    // the job summary: the push had no baseline (rules only), the pull request compares with it
    expect(summaries.push).toMatch(/^### stormdrill gate: passed \(2 checks\)$/m);
    expect(summaries.push).toMatch(/^\| SET\.errors<=0 \| rule \| SET\.errors = 0 \| {2}\| ✅ pass \|$/m);
    const pr = summaries.pull_request;
    expect(pr).toMatch(/^### stormdrill gate: (passed|FAILED) /m);
    for (const stat of ['SET.rps', 'SET.p99', 'GET.rps', 'GET.p50'])
      expect(pr).toMatch(
        new RegExp(
          `^\\| ${stat.replace('.', '\\.')} \\| baseline \\| [^|]+ vs baseline [^|]+ \\| [+-]\\d+\\.\\d % \\| (✅ pass|❌ fail) \\|$`,
          'm',
        ),
      );
    if (k6Bin) expect(pr).toMatch(/^\| http_req_failed\.rate<0\.01 \| rule \| http_req_failed\.rate = 0 \|/m);
    const junit = readFileSync(join(lastWork, 'perf/gate-bench.xml'), 'utf8');
    expect(junit).toMatch(/<testcase name="SET\.errors&lt;=0" classname="gate\.rule"/);
    expect(junit).toMatch(/<testcase name="SET\.rps" classname="gate\.baseline"/);
  }, 400_000);
});
