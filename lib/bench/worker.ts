/**
 * A benchmark worker thread (--threads, and cluster mode): it lives for the whole bench
 * run and runs each test it is sent with its own share of the clients (its plan).
 * Messages in: `run` (a test), `start` (all threads connected: begin timing), `stop`
 * (Ctrl-C), `exit`. Out: `connected`, `progress`, `done` or `failed` per test.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SlotMap } from '../redis/index.js';
import { clusterRouter } from './cluster-router.js';
import type { BenchOptions } from './options.js';
import { toWire } from './result.js';
import { runBenchmark } from './runner.js';
import { buildClients, newHistogram, type RunSpec, type ThreadPlan } from './setup.js';

/** What a worker keeps for the whole run. */
export interface WorkerInput {
  options: BenchOptions;
  topology: SlotMap | null;
  plan: ThreadPlan;
}

/** One test for a worker. */
export interface WorkerRun {
  type: 'run';
  run: RunSpec;
  kinds: number;
}

async function runOne(input: WorkerInput, job: WorkerRun, abort: AbortController, startGate: Promise<void>): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const o = input.options;
  try {
    const clients = buildClients(o, job.run, input.topology, input.plan);
    const router = input.topology ? clusterRouter(o, clients) : undefined;
    const result = await runBenchmark({
      clients,
      connect: o,
      pipeline: o.pipeline,
      requests: input.plan.requests,
      durationMs: o.durationSec !== undefined ? o.durationSec * 1000 : undefined,
      warmupMs: o.warmupSec * 1000,
      rate: o.rate !== undefined ? o.rate / input.plan.threads : undefined,
      keepAlive: o.keepAlive,
      kinds: job.kinds,
      newHistogram: () => newHistogram(o.precision),
      onTick: (p) =>
        port.postMessage({ type: 'progress', finished: p.finished, intervalFinished: p.intervalFinished, intervalAvgUs: p.intervalAvgUs }),
      router,
      signal: abort.signal,
      onConnected: () => port.postMessage({ type: 'connected' }),
      startGate,
    }).finally(() => router?.close());
    port.postMessage({ type: 'done', result: toWire(result) });
  } catch (err) {
    port.postMessage({
      type: 'failed',
      message: err instanceof Error ? err.message : String(err),
      user: (err as Error)?.name === 'UserError',
    });
  }
}

function main(): void {
  const input = workerData as WorkerInput;
  const port = parentPort;
  if (!port) return;
  let abort = new AbortController();
  let start: () => void = () => {};
  port.on('message', (m: { type: string }) => {
    if (m.type === 'run') {
      abort = new AbortController();
      const gate = new Promise<void>((r) => {
        start = r;
      });
      void runOne(input, m as WorkerRun, abort, gate);
    } else if (m.type === 'start') start();
    else if (m.type === 'stop') {
      abort.abort();
      start();
    } else if (m.type === 'exit') port.close();
  });
}

main();
