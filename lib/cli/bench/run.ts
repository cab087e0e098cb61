/** The `stormdrill bench` entry: argv → options → run → output, metrics and --json. */
// the runner and prom-client load only when a benchmark runs (`bench --help` stays fast)
import { buffer } from 'node:stream/consumers';
import type { BenchOutcome } from '../../bench/bench.js';
import { benchExitCode, jsonReport } from '../../bench/json-report.js';
import { parseBenchArgv } from '../../bench/options.js';
import { OptionsError, redactSecrets } from '../../core/errors.js';
import { registerCleanup } from '../../core/lifecycle.js';
import { newRunId, testId } from '../../core/naming.js';
import { packageVersion } from '../../core/version.js';
import { outputProblems, writeJsonOutput } from '../output.js';
import { helpText } from './help.js';

/** Run `stormdrill bench <argv>`; returns the exit code. Bad input throws OptionsError. */
export async function benchCli(argv: string[]): Promise<number> {
  const { options: o, problems } = parseBenchArgv(argv);
  if (o.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (o.version) {
    process.stdout.write(`stormdrill bench ${packageVersion()} (redis-benchmark 7.x compatible)\n`);
    return 0;
  }
  problems.push(...outputProblems([{ flag: '--json', path: o.json }]));
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

  const { runBench } = await import('../../bench/bench.js');
  const metrics = o.promRw || o.metricsPort ? new (await import('../../bench/metrics.js')).BenchMetrics(testid) : undefined;
  const obs = await import('../../observability/index.js');
  const server = metrics && o.metricsPort ? await obs.serveMetrics(metrics.registry, { port: o.metricsPort }) : undefined;
  if (o.promRw && !URL.canParse(o.promRw))
    throw new OptionsError([`--prom-rw must be a URL like http://127.0.0.1:9090/api/v1/write, got '${redactSecrets(o.promRw)}'`]);
  const promUrl = o.promRw ? new URL(o.promRw) : undefined;
  const pusher =
    metrics && promUrl
      ? obs.startRemoteWritePush({
          url: `${promUrl.origin}${promUrl.pathname}${promUrl.search}`,
          username: promUrl.username ? decodeURIComponent(promUrl.username) : undefined,
          password: promUrl.password ? decodeURIComponent(promUrl.password) : undefined,
          registry: metrics.registry,
          extraSeries: (now) => metrics.nativeSeries(now),
          labels: o.instance ? { instance: o.instance } : undefined,
          intervalMs: 1000,
          onError: (m) => process.stderr.write(`stormdrill: ${redactSecrets(m)}\n`),
        })
      : undefined;

  // Everything up to the last written file, so Ctrl-C (which aborts the run and waits for
  // this) still ends with the final metrics push and the --json report of what ran.
  const whole = (async (): Promise<BenchOutcome> => {
    let outcome: BenchOutcome;
    try {
      outcome = await runBench(
        o,
        {
          out: (s) => process.stdout.write(s),
          err: (s) => process.stderr.write(s),
          isTTY: Boolean(process.stdout.isTTY),
          readStdin: async () => (await buffer(process.stdin)).toString('utf8'),
        },
        { signal: abort.signal, observer: metrics },
      );
    } finally {
      await pusher?.stop();
      await server?.stop();
    }
    if (o.json) {
      writeJsonOutput('--json', o.json, jsonReport(o, outcome, { testid, startedAt, finishedAt: new Date().toISOString() }));
    }
    return outcome;
  })();
  finishedRun = whole.catch(() => undefined);
  try {
    return benchExitCode(await whole, o);
  } finally {
    unregister();
  }
}
