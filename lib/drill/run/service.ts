/**
 * The service workload of a drill (game day): a Prometheus with the project's alert rules
 * (short scrape and evaluation intervals, stated in the report), a Redis exporter per node,
 * the demo service on the drill's Redis endpoint (through HAProxy or Sentinel) unless the
 * drill was given --service-url, and a fixed rate of user flows for the whole drill
 * (stormdrill's own HTTP user flow). The alerts API is polled into an AlertLog; every
 * request goes into a ServiceLog. stopService() keeps the load on after the steps until the
 * service has recovered (or service.recoverTimeout), then stops the load.
 */
import { join } from 'node:path';
import { formatDuration } from '../../core/duration.js';
import { userMessage } from '../../core/errors.js';
import { type DemoService, startDemoService } from '../../demo-service/index.js';
import type { RedisTarget } from '../../demo-service/options.js';
import { locateK6 } from '../../k6run/locate.js';
import { type ExporterNode, startRedisExporter } from '../../stack/exporter.js';
import { stopAll } from '../../stack/local-stack.js';
import { PortAllocator } from '../../stack/ports.js';
import { startPrometheus } from '../../stack/prometheus.js';
import type { Topology } from '../../topology/types.js';
import { ruleTimings, watchAlerts } from '../game-day/alert-watch.js';
import type { ServiceRecording, ServiceSettings } from '../game-day/figures.js';
import { startHttpLoad } from '../game-day/http-load.js';
import { startK6Load } from '../game-day/k6-load.js';
import { ServiceLog, timeToRecoverMs } from '../game-day/service-log.js';
import { roundWindows } from '../report/windows.js';
import type { RunState, ServiceRun } from './state.js';

export function serviceSettings(s: RunState): ServiceSettings {
  const sv = s.plan.service ?? {};
  const recoverForMs = sv.recoverFor ?? 30_000;
  return {
    rate: sv.rate ?? 10,
    slo: sv.slo ?? 0.99,
    sloPeriodMs: sv.sloPeriod ?? 720 * 3_600_000,
    recoverForMs,
    recoverTimeoutMs: sv.recoverTimeout ?? recoverForMs + 30_000,
    requestTimeoutMs: sv.requestTimeout ?? 2000,
    evaluationIntervalMs: sv.evaluationInterval ?? 1000,
    scrapeIntervalMs: sv.scrapeInterval ?? 500,
    pollIntervalMs: 200,
  };
}

/** Milliseconds as a Prometheus duration (`500ms`, `1000ms`). */
const seconds = (ms: number) => `${Math.round(ms)}ms`;

/** The k6 binary (K6_BIN, then PATH), or null when there is none. */
function k6Binary(): string | null {
  try {
    return locateK6();
  } catch {
    return null;
  }
}

/** Where the demo service finds Redis: the topology's one address (HAProxy, a server) or its Sentinels. */
function redisTargetOf(t: Topology): { target: string | RedisTarget; describe: string } {
  const e = t.endpoint;
  if (e.kind === 'direct')
    return { target: `redis://${e.host}:${e.port}`, describe: `${t.haproxy ? 'HAProxy' : 'Redis'} ${e.host}:${e.port}` };
  if (e.kind === 'sentinel')
    return {
      target: { kind: 'sentinel', sentinels: e.sentinels.map((x) => ({ host: x.host, port: x.port })), masterName: e.masterName },
      describe: `Sentinel ${e.masterName} via ${e.sentinels.map((x) => `${x.host}:${x.port}`).join(',')}`,
    };
  throw new Error(`the service workload needs a haproxy, sentinel, standalone or replicas topology, not ${t.kind}`);
}

