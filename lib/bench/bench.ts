/**
 * `stormdrill bench`: plans the runs, connects (checking host, password and cluster mode
 * first), runs each test on the hot path (in this thread or in worker threads), prints
 * redis-benchmark-style output and collects results for --json and metrics.
 */
import { Worker } from 'node:worker_threads';
import { UserError } from '../core/errors.js';
import type { LatencyHistogram } from '../core/stats/index.js';
import { askMaster, type Endpoint, parseHostPort, type SlotMap, type SlotMaster, sentinelSettings } from '../redis/index.js';
import { benchSettings, connect, hostConfig } from './connection.js';
import {
  CSV_HEADER,
  errorCount,
  errorSummaryLines,
  formatClusterHeader,
  formatCsv,
  formatLive,
  formatQuiet,
  formatReport,
  type TestReport,
} from './format.js';
import type { BenchOptions } from './options.js';
import { formatRedirections } from './redirections.js';
import { fromWire, masterReports, mergeResults, type ReportContext, testReport, type WireResult } from './result.js';
import { type RunResult, runBenchmark } from './runner.js';
import {
  baseSeed,
  buildClients,
  clientEndpoint,
  kindTitles,
  newHistogram,
  planRuns,
  type RunSpec,
  reportDataSize,
  requestShares,
  runParams,
  type ThreadPlan,
  threadPlans,
} from './setup.js';
import { discoverCluster } from './topology.js';
import type { WorkerInput, WorkerRun } from './worker.js';

export interface BenchIO {
  out(text: string): void;
  err(text: string): void;
  /** Live progress line only on a TTY. */
  isTTY: boolean;
  /** For -x. */
  readStdin?: () => Promise<string>;
}

/** Hooks for metrics: called as runs progress. */
export interface BenchObserver {
  onRunStart?(run: RunSpec, titles: string[]): void;
  onProgress?(run: RunSpec, finishedDelta: number): void;
  onRunEnd?(run: RunSpec, result: RunResult, titles: string[]): void;
  /** Live histogram of the current run (single-thread mode). */
  onHistogram?(run: RunSpec, h: LatencyHistogram): void;
}

export interface RunOutcome {
  run: RunSpec;
  titles: string[];
  result: RunResult;
  /** Cluster mode: the results of each master's clients, in topology order. */
  perMaster?: Array<{ master: SlotMaster; index: number; result: RunResult }>;
  reports: TestReport[];
  /** Stopped by Ctrl-C before it was whole (not printed as a result). */
  interrupted: boolean;
}

export interface BenchOutcome {
  seed: number;
  topology: SlotMap | null;
  runs: RunOutcome[];
  /** Error replies in total (all runs). */
  errors: number;
  interrupted: boolean;
}

const baseEndpoint = (o: BenchOptions): Endpoint => clientEndpoint(o, null, 0);

