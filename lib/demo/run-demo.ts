/**
 * `stormdrill demo`, the main job on the embedded default: Prometheus, then a Sentinel
 * group behind HAProxy (started by a real primary-failover drill), with a Redis exporter
 * per node and the demo service attached; a short bench through HAProxy, a k6 stress run
 * against the demo service (when k6 is present), then the drill's continuous writer
 * through a kill -9 of the primary. Every part pushes or is scraped into the one
 * Prometheus, under one testid; the dashboards' queries are run against it at the end.
 * Everything started is stopped on success, failure, SIGINT and SIGTERM.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../bundle/build.js';
import { UserError, userMessage } from '../core/errors.js';
import { registerCleanup } from '../core/lifecycle.js';
import { keyPrefix, newRunId, reportDir, testId } from '../core/naming.js';
import { writeReportFiles } from '../core/report/write-report.js';
import { checkDashboards } from '../dashboards/check.js';
import { type DemoService, startDemoService } from '../demo-service/index.js';
import { loadRunbook } from '../drill/load.js';
import { type DrillOutcome, runDrill } from '../drill/runner.js';
import { type K6RunResult, runK6 } from '../k6run/index.js';
import { locateK6 } from '../k6run/locate.js';
import { type ExporterNode, startRedisExporter } from '../stack/exporter.js';
import { stopAll } from '../stack/local-stack.js';
import { PortAllocator } from '../stack/ports.js';
import { type PrometheusNode, type ScrapeTargets, startPrometheus } from '../stack/prometheus.js';
import { makeWorkDir } from '../stack/workdir.js';
import type { Topology } from '../topology/types.js';
import { type DemoBenchResult, runDemoBench } from './demo-bench.js';
import { type DemoMirrorResult, runDemoMirror } from './demo-mirror.js';

export interface DemoOptions {
  runId?: string;
  /** Requests per bench test (SET and GET). */
  benchRequests?: number;
  /** Duration of the k6 stress hold phase. */
  k6Duration?: string;
  /** Skip k6 even when it is installed. */
  noK6?: boolean;
  /** The failover runbook and its variant (default haproxy-failover, fault=crash). */
  runbook?: string;
  /** Directory under which reports/<run-id>/ is written (default: the working directory). */
  reportRoot?: string;
  /** After the run, keep Prometheus (with every series of the run) up until Ctrl-C. */
  keep?: boolean;
  log?: (line: string) => void;
}

export interface DemoResult {
  runId: string;
  testid: string;
  reportDir: string;
  prometheus: string;
  bench: DemoBenchResult | null;
  /** The mirror step: users' flows through `stormdrill mirror` to a second deployment. */
  mirror: DemoMirrorResult | null;
  k6: { ran: boolean; reason: string | null; exitCode: number | null; meaning: string | null };
  drill: {
    runbook: string;
    status: string;
    exitCode: number;
    writeUnavailableMs: number | null;
    readUnavailableMs: number | null;
    failoverSeconds: number | null;
    ackedLost: number | null;
    fullSyncs: number | null;
    checks: Array<{ name: string; ok: boolean; limit: string; measured: unknown }>;
  } | null;
  /**
   * Every panel query of the committed dashboards run against this run's data. Empty panels
   * are kinds of events the run did not cause (no fill, no OOM, no maxmemory set).
   */
  dashboards: { checked: string[]; queries: number; empty: number; errors: number; emptyPanels: string[] } | null;
  /** 0 when every part succeeded and every drill check passed. */
  exitCode: number;
  files: string[];
}

/** The committed dashboard JSON models, by file name. */
function committedDashboards(): Record<string, unknown> {
  const dir = join(PROJECT_ROOT, 'grafana/dashboards');
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) out[f] = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  return out;
}

function k6Available(): string | null {
  try {
    locateK6();
    return null;
  } catch (err) {
    return userMessage(err);
  }
}

