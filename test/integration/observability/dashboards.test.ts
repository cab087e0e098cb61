/**
 * THE dashboard-query test. Grafana cannot run here, so this runs every panel query and
 * annotation of every provisioned dashboard (grafana/dashboards/*.json), with its template
 * variables resolved the way Grafana resolves them, against a real Prometheus holding
 * real data from a short run:
 *  - a Sentinel group (primary + 2 replicas + 3 Sentinels) with one redis_exporter per
 *    node, through a real Sentinel failover;
 *  - the demo service's /metrics, under k6 load (real k6 when present, otherwise real HTTP
 *    requests recorded as k6-shaped series and pushed by our remote-write code);
 *  - bench (runBench), fill (runFill), the continuous writer through the failover
 *    (startWriter) and a drill (runDrill), each pushing its own metrics by remote write;
 *  - clean runs on a redis-server of their own: a demo service that answers only 2xx and a
 *    writer without a window, whose panels must show 0 (errors, windows), not "No data".
 * It fails on any query that errors or returns nothing, naming dashboard and panel.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS as BENCH_DEFAULTS, runBench } from '../../../lib/bench/index.js';
import { BenchMetrics } from '../../../lib/bench/metrics.js';
import { METRICS } from '../../../lib/core/metric-names.js';
import { keyPrefix } from '../../../lib/core/naming.js';
import {
  checkDashboards,
  DASHBOARDS,
  dashboardQueries,
  formatDashboardProblem,
  interpolate,
  panelsNaming,
  panelsNotNaming,
  templateContext,
} from '../../../lib/dashboards/index.js';
import { type DemoService, type RedisTarget, startDemoService } from '../../../lib/demo-service/index.js';
import { FillMetrics, runFill, startWriter, WriteMetrics, type WriteResult } from '../../../lib/integrity/index.js';
import { runK6 } from '../../../lib/k6run/index.js';
import { MirrorMetrics, startMirrorProxy } from '../../../lib/mirror/index.js';
import { pushSeries, type RemoteWritePusher, startRemoteWritePush } from '../../../lib/observability/index.js';
import {
  type ExporterNode,
  makeWorkDir,
  type PrometheusNode,
  type RedisNode,
  redisOnce,
  spawnManaged,
  startPrometheus,
  startRedisExporter,
  startRedisServer,
  waitUntil,
} from '../../../lib/stack/index.js';
import type { Topology } from '../../../lib/topology/types.js';
import { httpCall } from '../../support/http.js';
import { announceK6Tier, k6Bin } from '../../support/k6.js';
import { labelSetsByName, type PromInstantSeries, type SeriesShape, shapesFromPrometheus } from '../../support/k6-series.js';
import { K6ShapedMetrics } from '../../support/k6-shape.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { promGet } from '../../support/prom.js';
import { startTestTopology, viaSentinels } from '../../support/topology.js';
import { waitMoreAcks, waitNewMaster } from '../../support/wait.js';
import { feedClusterDrill, feedDrill } from './drill-feed.js';
import { emulateK6Run } from './k6-emulation.js';

/** The drills dashboard's cluster partition panels name these. */
const CLUSTER_PARTITION = [
  METRICS.drill.cutOffAcceptedMs,
  METRICS.drill.clusterNodeTimeoutMs,
  METRICS.drill.cutOffWrites,
  METRICS.drill.cutOffReads,
];
const GRAFANA_DASHBOARDS = join(import.meta.dirname, '../../../grafana/dashboards');
const id = (suffix: string) => `${namespace.runId}-${suffix}`.slice(0, 48);
const T = {
  k6native: id('k6n'),
  k6trend: id('k6t'),
  k6synthetic: id('k6s'),
  bench: id('bench'),
  fill: id('fill'),
  write: id('write'),
  demo: id('demo'),
  mirror: id('mirror'),
  mirrorSvc: id('mirror-svc'),
  demoClean: id('demo-clean'),
  writeClean: id('write-clean'),
};

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
  histogram?: unknown;
  histograms?: unknown[];
}

