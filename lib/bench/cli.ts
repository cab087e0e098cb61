/** The `stormdrill bench` entry: argv → options → run → output, metrics and --json. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptionsError, redactSecrets, UserError } from '../core/errors.js';
import { registerCleanup } from '../core/lifecycle.js';
import { newRunId, testId } from '../core/naming.js';
import { writeFileAtomic } from '../core/report/write-report.js';
import { type BenchOutcome, runBench } from './bench.js';
import { BenchMetrics } from './metrics.js';
import { type BenchOptions, helpText, parseBenchArgv } from './options.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Options as they go into reports: secrets replaced. */
export function publicConfig(o: BenchOptions): Record<string, unknown> {
  const c: Record<string, unknown> = { ...o };
  if (c.password !== undefined) c.password = '***';
  if (typeof c.promRw === 'string') c.promRw = redactSecrets(c.promRw);
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

/** The --json document (pure). */
export function jsonReport(
  o: BenchOptions,
  outcome: BenchOutcome,
  meta: { testid: string; startedAt: string; finishedAt: string },
): unknown {
  return {
    tool: 'stormdrill bench',
    version: version(),
    testid: meta.testid,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    seed: outcome.seed,
    interrupted: outcome.interrupted,
    config: publicConfig(o),
    cluster: outcome.topology
      ? { masters: outcome.topology.masters.map((m) => ({ host: m.host, port: m.port, slots: m.slots })) }
      : undefined,
    latencyMeasuredFrom:
      o.rate !== undefined ? 'intended send time (coordinated omission corrected)' : 'first write of each batch to first reply byte',
    tests: outcome.runs.map(({ run, titles, result }) => {
      const s = result.histogram.summaryMs();
      const sec = result.elapsedMs / 1000;
      return {
        title: run.title,
        requests: result.finished,
        elapsedSeconds: sec,
        rps: result.finished / sec,
        latencyMs: { avg: s.avg, min: s.min, p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, p999: s.p999, max: s.max },
        errors: result.errors,
        redirects: { moved: result.moved, ask: result.ask },
        perSecond: result.series.toArray(),
        hdrHistogram: result.histogram.encode(),
        commands:
          titles.length > 1
            ? titles.map((t, i) => {
                const h = result.kindHistograms[i];
                const k = h?.summaryMs();
                return {
                  title: t,
                  requests: result.kindFinished[i] ?? 0,
                  rps: (result.kindFinished[i] ?? 0) / sec,
                  errors: result.kindErrors[i] ?? 0,
                  latencyMs: k
                    ? { avg: k.avg, min: k.min, p50: k.p50, p90: k.p90, p95: k.p95, p99: k.p99, p999: k.p999, max: k.max }
                    : undefined,
                  hdrHistogram: h?.encode(),
                };
              })
            : undefined,
      };
    }),
  };
}

/** Run `stormdrill bench <argv>`; returns the exit code. Bad input throws OptionsError. */
export async function benchCli(argv: string[]): Promise<number> {
  const { options: o, problems } = parseBenchArgv(argv);
  if (o.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (o.version) {
    process.stdout.write(`stormdrill bench ${version()} (redis-benchmark 7.x compatible)\n`);
    return 0;
  }
  if (problems.length) throw new OptionsError(problems);
  // Like redis-cli: the password may come from the environment instead of argv.
  if (o.password === undefined && process.env.REDISCLI_AUTH) o.password = process.env.REDISCLI_AUTH;

  const testid = o.testid ?? testId(newRunId());
  const startedAt = new Date().toISOString();
  const abort = new AbortController();
  let finishedRun: Promise<unknown> = Promise.resolve();
  const unregister = registerCleanup('bench', async () => {
    abort.abort();
    await finishedRun;
  });

  const metrics = o.promRw || o.metricsPort ? new BenchMetrics(testid) : undefined;
  const obs = await import('../observability/index.js');
  const server = metrics && o.metricsPort ? await obs.serveMetrics(metrics.registry, { port: o.metricsPort }) : undefined;
  let promUrl: URL | undefined;
  if (o.promRw) {
    try {
      promUrl = new URL(o.promRw);
    } catch {
      throw new OptionsError([`--prom-rw must be a URL like http://127.0.0.1:9090/api/v1/write, got '${redactSecrets(o.promRw)}'`]);
    }
  }
  const pusher =
    metrics && promUrl
      ? obs.startRemoteWritePush({
          url: `${promUrl.origin}${promUrl.pathname}${promUrl.search}`,
          username: promUrl.username ? decodeURIComponent(promUrl.username) : undefined,
          password: promUrl.password ? decodeURIComponent(promUrl.password) : undefined,
          registry: metrics.registry,
          intervalMs: 1000,
          onError: (m) => process.stderr.write(`stormdrill: ${redactSecrets(m)}\n`),
        })
      : undefined;

  // Everything up to the last written file, so Ctrl-C (which aborts the run and waits for
  // this) still ends with the final metrics push and the --json report of what ran.
  const whole = (async () => {
    let outcome: BenchOutcome;
    try {
      outcome = await runBench(
        o,
        { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), isTTY: Boolean(process.stdout.isTTY), readStdin },
        { signal: abort.signal, observer: metrics },
      );
    } finally {
      await pusher?.stop();
      await server?.stop();
    }
    if (o.json) {
      const path = resolve(o.json);
      const doc = jsonReport(o, outcome, { testid, startedAt, finishedAt: new Date().toISOString() });
      try {
        writeFileAtomic(path, `${JSON.stringify(doc, null, 2)}\n`);
      } catch (err) {
        throw new UserError(`--json: cannot write ${path}: ${(err as Error).message}`);
      }
    }
  })();
  finishedRun = whole.catch(() => undefined);
  try {
    await whole;
  } finally {
    unregister();
  }
  return 0;
}