export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const log = o.log ?? (() => {});
  const runId = o.runId ?? newRunId();
  const testid = testId(runId);
  const root = resolve(o.reportRoot ?? process.cwd());
  const dir = join(root, reportDir(runId));
  const ports = new PortAllocator();
  const work = makeWorkDir(`demo-${runId}`);
  const started: Array<{ stop(): Promise<void> } | null> = [];
  const unregister = registerCleanup('demo', async () => {
    await stopAll(started);
    work.remove();
  });

  const result: DemoResult = {
    runId,
    testid,
    reportDir: dir,
    prometheus: '',
    bench: null,
    mirror: null,
    k6: { ran: false, reason: null, exitCode: null, meaning: null },
    drill: null,
    dashboards: null,
    exitCode: 0,
    files: [],
  };
  const startMs = Date.now();
  let prometheus: PrometheusNode | null = null;
  try {
    prometheus = await startPrometheus({ port: await ports.take(), dir: join(work.path, 'prometheus'), scrapeInterval: '2s' });
    started.push(prometheus);
    result.prometheus = prometheus.url;
    log(`run ${runId}: Prometheus ${prometheus.url} (remote write ${prometheus.remoteWriteUrl})`);

    const loaded = loadRunbook(o.runbook ?? 'haproxy-failover', { set: o.runbook ? {} : { fault: 'crash' } });
    const plan = loaded.plans[0];
    if (!plan) throw new UserError(`runbook ${loaded.name} has no variant to run`);
    const prom = prometheus;
    const k6Missing = o.noK6 ? 'disabled with --no-k6' : k6Available();

    let demo: DemoService | null = null;
    const attach = async (t: Topology): Promise<void> => {
      // A Redis exporter per node, the demo service and stormdrill's own pushes all land in
      // the one Prometheus under this run's testid.
      const exporters: ExporterNode[] = [];
      for (const n of t.nodes) {
        const e = await startRedisExporter({
          port: await ports.take(),
          dir: join(work.path, 'exporters'),
          redisPort: n.port,
          password: t.password,
        });
        started.push(e);
        exporters.push(e);
      }
      const endpoint = t.endpoint.kind === 'direct' ? t.endpoint : null;
      if (!endpoint)
        throw new UserError(`the demo needs a runbook whose topology clients reach at one address (haproxy, standalone), not ${t.kind}`);
      demo = await startDemoService({
        port: await ports.take(),
        redis: `redis://${endpoint.host}:${endpoint.port}`,
        password: t.password,
        runId,
      });
      started.push(demo);
      const targets: ScrapeTargets = {
        redis: t.nodes.map((n, i) => ({
          targets: [(exporters[i] as ExporterNode).target],
          labels: { redis_node: `${n.host}:${n.port}`, node: n.name, testid },
        })),
        demo: [{ targets: [demo.url.replace(/^http:\/\//, '')], labels: { testid } }],
      };
      prom.setTargets(targets);
      log(
        `demo service ${demo.url} on HAProxy ${endpoint.host}:${endpoint.port}; ${exporters.length} Redis exporters scraped by Prometheus`,
      );

      log(`bench: SET and GET through HAProxy, ${o.benchRequests ?? 50_000} requests each`);
      result.bench = await runDemoBench({
        host: endpoint.host,
        port: endpoint.port,
        password: t.password,
        requests: o.benchRequests ?? 50_000,
        keyPrefix: `${keyPrefix(runId)}bench:`,
        promRw: prom.remoteWriteUrl,
        testid,
      });
      for (const line of result.bench.lines) log(`  ${line}`);

      log('mirror: a second deployment of the demo service on its own Redis; users go through `stormdrill mirror`');
      result.mirror = await runDemoMirror({
        primaryUrl: (demo as DemoService).url,
        runId,
        testid,
        promRw: prom.remoteWriteUrl,
        ports,
        workDir: work.path,
        started,
      });
      log(`  ${result.mirror.line}`);

      if (k6Missing) {
        result.k6.reason = k6Missing;
        log(`k6 stress: skipped (${k6Missing})`);
      } else {
        log(`k6 stress against the demo service for ${o.k6Duration ?? '10s'}, remote write to Prometheus`);
        const k6: K6RunResult = await runK6({
          scenario: 'stress',
          baseUrl: demo.url,
          promRw: prom.remoteWriteUrl,
          pushInterval: '1s',
          runId,
          reportRoot: root,
          knobs: { duration: o.k6Duration ?? '10s', ramp: '2s', vus: 10 },
          log: (l) => log(`  ${l}`),
        });
        result.k6 = { ran: true, reason: null, exitCode: k6.exitCode, meaning: k6.meaning };
        log(`  k6 exit ${k6.exitCode} (${k6.meaning})`);
      }
      log(`drill ${plan.runbook}: continuous writes while the primary is killed (kill -9)`);
    };

    const outcome: DrillOutcome = await runDrill({
      plan,
      runId,
      reportDir: join(dir, 'drill'),
      ports,
      workRoot: work.path,
      remoteWrite: { url: prom.remoteWriteUrl },
      log: (l) => log(`  ${l}`),
      beforeSteps: attach,
    });
    const r = outcome.report;
    result.drill = {
      runbook: r.runbook,
      status: r.status,
      exitCode: outcome.exitCode,
      writeUnavailableMs: r.writeUnavailableMs,
      readUnavailableMs: r.readUnavailableMs,
      failoverSeconds: r.failoverSeconds,
      ackedLost: r.ackedLost,
      fullSyncs: r.fullSyncs,
      checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, limit: c.limit, measured: c.measured })),
    };
    result.files.push(...outcome.files);
    await (demo as DemoService | null)?.stop();

    // One more scrape, then run every dashboard query against what this run produced.
    await new Promise((r2) => setTimeout(r2, 3000));
    const dashboards = committedDashboards();
    // Without a k6 run nothing can feed the k6 dashboard: leave it out rather than count it empty.
    if (!result.k6.ran) delete dashboards['k6.json'];
    const check = await checkDashboards({
      prometheusUrl: prom.url,
      dashboards,
      fromMs: startMs - 60_000,
      toMs: Date.now() + 5_000,
      scrapeIntervalMs: 2000,
      pins: Object.fromEntries(Object.keys(dashboards).map((f) => [f, [{ testid }]])),
      picks: ['all'],
    });
    result.dashboards = {
      checked: Object.keys(dashboards),
      queries: check.queries,
      empty: check.problems.filter((p) => p.kind === 'empty').length,
      errors: check.problems.filter((p) => p.kind !== 'empty').length,
      emptyPanels: check.problems.map((p) => `${p.where} (${p.kind})`).slice(0, 50),
    };

    const partsOk =
      (result.bench?.errors ?? 1) === 0 &&
      (result.mirror?.differed ?? 1) === 0 &&
      (result.mirror?.clientErrors ?? 1) === 0 &&
      (!result.k6.ran || result.k6.exitCode === 0);
    result.exitCode = outcome.exitCode !== 0 ? outcome.exitCode : partsOk ? 0 : 1;
    result.files.push(...writeReportFiles(dir, { 'demo.json': `${JSON.stringify(result, null, 2)}\n`, 'demo.md': demoMarkdown(result) }));

    if (o.keep) {
      log(`--keep: Prometheus stays up at ${prom.url} (query {testid="${testid}"}); press Ctrl-C to stop`);
      await new Promise<void>(() => {
        /* until SIGINT/SIGTERM runs the cleanups */
      });
    }
    return result;
  } finally {
    unregister();
    await stopAll(started);
    work.remove();
    log('everything the demo started is stopped');
  }
}