let prom: PrometheusNode;
let group: Topology;
let demo: DemoService;
let cleanRedis: RedisNode;
let demoClean: DemoService;
let cleanWrite: WriteResult | null = null;
const cleanStatuses: number[] = [];
const exporters: ExporterNode[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
let startMs = 0;
let drillTestid: string | null = null;
let clusterDrillTestid: string | null = null;
let promotedPort = 0;
let drillEndMs = 0;
const fed: string[] = [];
const k6Real = Boolean(k6Bin);

function pusher(registry: import('prom-client').Registry, testid: string): RemoteWritePusher {
  const p = startRemoteWritePush({ url: prom.remoteWriteUrl, registry, intervalMs: 250, labels: { testid } });
  cleanups.push(() => p.stop());
  return p;
}

/** k6 load on the demo service: real k6 (native histograms, and trend stats) or the emulation. */
async function feedK6(): Promise<void> {
  if (k6Real) {
    const knobs = { duration: '5s', ramp: '1s', vus: 3, rate: 10, maxVus: 6 };
    const reportRoot = tmpDir('k6');
    const native = runK6({
      scenario: 'stress',
      baseUrl: demo.url,
      promRw: prom.remoteWriteUrl,
      pushInterval: '1s',
      runId: T.k6native,
      knobs,
      reportRoot,
    });
    // trend-stat mode (no native histograms), as runK6 always enables them: k6 directly
    const dir = tmpDir('k6-trend');
    const trend = spawnManaged({
      name: 'k6:trend-stats',
      command: k6Bin as string,
      args: [
        'run',
        '--quiet',
        '-o',
        'experimental-prometheus-rw',
        '--tag',
        `testid=${T.k6trend}`,
        join(import.meta.dirname, '../../../dist/k6/stress.js'),
      ],
      cwd: dir,
      logFile: join(dir, 'k6.log'),
      env: {
        BASE_URL: demo.url,
        TESTID: T.k6trend,
        DURATION: '5s',
        RAMP: '1s',
        VUS: '3',
        K6_NO_USAGE_REPORT: 'true',
        K6_PROMETHEUS_RW_SERVER_URL: prom.remoteWriteUrl,
        K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s',
        K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(95),p(99),max',
      },
    });
    // and our own k6-shaped series, to compare their shape with what real k6 wrote
    const synthetic = emulateK6Run({
      testid: T.k6synthetic,
      nativeHistograms: true,
      baseUrl: demo.url,
      remoteWriteUrl: prom.remoteWriteUrl,
      durationMs: 3000,
      vus: 2,
    });
    const r = await native;
    await trend.exited;
    await synthetic;
    expect(r.testid).toBe(T.k6native);
    expect([0, 99]).toContain(r.exitCode);
    expect(trend.exit?.code, trend.tail(10)).toSatisfy((c: number | null) => c === 0 || c === 99);
    fed.push('k6: real k6 (native histograms, trend stats) and the emulation');
  } else {
    await Promise.all([
      emulateK6Run({
        testid: T.k6native,
        nativeHistograms: true,
        baseUrl: demo.url,
        remoteWriteUrl: prom.remoteWriteUrl,
        durationMs: 8000,
        vus: 3,
      }),
      emulateK6Run({
        testid: T.k6trend,
        nativeHistograms: false,
        trendStats: ['p(50)', 'p(95)', 'p(99)', 'max'],
        baseUrl: demo.url,
        remoteWriteUrl: prom.remoteWriteUrl,
        durationMs: 8000,
        vus: 3,
      }),
    ]);
    fed.push('k6: emulated (no k6 binary)');
  }
}

/** The Sentinel group as a demo service's Redis target. */
function throughSentinels(): RedisTarget {
  return {
    kind: 'sentinel',
    sentinels: group.sentinels.map((s) => ({ host: s.host, port: s.port })),
    masterName: viaSentinels(group).masterName,
  };
}

/**
 * `stormdrill mirror` between the demo service and a second deployment of it (its own key
 * namespace): health checks match; reservations get their own ids on each side and no id
 * mapping is set, so reading one back differs (200 vs 404) — both outcomes reach the dashboard.
 */
async function feedMirror(): Promise<void> {
  const second = await startDemoService({
    port: await ports.take(),
    redis: throughSentinels(),
    runId: T.mirrorSvc,
  });
  cleanups.push(() => second.stop());
  await waitUntil('the mirror deployment to reach Redis', async () => second.redisReady, 15_000);
  const metrics = new MirrorMetrics(T.mirror);
  const p = pusher(metrics.registry, T.mirror);
  const proxy = await startMirrorProxy({
    listenHost: '127.0.0.1',
    listenPort: await ports.take(),
    primary: new URL(demo.url),
    mirror: new URL(second.url),
    ignoreFields: new Set(['createdAt']),
    mapFields: new Set(),
    mirrorTimeoutMs: 2000,
    mirrorConcurrency: 16,
    maxMirrorBodyBytes: 65536,
    observer: metrics,
  });
  cleanups.push(() => proxy.stop());
  for (let round = 0; round < 8; round++) {
    await httpCall(proxy.url, 'GET', '/healthz');
    await httpCall(proxy.url, 'GET', '/items');
    const r = (await httpCall(proxy.url, 'POST', '/reservations', { itemId: 'item-001', qty: 1 })).json as { id?: string };
    if (r.id) await httpCall(proxy.url, 'GET', `/reservations/${r.id}`);
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  await proxy.stop();
  await p.flush();
  const t = proxy.stats.totals();
  fed.push(`mirror: ${t.requests} requests, ${t.matches} matched, ${t.mismatches.status + t.mismatches.body} differed`);
}

async function feedBenchAndFill(): Promise<void> {
  const bench = new BenchMetrics(T.bench);
  const p = pusher(bench.registry, T.bench);
  const quiet = { out: () => {}, err: () => {}, isTTY: false };
  const primary = group.node('primary');
  await runBench(
    {
      ...BENCH_DEFAULTS,
      host: '127.0.0.1',
      port: primary.port,
      clients: 4,
      requests: 30_000,
      tests: ['set', 'get'],
      keyspace: 1000,
      quiet: true,
      keyPrefix: keyPrefix(T.bench),
    },
    quiet,
    { observer: bench },
  );
  await p.flush();
  const fill = new FillMetrics(T.fill);
  const pf = pusher(fill.registry, T.fill);
  await runFill({ connection: { host: '127.0.0.1', port: primary.port }, runId: T.fill, keys: 200_000, valueSize: 32 }, {}, fill);
  await pf.flush();
  fed.push('bench (runBench), fill (runFill)');
}

/**
 * Memory pressure on the primary: maxmemory lowered to what is used, so SETs are refused
 * with OOM (noeviction), then evict keys (allkeys-lru); then the settings are restored.
 */
async function feedMemoryPressure(): Promise<void> {
  const port = group.node('primary').port;
  const info = String(await redisOnce(port, ['INFO', 'memory']));
  const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
  const value = 'x'.repeat(64 * 1024);
  try {
    await redisOnce(port, ['CONFIG', 'SET', 'maxmemory', String(used + 32 * 1024)]);
    let oom = 0;
    // an error reply resolves as an Error value
    for (let i = 0; i < 20; i++) {
      const r = await redisOnce(port, ['SET', `${keyPrefix(T.fill)}oom:${i}`, value]);
      if (r instanceof Error && /^OOM/.test(r.message)) oom++;
    }
    expect(oom).toBeGreaterThan(0);
    await redisOnce(port, ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru']);
    for (let i = 0; i < 20; i++) await redisOnce(port, ['SET', `${keyPrefix(T.fill)}lru:${i}`, value]);
    expect(String(await redisOnce(port, ['INFO', 'stats']))).toMatch(/evicted_keys:[1-9]/);
  } finally {
    await redisOnce(port, ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction']);
    await redisOnce(port, ['CONFIG', 'SET', 'maxmemory', '128mb']);
  }
  fed.push('OOM rejections and evictions (maxmemory lowered on the primary)');
}

/** The continuous writer through a real Sentinel failover (the demo service rides it too). */
async function feedWriteThroughFailover(): Promise<void> {
  const metrics = new WriteMetrics(T.write);
  const p = pusher(metrics.registry, T.write);
  const writer = await startWriter(
    {
      connection: viaSentinels(group),
      runId: T.write,
      ledgerPath: join(tmpDir('ledger'), 'ledger.bin'),
      rate: 300,
      concurrency: 4,
      readRate: 20,
      timeoutMs: 300,
    },
    metrics,
  );
  let result: Awaited<ReturnType<typeof writer.stop>>;
  let promoted: Topology['nodes'][number];
  try {
    await waitMoreAcks(writer, 600); // two seconds of writes at 300/s before the failover
    const before = await group.currentPrimary();
    // a real failover: the primary freezes (SIGSTOP) until Sentinel promotes a replica
    before.process?.freeze();
    try {
      promoted = await waitNewMaster(group, before, 20_000);
      promotedPort = promoted.port;
    } finally {
      before.process?.thaw();
    }
    // the old primary is back and alive: only Sentinel's word moves the writer off it
    await waitMoreAcks(writer, 600);
  } finally {
    result = await writer.stop();
    await p.flush();
  }
  // the writer ended on the promoted replica, with the failover as a closed write window
  expect(result.target).toBe(`${promoted.host}:${promoted.port}`);
  expect(result.writeWindows.length).toBeGreaterThanOrEqual(1);
  expect(result.writeWindows.every((w) => !w.open)).toBe(true);
  fed.push('write (startWriter) through a Sentinel failover');
}

/**
 * Runs where nothing goes wrong, on a redis-server of their own: users' flows on a demo
 * service that answers only 2xx, and the continuous writer without an unavailability window.
 */
async function feedCleanRuns(): Promise<void> {
  await waitUntil('the clean demo service to reach Redis', async () => demoClean.redisReady, 15_000);
  const metrics = new WriteMetrics(T.writeClean);
  const p = pusher(metrics.registry, T.writeClean);
  const writer = await startWriter(
    {
      connection: { host: '127.0.0.1', port: cleanRedis.port },
      runId: T.writeClean,
      ledgerPath: join(tmpDir('ledger-clean'), 'ledger.bin'),
      rate: 100,
      concurrency: 2,
      readRate: 20,
      timeoutMs: 1000,
    },
    metrics,
  );
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await httpCall(demoClean.url, method, path, body);
      cleanStatuses.push(res.status);
      return res.json as { id?: string };
    };
    for (let round = 0; round < 6; round++) {
      await call('GET', '/healthz');
      await call('GET', '/items');
      const r = await call('POST', '/reservations', { itemId: 'item-001', qty: 1 });
      if (r.id) {
        await call('POST', `/reservations/${r.id}/confirm`);
        await call('GET', `/reservations/${r.id}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
  } finally {
    cleanWrite = await writer.stop();
    await p.flush();
  }
  fed.push(`clean runs: ${cleanStatuses.length} demo requests, ${cleanWrite?.acked} writes acknowledged`);
}

beforeAll(async () => {
  startMs = Date.now();
  const work = makeWorkDir('dashq');
  cleanups.push(async () => work.remove());
  group = await startTestTopology({
    kind: 'sentinel',
    replicas: 2,
    sentinels: 3,
    downAfterMs: 1000,
    failoverTimeoutMs: 5000,
    maxmemory: '128mb',
    faultProxies: false,
  });
  for (const node of group.nodes) {
    const e = await startRedisExporter({ port: await ports.take(), dir: work.path, redisPort: node.port });
    exporters.push(e);
    cleanups.push(() => e.stop());
  }
  demo = await startDemoService({
    port: await ports.take(),
    redis: throughSentinels(),
    runId: T.demo,
  });
  cleanups.push(() => demo.stop());
  cleanRedis = await startRedisServer({ port: await ports.take(), dir: join(work.path, 'clean') });
  cleanups.push(() => cleanRedis.stop());
  demoClean = await startDemoService({ port: await ports.take(), redis: cleanRedis.url, runId: T.demoClean });
  cleanups.push(() => demoClean.stop());
  prom = await startPrometheus({
    port: await ports.take(),
    dir: tmpDir('prometheus'),
    scrapeInterval: '1s',
    targets: {
      redis: group.nodes.map((n, i) => ({
        targets: [exporters[i]?.target as string],
        labels: { redis_node: `127.0.0.1:${n.port}`, role: i === 0 ? 'primary' : 'replica' },
      })),
      demo: [{ targets: [`127.0.0.1:${demo.port}`, `127.0.0.1:${demoClean.port}`] }],
    },
  });
  cleanups.push(() => prom.stop());
  await waitUntil('demo service to reach Redis', async () => demo.redisReady, 15_000);
  // Prometheus applies discovered targets with a few seconds' delay: load before that is lost
  await waitUntil(
    'Prometheus to scrape the exporters and the demo service',
    async () => {
      const r = await promGet(prom.url, '/api/v1/query', { query: 'count(up{job=~"redis|demo"} == 1)' });
      return Number((r.data as { result: PromResult[] }).result[0]?.value?.[1] ?? 0) === exporters.length + 2;
    },
    20_000,
  );
  // a client error, so demo_errors_total exists even if the failover costs nothing
  expect((await httpCall(demo.url, 'GET', '/no-such-route')).status).toBe(404);

  const drill = feedDrill(prom.remoteWriteUrl, ports, tmpDir('drill')).then((r) => {
    drillTestid = r.testid;
    drillEndMs = Date.now();
    fed.push(r.description);
  });
  const clusterDrill = feedClusterDrill(prom.remoteWriteUrl, ports, tmpDir('cluster-drill')).then((r) => {
    clusterDrillTestid = r.testid;
    fed.push(r.description);
  });
  await Promise.all([
    feedK6(),
    feedBenchAndFill().then(feedMemoryPressure).then(feedWriteThroughFailover),
    drill,
    clusterDrill,
    feedMirror(),
    feedCleanRuns(),
  ]);
  // let the scrapes and the last pushes land
  await new Promise((r) => setTimeout(r, 3000));
}, 150_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

/** Which runs' test ids each dashboard is checked with. */
function pins(): Record<string, Array<Record<string, string>>> {
  return {
    'k6.json': [{ testid: T.k6native }, { testid: T.k6trend }],
    'demo-service.json': [{ testid: T.demo }],
    'stormdrill.json': [{ testid: T.bench }, { testid: T.fill }, { testid: T.write }, { testid: T.mirror }],
    'drills.json': drillTestid ? [{ testid: drillTestid }] : [],
  };
}

describe('every panel of every dashboard returns data from a real Prometheus', () => {
  it('was fed by real components', () => {
    console.log(`dashboard-query test fed by: ${fed.join('; ')}`);
    if (!k6Real) announceK6Tier('dashboard queries against real k6 output');
    expect(drillTestid, 'the drill did not run').not.toBeNull();
    expect(clusterDrillTestid, 'the cluster partition drill did not run').not.toBeNull();
    expect(fed.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of Object.keys(DASHBOARDS)) {
    it(`${file}: every query, with its variables resolved (All, and every value selected)`, async () => {
      const runs = pins()[file];
      if (runs) expect(runs.length, `${file}: no run fed it`).toBeGreaterThan(0);
      const whole = JSON.parse(readFileSync(join(GRAFANA_DASHBOARDS, file), 'utf8'));
      // the cluster partition panels are the cluster partition drill's (checked below)
      const dashboard = file === 'drills.json' ? panelsNotNaming(whole, CLUSTER_PARTITION) : whole;
      const r = await checkDashboards({
        prometheusUrl: prom.url,
        dashboards: { [file]: dashboard },
        fromMs: startMs - 60_000,
        toMs: Date.now(),
        pins: pins(),
        // stormdrill.json is fed by three runs (bench, fill, write), each feeding its own
        // panels; every other dashboard must be fully fed by every run it is checked with
        // (k6.json: both the native-histogram run and the trend-stat run)
        union: ['stormdrill.json'],
      });
      expect(r.queries).toBeGreaterThan(dashboardQueries(dashboard).length);
      expect(r.problems.map(formatDashboardProblem), r.problems.map(formatDashboardProblem).join('\n')).toEqual([]);
    });
  }
});

describe('the cluster partition panels', () => {
  it('drills.json: every cluster partition panel returns data from the cluster partition drill', async () => {
    expect(clusterDrillTestid, 'the cluster partition drill did not run').not.toBeNull();
    const file = 'drills.json';
    const dashboard = panelsNaming(JSON.parse(readFileSync(join(GRAFANA_DASHBOARDS, file), 'utf8')), CLUSTER_PARTITION);
    expect(dashboardQueries(dashboard).length).toBe(4);
    const r = await checkDashboards({
      prometheusUrl: prom.url,
      dashboards: { [file]: dashboard },
      fromMs: startMs - 60_000,
      toMs: Date.now(),
      pins: { [file]: [{ testid: clusterDrillTestid as string }] },
    });
    expect(r.problems.map(formatDashboardProblem), r.problems.map(formatDashboardProblem).join('\n')).toEqual([]);
    // the writes while cut: some acknowledged before the master saw the cluster down, the rest refused, 300 in all
    const writes = await promGet(prom.url, '/api/v1/query', {
      query: `sum by (outcome) (${METRICS.drill.cutOffWrites}{testid="${clusterDrillTestid}"})`,
    });
    const byOutcome = Object.fromEntries(
      (writes.data as { result: PromResult[] }).result.map((x) => [x.metric.outcome, Number(x.value?.[1])]),
    );
    expect(byOutcome.acked).toBeGreaterThan(0);
    expect(byOutcome.refused).toBeGreaterThan(0);
    expect((byOutcome.acked ?? 0) + (byOutcome.refused ?? 0) + (byOutcome.unknown ?? 0)).toBe(300);
  });
});

describe('a clean run shows 0 where nothing went wrong, not "No data"', () => {
  const check = (file: string, dashboard: unknown, testid: string) =>
    checkDashboards({
      prometheusUrl: prom.url,
      dashboards: { [file]: dashboard },
      fromMs: startMs - 60_000,
      toMs: Date.now(),
      pins: { [file]: [{ testid }] },
    });
  const dashboardJson = (file: string) => JSON.parse(readFileSync(join(GRAFANA_DASHBOARDS, file), 'utf8'));

  it('the demo service without an error: every panel has series, errors per second by kind at 0', async () => {
    expect(cleanStatuses.length).toBeGreaterThanOrEqual(24);
    expect(cleanStatuses.filter((s) => s < 200 || s > 299)).toEqual([]);
    const r = await check('demo-service.json', dashboardJson('demo-service.json'), T.demoClean);
    expect(r.problems.map(formatDashboardProblem), r.problems.map(formatDashboardProblem).join('\n')).toEqual([]);
    const errors = await promGet(prom.url, '/api/v1/query', { query: `sum(demo_errors_total{testid="${T.demoClean}"})` });
    expect((errors.data as { result: PromResult[] }).result.map((x) => x.value?.[1])).toEqual(['0']);
  });

  it('the continuous writer without a window: its panels have series, windows and time unavailable at 0', async () => {
    expect(cleanWrite?.acked).toBeGreaterThan(0);
    expect({ write: cleanWrite?.writeWindows, read: cleanWrite?.readWindows }).toEqual({ write: [], read: [] });
    const r = await check('stormdrill.json', panelsNaming(dashboardJson('stormdrill.json'), ['stormdrill_write_']), T.writeClean);
    expect(r.queries).toBeGreaterThan(0);
    expect(r.problems.map(formatDashboardProblem), r.problems.map(formatDashboardProblem).join('\n')).toEqual([]);
    const windows = await promGet(prom.url, '/api/v1/query', {
      query: `sum by (op) (stormdrill_write_unavailability_windows_total{testid="${T.writeClean}"})`,
    });
    const byOp = Object.fromEntries((windows.data as { result: PromResult[] }).result.map((x) => [x.metric.op, x.value?.[1]]));
    expect(byOp).toEqual({ write: '0', read: '0' });
  });
});

describe('the alert rules see what the failover caused', () => {
  it('RedisMasterChanged fired for the promoted node, StormdrillWritesUnavailable for the writer', async () => {
    const fired = async (alert: string) => {
      const r = await promGet(prom.url, '/api/v1/query', { query: `max_over_time(ALERTS{alertname="${alert}", alertstate="firing"}[5m])` });
      return (r.data as { result: PromResult[] }).result.map((x) => x.metric);
    };
    expect(promotedPort).toBeGreaterThan(0);
    expect((await fired('RedisMasterChanged')).map((m) => m.redis_node)).toEqual([`127.0.0.1:${promotedPort}`]);
    expect((await fired('StormdrillWritesUnavailable')).filter((m) => m.testid === T.write && m.op === 'write')).toHaveLength(1);
  });
});

describe('the check fails when a dashboard is broken', () => {
  it('names the dashboard and panel of a query that errors, returns nothing, or a variable without values', async () => {
    const broken = {
      title: 'broken',
      templating: {
        list: [
          {
            type: 'query',
            name: 'testid',
            query: { query: 'label_values(no_such_metric_total, testid)' },
            includeAll: true,
            allValue: '.*',
          },
        ],
      },
      panels: [
        {
          type: 'timeseries',
          title: 'typo',
          targets: [{ refId: 'A', expr: 'sum(rate(redis_commands_processed_total[$__rate_interval])' }],
        },
        { type: 'timeseries', title: 'missing metric', targets: [{ refId: 'A', expr: 'sum(rate(k6_http_reqs_totl[$__rate_interval]))' }] },
        { type: 'stat', title: 'fine', targets: [{ refId: 'A', expr: 'sum(redis_up)', instant: true }] },
      ],
    };
    const r = await checkDashboards({
      prometheusUrl: prom.url,
      dashboards: { 'broken.json': broken },
      fromMs: startMs,
      toMs: Date.now(),
      picks: ['all'],
    });
    expect(r.problems.map((p) => [p.where, p.kind])).toEqual([['broken / $testid', 'variable']]);
    const noVars = { ...broken, templating: { list: [] } };
    const r2 = await checkDashboards({
      prometheusUrl: prom.url,
      dashboards: { 'broken.json': noVars },
      fromMs: startMs,
      toMs: Date.now(),
      picks: ['all'],
    });
    expect(r2.queries).toBe(3);
    expect(r2.problems.map((p) => [p.where, p.kind])).toEqual([
      ['broken / typo [A]', 'error'],
      ['broken / missing metric [A]', 'empty'],
    ]);
  });
});

describe('drill events as annotations', () => {
  it('the annotation query marks every kind of event the drill emitted, also those that happened once', async () => {
    expect(drillTestid).not.toBeNull();
    const dashboard = JSON.parse(readFileSync(join(GRAFANA_DASHBOARDS, 'drills.json'), 'utf8'));
    const anno = dashboardQueries(dashboard).find((q) => q.panel.startsWith('annotation:'));
    // the last events (the verdict) are marked once the interval they fall in is over, as in Grafana
    const step = templateContext({ fromMs: startMs - 60_000, toMs: Date.now(), scrapeIntervalMs: 5000 }).intervalMs;
    const wait = drillEndMs + step + 1500 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const ctx = templateContext({
      fromMs: startMs - 60_000,
      toMs: Date.now(),
      scrapeIntervalMs: 5000,
      vars: { testid: [drillTestid as string] },
    });
    const emitted = await promGet(prom.url, '/api/v1/query', {
      query: `sum by (source, kind) (stormdrill_drill_events_total{testid="${drillTestid}"})`,
    });
    const kinds = (emitted.data as { result: PromResult[] }).result.map((r) => `${r.metric.source}/${r.metric.kind}`).sort();
    expect(kinds.length).toBeGreaterThan(2);
    const r = await promGet(prom.url, '/api/v1/query_range', {
      query: interpolate(anno?.expr as string, ctx),
      start: String(startMs / 1000 - 60),
      end: String(Date.now() / 1000),
      step: String(ctx.intervalMs / 1000),
    });
    const marked = [...new Set((r.data as { result: PromResult[] }).result.map((x) => `${x.metric.source}/${x.metric.kind}`))].sort();
    expect(marked).toEqual(kinds);
  });
});

describe('the k6 dashboard merges the instances of a distributed run', () => {
  it('p50 of two instances (70 % at 10 ms, 30 % at 100 ms) is the merged one, in a single series', async () => {
    const testid = id('k6dist');
    const t0 = Date.now() - 20_000;
    const instances = [0, 1].map(
      (i) => new K6ShapedMetrics({ testid, nativeHistograms: true, tags: { instance_id: String(i) }, scenarioTags: { profile: 'stress' } }),
    );
    const req = { scenario: 'stress', name: 'GET /items', method: 'GET', status: 200, expected: true, sentBytes: 100, receivedBytes: 500 };
    const series = [];
    for (let step = 0; step < 4; step++) {
      for (let n = 0; n < 70; n++) instances[0]?.httpRequest({ ...req, durationSeconds: 0.01 });
      for (let n = 0; n < 30; n++) instances[1]?.httpRequest({ ...req, durationSeconds: 0.1 });
      for (const m of instances) series.push(...m.series(t0 + step * 5000));
    }
    await pushSeries(prom.remoteWriteUrl, series);
    const dashboard = JSON.parse(readFileSync(join(GRAFANA_DASHBOARDS, 'k6.json'), 'utf8'));
    const p50 = dashboardQueries(dashboard).find((q) => q.panel === 'Request duration percentiles (all instances)' && q.refId === 'A');
    const ctx = templateContext({
      fromMs: t0,
      toMs: t0 + 15_000,
      scrapeIntervalMs: 5000,
      vars: { testid: [testid], scenario: { all: '.*' }, name: { all: '.*' } },
    });
    const r = await promGet(prom.url, '/api/v1/query', {
      query: interpolate(p50?.expr as string, ctx),
      time: String((t0 + 15_000) / 1000),
    });
    const result = (r.data as { result: PromResult[] }).result;
    expect(result).toHaveLength(1);
    const v = Number(result[0]?.value?.[1]);
    // merged: the median is a 10 ms request; the worst instance alone would say 100 ms
    expect(Math.abs(v - 0.01) / 0.01).toBeLessThan(0.091);
  });
});

describe('k6-shaped series match what real k6 writes', () => {
  it.skipIf(!k6Real)('same metric names, label sets and types as real k6 (native histograms)', async () => {
    const shapes = async (testid: string) => {
      const r = await promGet(prom.url, '/api/v1/query', { query: `{__name__=~"k6_.+", testid="${testid}"}` });
      return shapesFromPrometheus((r.data as { result: PromInstantSeries[] }).result);
    };
    const real = await shapes(T.k6native);
    const ours = await shapes(T.k6synthetic);
    const realSets = labelSetsByName(real);
    const ourSets = labelSetsByName(ours);
    expect(ourSets.size).toBeGreaterThan(5);
    for (const [name, labelSets] of ourSets) {
      expect(realSets.has(name), `real k6 does not write ${name}`).toBe(true);
      for (const ls of labelSets) expect(realSets.get(name), `${name}: label set ${ls} not among real k6's`).toContain(ls);
    }
    // native histogram or sample, as real k6 writes it (the query API answers with "histogram" for native histograms)
    const kinds = (xs: SeriesShape[]) => new Map(xs.map((x) => [x.name, x.kind]));
    for (const [name, kind] of kinds(ours)) expect(kinds(real).get(name), name).toBe(kind);
    expect(kinds(real).get('k6_http_req_duration_seconds')).toBe('native-histogram');
  });

  it('the native-histogram p99 recording rule evaluates on the pushed histograms', async () => {
    const r = await promGet(prom.url, '/api/v1/query', {
      query: `histogram_quantile(0.99, sum by (testid) (rate(k6_http_req_duration_seconds{testid="${T.k6native}"}[1m])))`,
    });
    const result = (r.data as { result: PromResult[] }).result;
    expect(result).toHaveLength(1);
    const p99 = Number(result[0]?.value?.[1]);
    expect(p99).toBeGreaterThan(0);
    expect(p99).toBeLessThan(5);
  });
});
