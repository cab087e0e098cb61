/**
 * `stormdrill mirror`: validate the flags (one line per problem), run the proxy until
 * --duration, --requests or Ctrl-C, then print the comparison and write --json.
 */
import { isIP } from 'node:net';
import { formatDuration, readDurationFlag } from '../../core/duration.js';
import { OptionsError, UserError } from '../../core/errors.js';
import { registerCleanup } from '../../core/lifecycle.js';
import { isLoopback } from '../../core/loopback.js';
import { isValidRunId, newRunId, testId } from '../../core/naming.js';
import { MirrorMetrics } from '../../mirror/metrics.js';
import { startMirrorProxy } from '../../mirror/proxy.js';
import { differedCount, formatMirror, mirrorJson } from '../../mirror/stats.js';
import { serveMetrics } from '../../observability/metrics-server.js';
import { startPromRw } from '../integrity-support.js';
import { outputProblems, writeJsonOutput } from '../output.js';

export interface MirrorFlags {
  primary: string;
  mirror: string;
  listen: string;
  duration: string;
  requests?: string;
  ignoreField?: string[];
  mapField: string[];
  mirrorTimeout: string;
  mirrorConcurrency: string;
  maxBody: string;
  json?: string;
  showValues?: boolean;
  failOnMismatch?: boolean;
  allowRemote?: boolean;
  runId?: string;
  promRw?: string;
  metricsPort?: string;
}

/** Print a URL without any user:password part. */
export const safeUrl = (u: URL) => `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;

function targetUrl(flag: string, text: string, allowRemote: boolean, problems: string[]): URL | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    problems.push(`${flag} must be a URL like http://127.0.0.1:8080, got '${text.replace(/\/\/[^@/]*@/, '//***@')}'`);
    return undefined;
  }
  if (u.protocol !== 'http:')
    problems.push(`${flag} must be an http:// URL (got ${u.protocol}//); put TLS termination in front of the mirror proxy`);
  else if (!allowRemote && !isLoopback(u.hostname))
    problems.push(`${flag} ${u.hostname} is not a loopback address; stormdrill targets 127.0.0.1/::1 unless you pass --allow-remote`);
  return u;
}

const list = (xs: string[] | undefined) =>
  new Set(
    (xs ?? [])
      .flatMap((x) => x.split(','))
      .map((x) => x.trim())
      .filter(Boolean),
  );

function count(flag: string, text: string, min: number, problems: string[]): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min) problems.push(`${flag} must be a whole number >= ${min}, got '${text}'`);
  return n;
}

