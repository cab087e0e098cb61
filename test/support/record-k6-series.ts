/**
 * Re-records the sample of real k6 remote-write series that the k6 emulation is checked
 * against (test/fixtures/k6/remote-write-series.k6-<version>.json):
 *
 *   K6_BIN=/path/to/k6 node --import tsx test/support/record-k6-series.ts
 *
 * It runs the given k6 (it does not build or download one) twice with the stress bundle
 * against the demo service on a local redis-server, with `-o experimental-prometheus-rw`
 * into a Prometheus on loopback (remote-write receiver, native histograms): once with
 * K6_FEATURES=native-histograms, once with trend stats. Then it reads every series of each
 * run back through Prometheus' query API and writes their names, label sets and kinds
 * (native histograms with their bucket schema). Everything it starts is stopped, also on
 * Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { request } from 'undici';
import { buildScenarios, PROJECT_ROOT } from '../../lib/bundle/index.js';
import { startDemoService } from '../../lib/demo-service/index.js';
import { planK6Run } from '../../lib/k6run/plan.js';
import { spawnManaged, startLocalStack, waitUntil } from '../../lib/stack/index.js';
import { type K6SeriesFixture, type K6SeriesRun, type PromInstantSeries, shapesFromPrometheus } from './k6-series.js';

export const FIXTURE_DIR = join(PROJECT_ROOT, 'test/fixtures/k6');
const TREND_STATS = 'p(50),p(95),p(99),max';
const KNOBS = { duration: '4s', ramp: '1s', rate: 10, maxVus: 6 };

async function main(): Promise<void> {
  const k6 = process.env.K6_BIN;
  if (!k6) {
    console.error('record-k6-series: K6_BIN is not set: pass the k6 binary to record with, e.g. K6_BIN=/usr/local/bin/k6');
    process.exit(2);
  }
  const versionLine = (await execa(k6, ['version'], { reject: false })).stdout;
  const version = /k6 (v\d+\.\d+\.\d+)/.exec(versionLine)?.[1];
  if (!version) {
    console.error(`record-k6-series: ${k6} does not answer 'k6 version' with a version (got '${versionLine.split('\n')[0]}')`);
    process.exit(2);
  }
  const promVersion = /version (\S+)/.exec((await execa('prometheus', ['--version'], { reject: false })).stdout)?.[1] ?? 'unknown';

  const stack = await startLocalStack({ label: 'k6-series', exporter: false, prometheus: true, scrapeInterval: '1s' });
  const prom = stack.prometheus;
  if (!prom) throw new Error('the local stack started without Prometheus');
  const demo = await startDemoService({ port: 0, redis: stack.redis.url, runId: 'k6-series-demo' });
  try {
    await waitUntil('the demo service to reach Redis', async () => demo.redisReady, 15_000);
    const [bundle] = (await buildScenarios(['stress'], join(stack.dir, 'bundles'))).bundles;
    const runs: K6SeriesRun[] = [];
    for (const mode of ['native-histograms', 'trend-stats'] as const) {
      const runId = `k6-series-${mode}`;
      const plan = planK6Run(
        { scenario: 'stress', baseUrl: demo.url, promRw: prom.remoteWriteUrl, pushInterval: '1s', knobs: KNOBS },
        { runId, bundle: bundle as string, summaryDir: join(stack.dir, runId) },
      );
      const env = { ...plan.env };
      if (mode === 'trend-stats') {
        delete env.K6_FEATURES;
        env.K6_PROMETHEUS_RW_TREND_STATS = TREND_STATS;
      }
      console.log(`record-k6-series: k6 ${version}, ${mode}: k6 ${plan.args.join(' ')}`);
      const run = spawnManaged({
        name: `k6:${mode}`,
        command: k6,
        args: ['--quiet', ...plan.args],
        cwd: stack.dir,
        logFile: join(stack.dir, `${runId}.log`),
        env,
      });
      await run.exited;
      if (run.exit?.code !== 0) throw new Error(`k6 (${mode}) exited ${run.exit?.code}: ${run.tail(10)}`);
      // the last push lands at the end of the run; read the series once it is there
      let result: PromInstantSeries[] = [];
      await waitUntil(
        `the ${mode} series in Prometheus`,
        async () => {
          const res = await request(
            `${prom.url}/api/v1/query?${new URLSearchParams({ query: `{__name__=~"k6_.+", testid="${plan.testid}"}` })}`,
          );
          const body = (await res.body.json()) as { data?: { result?: PromInstantSeries[] } };
          result = body.data?.result ?? [];
          return result.some((r) => r.metric.__name__ === 'k6_iterations_total');
        },
        15_000,
      );
      const settings = Object.fromEntries(
        Object.entries(env).filter(([k]) => k === 'K6_FEATURES' || (k.startsWith('K6_PROMETHEUS_RW_') && !k.endsWith('SERVER_URL'))),
      );
      runs.push({ mode, env: settings, series: shapesFromPrometheus(result) });
    }
    const fixture: K6SeriesFixture = {
      k6: version,
      prometheus: promVersion,
      recordedAt: new Date().toISOString().slice(0, 10),
      how: `scripts/stress.ts bundle, stress profile (${JSON.stringify(KNOBS)}), against the demo service on a local redis-server; read back with an instant query {__name__=~"k6_.+", testid="..."}`,
      runs,
    };
    mkdirSync(FIXTURE_DIR, { recursive: true });
    const out = join(FIXTURE_DIR, `remote-write-series.k6-${version}.json`);
    writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
    console.log(`record-k6-series: ${runs.map((r) => `${r.mode} ${r.series.length} series`).join(', ')} → ${relative(PROJECT_ROOT, out)}`);
  } finally {
    await demo.stop();
    await stack.stop();
  }
}

await main();
