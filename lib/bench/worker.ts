/**
 * A benchmark worker thread (--threads, and cluster mode): it lives for the whole bench
 * run and runs each test it is sent with its own share of the clients (its plan).
 * Messages in: `run` (a test), `start` (all threads connected: begin timing), `stop`
 * (Ctrl-C), `exit`. Out: `connected`, `progress`, `done` or `failed` per test.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SlotMap } from '../redis/index.js';
import { ClusterRouter } from './cluster-router.js';
import type { BenchOptions } from './options.js';
import { toWire } from './result.js';
import { runBenchmark } from './runner.js';
import { buildClients, type RunSpec, runParams, type ThreadPlan } from './setup.js';

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
  /** The test's request counters shared by every thread (runner's issuedAcrossThreads). */
  issued: BigInt64Array;
  /** This thread's counter in `issued`, and that counter's share of -n. */
  slot: number;
  requests: number;
}

async function runOne(input: WorkerInput, job: WorkerRun, abort: AbortController, startGate: Promise<void>): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const o = input.options;
  try {
    const clients = buildClients(o, job.run, input.topology, input.plan);
    const router = input.topology ? new ClusterRouter(o, clients) : undefined;
    const result = await runBenchmark({
      ...runParams(o, job.kinds),
      clients,
      issuedAcrossThreads: job.issued,
      issuedSlot: job.slot,
      requests: job.requests,
      rate: o.rate !== undefined ? o.rate / input.plan.threads : undefined,
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