export async function startService(s: RunState): Promise<void> {
  const settings = serviceSettings(s);
  const t = s.t;
  const ports = s.o.ports ?? new PortAllocator();
  const work = (s.work as { path: string }).path;
  const parts: Array<{ stop(): Promise<void> }> = [];
  const run: Partial<ServiceRun> & { parts: typeof parts } = {
    parts,
    settings,
    startedAtMs: Date.now(),
    stoppedAtMs: null,
    load: null,
    k6: null,
    redis: null,
  };
  // registered at once so the runner stops whatever started, even when a later part fails
  s.service = run as ServiceRun;
  const prometheus = await startPrometheus({
    port: await ports.take(),
    dir: join(work, 'prometheus'),
    scrapeInterval: seconds(settings.scrapeIntervalMs),
    evaluationInterval: seconds(settings.evaluationIntervalMs),
    rulesDir: s.o.rulesDir,
  });
  parts.push(prometheus);
  run.prometheus = prometheus;
  const exporters: ExporterNode[] = [];
  for (const n of t.nodes) {
    const e = await startRedisExporter({
      port: await ports.take(),
      dir: join(work, 'exporters'),
      redisHost: n.host,
      redisPort: n.port,
      password: t.password,
    });
    parts.push(e);
    exporters.push(e);
  }
  let url = s.o.serviceUrl ?? '';
  if (!s.o.serviceUrl) {
    const { target, describe } = redisTargetOf(t);
    const demo: DemoService = await startDemoService({
      port: await ports.take(),
      redis: target,
      password: t.password,
      runId: s.runId,
      commandTimeoutMs: Math.min(1000, settings.requestTimeoutMs),
    });
    parts.push(demo);
    // users arrive once the service reached Redis: its start-up is not the drill's outage
    for (let i = 0; i < 100 && !demo.redisReady; i++) await s.sleep(100);
    url = demo.url;
    run.redis = describe;
  }
  run.url = url;
  prometheus.setTargets({
    redis: t.nodes.map((n, i) => ({
      targets: [(exporters[i] as ExporterNode).target],
      labels: { redis_node: `${n.host}:${n.port}`, node: n.name, testid: s.testid },
    })),
    demo: s.o.serviceUrl ? [] : [{ targets: [url.replace(/^http:\/\//, '')], labels: { testid: s.testid } }],
  });
  if (!s.pusher) s.startPusher({ url: prometheus.remoteWriteUrl });
  run.rules = await ruleTimings(prometheus.url).catch(() => null);
  run.alerts = watchAlerts(prometheus.url, settings.pollIntervalMs, (m) => s.log(m));
  run.log = new ServiceLog();
  const log = run.log;
  const k6Bin = s.plan.service?.k6 === false ? null : k6Binary();
  if (k6Bin) {
    run.driver = 'k6';
    const k6 = startK6Load(
      {
        baseUrl: url,
        rate: settings.rate,
        runId: s.runId,
        remoteWriteUrl: prometheus.remoteWriteUrl,
        dir: join(work, 'k6'),
        apiPort: await ports.take(),
        k6Bin,
        log: (l) => s.log(`  ${l}`),
      },
      log,
    );
    run.load = {
      stop: async () => {
        const r = await k6.stop();
        run.k6 = r ? { exitCode: r.exitCode, meaning: r.meaning } : null;
      },
    };
  } else {
    run.driver = 'user-flow';
    run.load = startHttpLoad({ baseUrl: url, rate: settings.rate, timeoutMs: settings.requestTimeoutMs, idPrefix: `${s.runId}-flow` }, log);
  }
  s.addEvent(
    'service',
    'service-load-start',
    undefined,
    `${run.driver === 'k6' ? 'k6 (load scenario, soak profile)' : "stormdrill's user flow"}: ${settings.rate} user flows/s against ${url}${run.redis ? ` (demo service on ${run.redis})` : ''}; alerts evaluated every ${formatDuration(settings.evaluationIntervalMs)}, scraped every ${formatDuration(settings.scrapeIntervalMs)}`,
  );
  s.log(
    `service workload (${run.driver}): ${settings.rate} user flows/s against ${url}; Prometheus ${prometheus.url} with the alert rules`,
  );
}

/**
 * After the steps: keep the load on until the service is back at its SLO for the whole hold
 * period and no critical alert is firing (at most service.recoverTimeout), then stop
 * the load. An interrupted drill stops at once.
 */
export async function stopService(s: RunState): Promise<void> {
  const run = s.service;
  if (!run?.load) return;
  const { settings } = run;
  if (!s.interrupted) {
    const until = Date.now() + settings.recoverTimeoutMs;
    const fault = s.faultAtMs ?? run.startedAtMs;
    while (Date.now() < until && !s.abort.signal.aborted) {
      const recovered = timeToRecoverMs(run.log.sorted(), fault, settings.slo, settings.recoverForMs) !== null;
      if (recovered && !run.alerts.log.firingNow().some((a) => a.severity === 'critical')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const load = run.load;
  run.load = null;
  await load.stop();
  run.stoppedAtMs = Date.now();
  await run.alerts.pollNow();
  await run.alerts.stop();
  s.addEvent('service', 'service-load-stop', undefined, `${run.log.total} requests, ${run.log.failed} failed`);
}

/**
 * Stop the service's processes: the load, the demo service and the exporters first (before
 * the topology stops), Prometheus with `prometheus: true` (after the last remote-write push).
 */
export async function stopServiceParts(s: RunState, o: { prometheus: boolean }): Promise<void> {
  const run = s.service;
  if (!run) return;
  const load = run.load;
  run.load = null;
  await load?.stop().catch(() => undefined);
  await run.alerts?.stop().catch(() => undefined);
  const parts = run.parts.filter((p) => o.prometheus || p !== run.prometheus);
  await stopAll(parts).catch((err) => s.log(`stopping the service workload: ${userMessage(err)}`));
  run.parts.splice(0, run.parts.length, ...run.parts.filter((p) => !parts.includes(p)));
}

/** What the service workload recorded, for the figures (lib/drill/game-day/figures.ts). */
export function serviceRecording(s: RunState, run: ServiceRun): ServiceRecording {
  const now = run.stoppedAtMs ?? Date.now();
  return {
    driver: run.driver,
    k6: run.k6,
    url: run.url,
    redis: run.redis,
    settings: run.settings,
    requests: run.log.sorted(),
    failed: run.log.failed,
    errors: run.log.errors,
    windows: roundWindows(run.log.windows(now)),
    alerts: run.alerts.log.records(),
    rules: run.rules,
    faultAtMs: s.faultAtMs,
    loadMs: now - run.startedAtMs,
  };
}