export async function mirrorCli(f: MirrorFlags, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const problems: string[] = [];
  const primary = targetUrl('--primary', f.primary, Boolean(f.allowRemote), problems);
  const mirror = targetUrl('--mirror', f.mirror, Boolean(f.allowRemote), problems);
  if (primary && mirror && primary.host === mirror.host)
    problems.push(`--primary and --mirror are the same server (${primary.host}); the mirror must be a separate deployment`);
  const lm = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):(\d{1,5})$/.exec(f.listen);
  const listenHost = lm ? ((lm[1] ?? lm[2]) as string) : '';
  const listenPort = lm ? Number(lm[3]) : -1;
  if (!lm || listenPort > 65535) problems.push(`--listen must be HOST:PORT like 127.0.0.1:8090, got '${f.listen}'`);
  else if (!isLoopback(listenHost) && !(f.allowRemote && isIP(listenHost)))
    problems.push(`--listen ${listenHost} is not a loopback address; use 127.0.0.1 (or --allow-remote)`);
  const ms = (flag: string, text: string, example: string) => {
    const r = readDurationFlag(flag, text, { example });
    if ('problem' in r) problems.push(r.problem);
    return 'ms' in r ? r.ms : 0;
  };
  const durationMs = ms('--duration', f.duration, '10m');
  const maxRequests = f.requests !== undefined ? count('--requests', f.requests, 1, problems) : undefined;
  const timeoutMs = ms('--mirror-timeout', f.mirrorTimeout, '2s');
  const concurrency = count('--mirror-concurrency', f.mirrorConcurrency, 1, problems);
  const maxBody = count('--max-body', f.maxBody, 0, problems);
  if (f.runId !== undefined && !isValidRunId(f.runId)) problems.push('--run-id must be lower-case letters, digits and dashes (at most 48)');
  const metricsPort = f.metricsPort !== undefined ? count('--metrics-port', f.metricsPort, 1, problems) : undefined;
  if (f.promRw !== undefined && !/^https?:\/\/[^\s]+$/.test(f.promRw))
    problems.push('--prom-rw must be a URL like http://127.0.0.1:9090/api/v1/write');
  problems.push(...outputProblems([{ flag: '--json', path: f.json }]));
  if (problems.length) throw new OptionsError(problems);
  const testid = testId(f.runId ?? newRunId());
  const metrics = new MirrorMetrics(testid);

  const startedAt = new Date();
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => {
    finish = r;
  });
  let served = 0;
  // the metrics port first: a busy one must stop the run before any request is taken
  const metricsServer = metricsPort !== undefined ? await serveMetrics(metrics.registry, { port: metricsPort }) : undefined;
  const proxy = await startMirrorProxy({
    listenHost,
    listenPort,
    primary: primary as URL,
    mirror: mirror as URL,
    ignoreFields: list(f.ignoreField),
    mapFields: list(f.mapField),
    mirrorTimeoutMs: timeoutMs,
    mirrorConcurrency: concurrency,
    maxMirrorBodyBytes: maxBody,
    observer: metrics,
    onRequest: () => {
      served++;
      if (maxRequests !== undefined && served >= maxRequests) finish();
    },
  }).catch(async (err: NodeJS.ErrnoException) => {
    const why = err.code === 'EADDRINUSE' ? 'address in use' : err.code === 'EADDRNOTAVAIL' ? 'no such local address' : err.message;
    await metricsServer?.stop();
    throw new UserError(`cannot listen on ${f.listen}: ${why} (choose another --listen)`);
  });
  const timer = setTimeout(finish, durationMs);
  const stopRw = await startPromRw(f.promRw, metrics.registry, testid);
  let report: Promise<number> | undefined;
  const end = () => {
    report ??= (async () => {
      clearTimeout(timer);
      await proxy.stop();
      await stopRw();
      await metricsServer?.stop();
      const seconds = (Date.now() - startedAt.getTime()) / 1000;
      out(formatMirror(proxy.stats, { showValues: Boolean(f.showValues), seconds }));
      if (f.json) {
        const doc = mirrorJson(
          proxy.stats,
          {
            tool: 'stormdrill mirror',
            testid,
            primary: safeUrl(primary as URL),
            mirror: safeUrl(mirror as URL),
            startedAt: startedAt.toISOString(),
            finishedAt: new Date().toISOString(),
            durationSeconds: seconds,
          },
          Boolean(f.showValues),
        );
        out(`json: ${writeJsonOutput('--json', f.json, doc)}\n`);
      }
      return f.failOnMismatch && differedCount(proxy.stats.totals()) > 0 ? 1 : 0;
    })();
    return report;
  };
  // Ctrl-C / SIGTERM: the CLI's handler runs this before it exits, so the report is printed
  const unregister = registerCleanup('mirror proxy', async () => {
    await end();
  });
  out(
    `mirror: run ${testid}, listening on ${proxy.url} → primary ${safeUrl(primary as URL)}, mirror ${safeUrl(mirror as URL)} ` +
      `(for ${formatDuration(durationMs)}${maxRequests ? ` or ${maxRequests} requests` : ''}; Ctrl-C ends it and prints the comparison)\n`,
  );
  await finished;
  const code = await end();
  unregister();
  return code;
}