export async function runBench(
  o: BenchOptions,
  io: BenchIO,
  opts: { signal?: AbortSignal; observer?: BenchObserver } = {},
): Promise<BenchOutcome> {
  const signal = opts.signal;
  const obs = opts.observer;
  // The title is the command line as given (without the -x argument), as redis-benchmark prints it.
  const commandTitle = o.command?.join(' ');
  if (o.stdinArg && o.command) {
    if (!io.readStdin) throw new UserError('-x needs stdin');
    o = { ...o, command: [...o.command, await io.readStdin()] };
  }
  if (o.command && o.tests) io.err('WARNING: Option -t is ignored.\n');
  if (o.cluster && o.command && !o.command.some((a) => a.includes('{tag}')))
    io.err('WARNING: --cluster with a custom command: put "{tag}" in the key so it is routed to the right master.\n');
  if (!o.keepAlive)
    io.err(
      'WARNING: Keepalive disabled. With many clients/requests you may need to allow reuse of TIME_WAIT sockets (net.ipv4.tcp_tw_reuse).\n',
    );

  // With --sentinel, the master the Sentinels name (lib/redis's Sentinel client, as fill/write/audit do)
  if (o.sentinels?.length) {
    const sentinels = o.sentinels.map((s) => parseHostPort(s, 26379) as Endpoint);
    const m = await askMaster(sentinels, o.masterName as string, sentinelSettings(benchSettings(o)));
    o = { ...o, host: m.host, port: m.port };
  }
  // Connect once first: unreachable host, wrong password and non-cluster nodes fail here, in one line.
  let topology: SlotMap | null = null;
  if (o.cluster) {
    topology = await discoverCluster(baseEndpoint(o), o);
    const n = topology.masters.length;
    if (!o.idle) io.out(formatClusterHeader(topology.masters));
    if (o.clients < n) io.err(`WARNING: -c ${o.clients} is less than the ${n} masters: only ${o.clients} of them get requests.\n`);
  } else (await connect(baseEndpoint(o), o)).sock.destroy();

  if (o.idle) {
    await idle(o, io, topology, signal);
    return { seed: baseSeed(o), topology, runs: [], errors: 0, interrupted: signal?.aborted === true };
  }

  // worker threads with --threads and in cluster mode (setup.threadPlans), none otherwise
  const plans = topology || o.threads > 0 ? threadPlans(o, topology?.masters.length ?? 0) : [];
  const threads = plans.length;
  const ctx: ReportContext = { clients: o.clients, dataSize: o.dataSize, keepAlive: o.keepAlive, threads, rate: o.rate };
  if (topology) {
    const masters = await Promise.all(topology.masters.map((m) => hostConfig({ host: m.host, port: m.port }, o)));
    ctx.cluster = { masters: masters.map((c) => c ?? { save: '', appendonly: 'unknown' }) };
  } else {
    const hc = await hostConfig(baseEndpoint(o), o);
    if (hc) ctx.hostConfig = hc;
  }

  if (o.csv) io.out(CSV_HEADER);
  const runs = planRuns(o, commandTitle);
  const outcomes: RunOutcome[] = [];
  let errors = 0;
  let interrupted = false;
  const pool = threads > 0 ? startWorkers(o, topology, plans) : null;
  try {
    do {
      for (const run of runs) {
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
        const titles = kindTitles(run);
        obs?.onRunStart?.(run, titles);
        const { result, perMaster } = await executeRun(o, run, topology, pool, io, titles.length, signal, obs);
        obs?.onRunEnd?.(run, result, titles);
        const partial = signal?.aborted === true;
        const rctx: ReportContext = { ...ctx, dataSize: reportDataSize(o, run) };
        if (topology) rctx.redirections = result.redirections;
        if (perMaster) rctx.perMaster = masterReports(perMaster);
        const kindCtx = { ...rctx, redirections: undefined, perMaster: undefined };
        const reports: TestReport[] =
          titles.length > 1
            ? titles.map((t, i) =>
                testReport(
                  t,
                  result.kindFinished[i] ?? 0,
                  result.elapsedMs,
                  result.kindHistograms[i] as LatencyHistogram,
                  {},
                  kindCtx,
                  o.precision,
                ),
              )
            : [];
        reports.push(testReport(run.title, result.finished, result.elapsedMs, result.histogram, result.errors, rctx, o.precision));
        if (partial) {
          // a partial test is no result: nothing on stdout (redis-benchmark prints none either)
          io.err(
            `${run.title}: interrupted after ${result.finished} requests in ${(result.elapsedMs / 1000).toFixed(2)} seconds (no result printed)\n`,
          );
        } else {
          for (const r of reports) io.out(o.csv ? formatCsv(r) : o.quiet ? formatQuiet(r) : `${formatReport(r)}\n`);
          if ((o.csv || o.quiet) && topology && Object.values(result.redirections).some((n) => n > 0))
            io.err(`${run.title}: redirections: ${formatRedirections(result.redirections)}\n`);
        }
        for (const line of errorSummaryLines(run.title, result.finished, result.errors, result.errorMessages)) io.err(`${line}\n`);
        errors += errorCount(result.errors);
        outcomes.push({ run, titles, result, perMaster, reports, interrupted: partial });
        if (signal?.aborted) interrupted = true;
      }
      if (!o.csv && !o.quiet) io.out('');
      if (!o.csv && o.quiet) io.out('\n');
    } while (o.loop && !signal?.aborted);
  } finally {
    await pool?.close();
  }
  return { seed: baseSeed(o), topology, runs: outcomes, errors, interrupted };
}

