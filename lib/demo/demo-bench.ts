/** The demo's short bench: SET and GET through HAProxy, in-process, pushed to Prometheus. */
import { type BenchOutcome, runBench } from '../bench/bench.js';
import { BenchMetrics } from '../bench/metrics.js';
import { parseBenchArgv } from '../bench/options.js';
import { OptionsError } from '../core/errors.js';
import { startRemoteWritePush } from '../observability/remote-write.js';

export interface DemoBenchOptions {
  host: string;
  port: number;
  password?: string;
  requests: number;
  keyPrefix: string;
  promRw: string;
  testid: string;
}

export interface DemoBenchResult {
  /** redis-benchmark's -q lines, e.g. `SET: 81234.56 requests per second, p50=0.303 msec`. */
  lines: string[];
  tests: Array<{ title: string; requests: number; rps: number; p50Ms: number; p99Ms: number }>;
  errors: number;
}

export async function runDemoBench(o: DemoBenchOptions): Promise<DemoBenchResult> {
  const argv = ['-h', o.host, '-p', String(o.port), '-c', '20', '-n', String(o.requests), '-d', '100', '-r', '100000'];
  argv.push('-t', 'set,get', '-q', '--key-prefix', o.keyPrefix, '--testid', o.testid);
  const { options, problems } = parseBenchArgv(argv);
  if (problems.length) throw new OptionsError(problems);
  options.password = o.password; // in-process: never on any argv
  const metrics = new BenchMetrics(o.testid);
  const pusher = startRemoteWritePush({ url: o.promRw, registry: metrics.registry, intervalMs: 1000 });
  let text = '';
  let outcome: BenchOutcome;
  try {
    outcome = await runBench(options, { out: (s) => (text += s), err: (s) => (text += s), isTTY: false }, { observer: metrics });
  } finally {
    await pusher.stop();
  }
  return {
    lines: text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
    tests: outcome.runs.map(({ run, result }) => {
      const s = result.histogram.summaryMs();
      return { title: run.title, requests: result.finished, rps: result.finished / (result.elapsedMs / 1000), p50Ms: s.p50, p99Ms: s.p99 };
    }),
    errors: outcome.errors,
  };
}
