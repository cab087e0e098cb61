/**
 * The embedded default: real redis-server, prometheus-redis-exporter and Prometheus on
 * free loopback ports in a private temp dir. All or nothing: if one part fails to start,
 * the parts already started are stopped before the error propagates.
 */
import { join } from 'node:path';
import { registerCleanup } from '../core/lifecycle.js';
import { type ExporterNode, startRedisExporter } from './exporter.js';
import { PortAllocator } from './ports.js';
import { type PrometheusNode, type ScrapeTargets, startPrometheus } from './prometheus.js';
import { type RedisNode, type RedisServerOptions, startRedisServer } from './redis.js';
import { makeWorkDir } from './workdir.js';

export interface LocalStackOptions {
  label?: string;
  ports?: PortAllocator;
  redis?: Omit<RedisServerOptions, 'port' | 'dir'>;
  exporter?: boolean;
  prometheus?: boolean;
  /** Extra scrape targets (e.g. the `stormdrill` job of a metrics endpoint). */
  targets?: ScrapeTargets;
  scrapeInterval?: string;
  /** Keep the temp dir after stop (logs, data) for inspection. */
  keepDir?: boolean;
}

export interface LocalStack {
  dir: string;
  redis: RedisNode;
  exporter: ExporterNode | null;
  prometheus: PrometheusNode | null;
  stop(): Promise<void>;
}

/** Stop a list of parts in reverse order, ignoring parts that already stopped. */
export async function stopAll(parts: Array<{ stop(): Promise<void> } | null | undefined>): Promise<void> {
  for (const p of [...parts].reverse()) if (p) await p.stop();
}

export async function startLocalStack(o: LocalStackOptions = {}): Promise<LocalStack> {
  const ports = o.ports ?? new PortAllocator();
  const work = makeWorkDir(o.label ?? 'stack');
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopStarted = async () => {
    await stopAll(started);
    if (!o.keepDir) work.remove();
  };
  const unregister = registerCleanup('local stack', stopStarted);
  try {
    const redis = await startRedisServer({ ...o.redis, port: await ports.take(), dir: join(work.path, 'redis') });
    started.push(redis);
    let exporter: ExporterNode | null = null;
    if (o.exporter !== false) {
      exporter = await startRedisExporter({ port: await ports.take(), dir: work.path, redisPort: redis.port, password: o.redis?.password });
      started.push(exporter);
    }
    let prometheus: PrometheusNode | null = null;
    if (o.prometheus !== false) {
      const targets: ScrapeTargets = { ...o.targets };
      if (exporter) targets.redis = [{ targets: [exporter.target], labels: { redis_node: `127.0.0.1:${redis.port}`, role: 'primary' } }];
      prometheus = await startPrometheus({
        port: await ports.take(),
        dir: join(work.path, 'prometheus'),
        targets,
        scrapeInterval: o.scrapeInterval,
      });
      started.push(prometheus);
    }
    let stopped = false;
    return {
      dir: work.path,
      redis,
      exporter,
      prometheus,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        unregister();
        await stopStarted();
      },
    };
  } catch (err) {
    unregister();
    await stopStarted();
    throw err;
  }
}