/** Run one test (or command, or mix) with all clients; in worker threads with --threads. */
async function executeRun(
  o: BenchOptions,
  run: RunSpec,
  topology: SlotMap | null,
  pool: WorkerPool | null,
  io: BenchIO,
  kinds: number,
  signal: AbortSignal | undefined,
  obs: BenchObserver | undefined,
): Promise<{ result: RunResult; perMaster?: RunOutcome['perMaster'] }> {
  let liveShown = false;
  let overallLatUs = 0;
  const started = performance.now();
  const live = (finished: number, intervalFinished: number, intervalAvgUs: number, dtMs: number) => {
    obs?.onProgress?.(run, intervalFinished);
    if (!io.isTTY || o.csv) return;
    if (Number.isFinite(intervalAvgUs)) overallLatUs += intervalAvgUs * intervalFinished;
    const elapsed = (performance.now() - started) / 1000;
    const line = formatLive(
      run.title,
      (intervalFinished * 1000) / dtMs,
      finished / elapsed,
      intervalAvgUs / 1000,
      finished > 0 ? overallLatUs / finished / 1000 : Number.NaN,
    );
    io.out(`\r${line}`);
    liveShown = true;
  };
  let result: RunResult;
  let perMaster: RunOutcome['perMaster'];
  if (pool) {
    ({ result, perMaster } = await runInWorkers(pool, o, run, topology, kinds, live, signal));
  } else {
    const specs = buildClients(o, run, topology, { first: 0, count: o.clients, thread: 0, threads: 1 });
    let lastTick = performance.now();
    let firstHistogram = true;
    result = await runBenchmark({
      ...runParams(o, kinds),
      clients: specs,
      newHistogram: () => {
        const h = newHistogram(o.precision);
        if (firstHistogram) obs?.onHistogram?.(run, h);
        firstHistogram = false;
        return h;
      },
      onTick: (p) => {
        const t = performance.now();
        live(p.finished, p.intervalFinished, p.intervalAvgUs, t - lastTick);
        lastTick = t;
      },
      tickMs: 250,
      signal,
    });
  }
  if (liveShown) io.out(`\r${' '.repeat(Math.min(200, run.title.length + 90))}\r`);
  return { result, perMaster };
}

/**
 * The worker thread's entry: from the sources, a loader that runs worker.ts through tsx;
 * in the built CLI (dist/cli/, lib/bundle/cli-build.ts), the bundled worker beside this chunk.
 */
const WORKER_FILE = import.meta.url.endsWith('.ts') ? './worker-entry.mjs' : './bench-worker.js';

/**
 * --threads N, and cluster mode (one thread per master at least): worker threads, each
 * with its share of the clients (setup.threadPlans) and one request counter for them all,
 * started once for the whole run and sent one test after another.
 */
function startWorkers(o: BenchOptions, topology: SlotMap | null, plans: ThreadPlan[]) {
  const workers = plans.map((plan) => {
    const input: WorkerInput = { options: o, topology, plan };
    return new Worker(new URL(WORKER_FILE, import.meta.url), { workerData: input });
  });
  return { plans, workers, close: () => Promise.all(workers.map((w) => w.terminate())) };
}
type WorkerPool = ReturnType<typeof startWorkers>;