export function demoMarkdown(r: DemoResult): string {
  const lines = [`# stormdrill demo ${r.runId}`, '', `testid \`${r.testid}\`; Prometheus was ${r.prometheus}.`, ''];
  if (r.bench) {
    lines.push('## Bench (through HAProxy)', '', ...r.bench.lines.map((l) => `- ${l}`), '');
  }
  if (r.mirror) lines.push('## Mirror (a second deployment, answers compared)', '', `- ${r.mirror.line}`, '');
  lines.push(
    '## k6 stress against the demo service',
    '',
    r.k6.ran ? `- exit ${r.k6.exitCode} (${r.k6.meaning})` : `- skipped: ${r.k6.reason}`,
    '',
  );
  if (r.drill) {
    const d = r.drill;
    lines.push(
      `## Drill ${d.runbook}: ${d.status}`,
      '',
      `- write unavailability: ${d.writeUnavailableMs ?? 'n/a'} ms; read unavailability: ${d.readUnavailableMs ?? 'n/a'} ms`,
      `- failover: ${d.failoverSeconds ?? 'n/a'} s; acknowledged writes lost: ${d.ackedLost ?? 'n/a'}; full syncs: ${d.fullSyncs ?? 'n/a'}`,
      '',
      '| check | verdict | limit | measured |',
      '| --- | --- | --- | --- |',
      ...d.checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : 'FAIL'} | ${c.limit} | ${String(c.measured)} |`),
      '',
    );
  }
  if (r.dashboards) {
    lines.push(
      '## Dashboards',
      '',
      `${r.dashboards.queries} panel queries of ${r.dashboards.checked.join(', ')} run against this run's data: ${r.dashboards.empty} empty (nothing of that kind happened in this run), ${r.dashboards.errors} errors.`,
      ...r.dashboards.emptyPanels.map((p) => `- ${p}`),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}
