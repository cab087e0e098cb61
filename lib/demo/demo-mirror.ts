/**
 * The demo's mirror step: a second deployment of the demo service on
 * its own redis-server, `stormdrill mirror` in front of the first one, and a few users' flows
 * through it. Ids are mapped and timestamps ignored, so both deployments should answer alike;
 * the comparison's metrics go to Prometheus under the run's testid.
 */
import { join } from 'node:path';
import { startDemoService } from '../demo-service/index.js';
import { runUserFlow } from '../demo-service/user-flow.js';
import { differedCount, MirrorMetrics, startMirrorProxy } from '../mirror/index.js';
import { startRemoteWritePush } from '../observability/remote-write.js';
import { waitUntil } from '../stack/info.js';
import type { PortAllocator } from '../stack/ports.js';
import { startRedisServer } from '../stack/redis.js';

export interface DemoMirrorOptions {
  primaryUrl: string;
  runId: string;
  testid: string;
  promRw: string;
  ports: PortAllocator;
  workDir: string;
  /** Users, each running the flow `rounds` times. */
  users?: number;
  rounds?: number;
  /** Everything started here is pushed so the caller's cleanup stops it on any exit. */
  started: Array<{ stop(): Promise<void> } | null>;
}

export interface DemoMirrorResult {
  line: string;
  requests: number;
  matched: number;
  differed: number;
  clientErrors: number;
}

export async function runDemoMirror(o: DemoMirrorOptions): Promise<DemoMirrorResult> {
  const redis = await startRedisServer({ port: await o.ports.take(), dir: join(o.workDir, 'mirror-redis') });
  o.started.push(redis);
  const second = await startDemoService({ port: await o.ports.take(), redis: redis.url, runId: o.runId });
  o.started.push(second);
  await waitUntil('the mirror deployment to reach its Redis', async () => second.redisReady, 15_000);
  const metrics = new MirrorMetrics(o.testid);
  const pusher = startRemoteWritePush({ url: o.promRw, registry: metrics.registry, intervalMs: 1000 });
  const proxy = await startMirrorProxy({
    listenHost: '127.0.0.1',
    listenPort: await o.ports.take(),
    primary: new URL(o.primaryUrl),
    mirror: new URL(second.url),
    ignoreFields: new Set(['createdAt', 'confirmedAt']),
    mapFields: new Set(['id']),
    mirrorTimeoutMs: 2000,
    mirrorConcurrency: 32,
    maxMirrorBodyBytes: 65536,
    observer: metrics,
  });
  o.started.push(proxy);
  let clientErrors = 0;
  try {
    const users = o.users ?? 4;
    const rounds = o.rounds ?? 6;
    await Promise.all(
      Array.from({ length: users }, async (_, u) => {
        for (let r = 0; r < rounds; r++) {
          const steps = await runUserFlow(proxy.url, u * rounds + r, `${o.runId}-mirror`);
          clientErrors += steps.filter((s) => s.status >= 500).length;
          await new Promise((res) => setTimeout(res, 300));
        }
      }),
    );
  } finally {
    await proxy.stop();
    await pusher.stop();
    await second.stop();
    await redis.stop();
  }
  const t = proxy.stats.totals();
  const differed = differedCount(t);
  return {
    requests: t.requests,
    matched: t.matches,
    differed,
    clientErrors,
    line: `mirror: ${t.requests} requests through the proxy, ${t.matches} answered alike by both deployments, ${differed} differed; errors primary ${t.primaryErrors}, mirror ${t.mirrorErrors}`,
  };
}