/** One test on every worker of the pool; merged after, and per master in cluster mode. */
async function runInWorkers(
  pool: WorkerPool,
  o: BenchOptions,
  run: RunSpec,
  topology: SlotMap | null,
  kinds: number,
  live: (finished: number, intervalFinished: number, intervalAvgUs: number, dtMs: number) => void,
  signal: AbortSignal | undefined,
): Promise<{ result: RunResult; perMaster?: RunOutcome['perMaster'] }> {
  const { plans, workers } = pool;
  // the test's -n counted once for every thread (SharedArrayBuffer: not copied); per master for the LRANGE pre-fill
  const shares = requestShares(o, run, topology?.masters.length ?? 0);
  const issued = new BigInt64Array(new SharedArrayBuffer(8 * shares.length));
  const finishedBy = new Array<number>(plans.length).fill(0);
  let lastTotal = 0;
  // every thread connects first; then all start at once (a thread still connecting would
  // otherwise take CPU from the ones already measuring)
  let connected = 0;
  const onConnected = () => {
    if (++connected === plans.length) for (const w of workers) w.postMessage({ type: 'start' });
  };
  const detach: Array<() => void> = [];
  const promises = workers.map((w, thread) => {
    return new Promise<RunResult>((resolve, reject) => {
      const onMessage = (m: { type: string; [k: string]: unknown }) => {
        if (m.type === 'connected') onConnected();
        else if (m.type === 'progress') {
          finishedBy[thread] = m.finished as number;
          if (thread === 0) {
            // The live line and metrics advance with thread 0's ticks, by the exact total answered so far.
            const total = finishedBy.reduce((a, b) => a + b, 0);
            live(total, Math.max(0, total - lastTotal), m.intervalAvgUs as number, 250);
            lastTotal = total;
          }
        } else if (m.type === 'done') resolve(fromWire(m.result as WireResult));
        else if (m.type === 'failed') reject(m.user ? new UserError(m.message as string) : new Error(m.message as string));
      };
      const onError = (err: Error) => reject(err);
      const onExit = (code: number) => reject(new Error(`benchmark thread ${thread} exited with code ${code}`));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      detach.push(() => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      });
      const slot = shares.length > 1 ? (plans[thread]?.master ?? 0) : 0;
      const job: WorkerRun = { type: 'run', run, kinds, issued, slot, requests: shares[slot] as number };
      w.postMessage(job);
    });
  });
  const onAbort = () => {
    for (const w of workers) w.postMessage({ type: 'stop' });
  };
  signal?.addEventListener('abort', onAbort);
  if (signal?.aborted) onAbort();
  try {
    const parts = await Promise.all(promises);
    const merge = (rs: RunResult[]) => mergeResults(rs, () => newHistogram(o.precision));
    const perMaster = topology?.masters.flatMap((master, m) => {
      const mine = parts.filter((_, i) => plans[i]?.master === m);
      return mine.length ? [{ master, index: m, result: merge(mine) }] : [];
    });
    return { result: merge(parts), perMaster };
  } finally {
    for (const d of detach) d();
    signal?.removeEventListener('abort', onAbort);
  }
}

/** -I: open the connections and wait (until Ctrl-C, or --duration). */
async function idle(o: BenchOptions, io: BenchIO, topology: SlotMap | null, signal?: AbortSignal): Promise<void> {
  io.out(`Creating ${o.clients} idle connections and waiting forever (Ctrl+C when done)\n`);
  const socks = await Promise.all(Array.from({ length: o.clients }, (_, i) => connect(clientEndpoint(o, topology, i), o)));
  try {
    await new Promise<void>((resolve) => {
      const t = o.durationSec !== undefined ? setTimeout(resolve, o.durationSec * 1000) : undefined;
      signal?.addEventListener('abort', () => {
        if (t) clearTimeout(t);
        resolve();
      });
      if (signal?.aborted) resolve();
    });
  } finally {
    for (const s of socks) s.sock.destroy();
  }
}
