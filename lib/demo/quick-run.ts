/**
 * The embedded-default main job (foundation version): start the local stack, run a short
 * real SET/GET workload against its Redis, write a small report, stop everything.
 */
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { keyPrefix, newRunId, reportDir, testId } from '../core/naming.js';
import { writeReportFiles } from '../core/report/write-report.js';
import { LatencyHistogram } from '../core/stats/histogram.js';
import { type LocalStack, startLocalStack } from '../stack/local-stack.js';

export interface QuickRunOptions {
  runId?: string;
  /** SET+GET pairs to issue. */
  ops?: number;
  /** Pipeline depth per round trip. */
  pipeline?: number;
  reportRoot?: string;
  log?: (line: string) => void;
}

export interface QuickRunResult {
  runId: string;
  testid: string;
  redis: string;
  prometheus: string | null;
  ops: number;
  errors: number;
  durationSeconds: number;
  opsPerSecond: number;
  latencyMs: ReturnType<LatencyHistogram['summaryMs']>;
  keysLeft: number;
  reportFiles: string[];
}

export async function quickRun(o: QuickRunOptions = {}): Promise<QuickRunResult> {
  const runId = o.runId ?? newRunId();
  const log = o.log ?? (() => {});
  const ops = o.ops ?? 20_000;
  const depth = o.pipeline ?? 50;
  log(`run ${runId}: starting local stack (redis-server, redis exporter, prometheus)`);
  const stack: LocalStack = await startLocalStack({ label: runId });
  try {
    log(`redis ${stack.redis.url}, prometheus ${stack.prometheus?.url ?? '-'}`);
    const client = new Redis({ host: stack.redis.host, port: stack.redis.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    const prefix = keyPrefix(runId);
    const hist = new LatencyHistogram();
    let errors = 0;
    const value = 'x'.repeat(100);
    const t0 = performance.now();
    for (let done = 0; done < ops; done += depth) {
      const p = client.pipeline();
      const n = Math.min(depth, ops - done);
      for (let i = 0; i < n; i++) {
        p.set(`${prefix}k:${done + i}`, value);
        p.get(`${prefix}k:${done + i}`);
      }
      const t = performance.now();
      const res = (await p.exec()) ?? [];
      hist.recordN((performance.now() - t) * 1000, n * 2);
      for (const [err] of res) if (err) errors++;
    }
    const seconds = (performance.now() - t0) / 1000;
    // Clean the run's namespace: nothing is left behind, even on a kept server.
    let keysLeft = 0;
    const stream = client.scanStream({ match: `${prefix}*`, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length) await client.unlink(...keys);
    keysLeft = (await client.keys(`${prefix}*`)).length;
    client.disconnect();
    const result: QuickRunResult = {
      runId,
      testid: testId(runId),
      redis: stack.redis.url,
      prometheus: stack.prometheus?.url ?? null,
      ops: ops * 2,
      errors,
      durationSeconds: seconds,
      opsPerSecond: (ops * 2) / seconds,
      latencyMs: hist.summaryMs(),
      keysLeft,
      reportFiles: [],
    };
    const dir = `${o.reportRoot ?? '.'}/${reportDir(runId)}`;
    const md = [
      `# stormdrill quick run ${runId}`,
      '',
      `- Redis: ${result.redis}`,
      `- operations: ${result.ops} (SET+GET, pipeline ${depth}), errors: ${errors}`,
      `- throughput: ${Math.round(result.opsPerSecond)} ops/s over ${seconds.toFixed(2)} s`,
      `- batch latency ms: p50 ${result.latencyMs.p50.toFixed(3)}, p99 ${result.latencyMs.p99.toFixed(3)}, max ${result.latencyMs.max.toFixed(3)}`,
      `- keys left in the run namespace: ${keysLeft}`,
      '',
    ].join('\n');
    result.reportFiles = writeReportFiles(dir, { 'report.json': `${JSON.stringify(result, null, 2)}\n`, 'report.md': md });
    return result;
  } finally {
    await stack.stop();
    log('local stack stopped');
  }
}
