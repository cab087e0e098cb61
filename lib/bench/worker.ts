/** A benchmark worker thread (--threads): builds its own clients and runs them. */
import { parentPort, workerData } from 'node:worker_threads';
import type { SlotMap } from '../redis/index.js';
import type { BenchOptions } from './options.js';
import { toWire } from './result.js';
import { runBenchmark } from './runner.js';
import { buildClients, type ClientPlan, newHistogram, type RunSpec } from './setup.js';
import { slotMapRefresher } from './topology.js';

export interface WorkerInput {
  options: BenchOptions;
  run: RunSpec;
  topology: SlotMap | null;
  plan: ClientPlan;
  requests: number;
  kinds: number;
}

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const port = parentPort;
  if (!port) return;
  const abort = new AbortController();
  port.on('message', (m: { type: string }) => {
    if (m.type === 'stop') abort.abort();
  });
  const o = input.options;
  try {
    const clients = buildClients(o, input.run, input.topology, input.plan);
    const result = await runBenchmark({
      clients,
      connect: o,
      pipeline: o.pipeline,
      requests: input.requests,
      durationMs: o.durationSec !== undefined ? o.durationSec * 1000 : undefined,
      warmupMs: o.warmupSec * 1000,
      rate: o.rate !== undefined ? o.rate / input.plan.threads : undefined,
      keepAlive: o.keepAlive,
      kinds: input.kinds,
      newHistogram: () => newHistogram(o.precision),
      onTick: (p) =>
        port.postMessage({ type: 'progress', finished: p.finished, intervalFinished: p.intervalFinished, intervalAvgUs: p.intervalAvgUs }),
      onNewError: (kind, message) => port.postMessage({ type: 'error', kind, message }),
      onRedirect: input.topology ? slotMapRefresher(o, clients) : undefined,
      signal: abort.signal,
    });
    port.postMessage({ type: 'done', result: toWire(result) });
  } catch (err) {
    port.postMessage({
      type: 'failed',
      message: err instanceof Error ? err.message : String(err),
      user: (err as Error)?.name === 'UserError',
    });
  }
  port.close();
}

await main();
