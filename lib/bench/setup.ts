/**
 * From options to what the runner needs: the run list (tests, a custom command or a mix),
 * compiled commands and per-client batches. Shared by the main thread and worker threads,
 * so both build byte-identical batches from plain data.
 */
import * as hdr from 'hdr-histogram-js';
import { LatencyHistogram } from '../core/stats/index.js';
import type { Endpoint, SlotMap } from '../redis/index.js';
import { tagSlot } from './cluster-router.js';
import type { BenchOptions, MixEntry } from './options.js';
import { benchmarkData, keyGenerator, prng32 } from './random.js';
import type { ClientSpec, RunParams } from './runner.js';
import { Batch, type CompiledCommand, compileCommand, type TemplateArg, type ValueSource, weightedPicker } from './template.js';
import { selectTests, TESTS, testByName } from './tests.js';

/** One benchmark run: a built-in test, a custom command or a mix. Plain data. */
export type RunSpec =
  | { kind: 'test'; name: string; title: string }
  | { kind: 'command'; args: string[]; title: string }
  | { kind: 'mix'; entries: MixEntry[]; title: string };

/** The runs the options ask for, in order. */
export function planRuns(o: BenchOptions, commandTitle?: string): RunSpec[] {
  if (o.mix) return [{ kind: 'mix', entries: o.mix, title: `MIX ${o.mix.map((e) => `${e.name}=${e.weight}`).join(',')}` }];
  if (o.command) return [{ kind: 'command', args: o.command, title: commandTitle ?? o.command.join(' ') }];
  return selectTests(o.tests).map((t) => ({ kind: 'test', name: t.name, title: t.title }));
}

/** Titles of the commands of a run (one for tests and commands; one per entry for mixes). */
export function kindTitles(run: RunSpec): string[] {
  if (run.kind !== 'mix') return [run.title];
  return run.entries.map((e) => (e.command ? e.command.join(' ') : (testByName(e.name)?.title ?? e.name)));
}

/** The HDR histogram redis-benchmark uses: 10 µs .. 3 s (auto-resizing), `precision` digits. */
export function benchHdr(precision: number): hdr.Histogram {
  return hdr.build({
    useWebAssembly: false,
    lowestDiscernibleValue: 10,
    highestTrackableValue: 3_000_000,
    numberOfSignificantValueDigits: Math.min(5, Math.max(1, precision)) as 1 | 2 | 3 | 4 | 5,
    autoResize: true,
  });
}

export const newHistogram = (precision: number): LatencyHistogram => new LatencyHistogram(benchHdr(precision));

function testArgs(name: string, o: BenchOptions): { args: TemplateArg[]; inline: boolean } {
  const t = TESTS.find((x) => x.name === name);
  if (!t) throw new Error(`internal: no test ${name}`);
  return {
    args: t.build({ prefix: o.keyPrefix, tag: o.cluster ? ':{tag}' : '', randomKeys: o.keyspace !== undefined }),
    inline: t.name === 'ping_inline', // PING_INLINE is sent as an inline command, not a RESP array
  };
}

/** Compiled commands and weights of a run. */
export function compileRun(run: RunSpec, o: BenchOptions): { commands: CompiledCommand[]; weights: number[] } {
  const value = o.dataSizeRange ? undefined : benchmarkData(o.dataSize, o.seed);
  const cluster = o.cluster;
  if (run.kind === 'test') {
    const { args, inline } = testArgs(run.name, o);
    return { commands: [compileCommand(args, { value, cluster, inline })], weights: [1] };
  }
  if (run.kind === 'command') return { commands: [compileCommand(run.args, { cluster })], weights: [1] };
  const commands = run.entries.map((e) => {
    if (e.command) return compileCommand(e.command, { cluster });
    const { args, inline } = testArgs(e.name, o);
    return compileCommand(args, { value, cluster, inline });
  });
  return { commands, weights: run.entries.map((e) => e.weight) };
}

/** The runner's parameters for one run of the options (a worker thread adds the shared request counter and takes its share of --rate). */
export function runParams(o: BenchOptions, kinds: number): Omit<RunParams, 'clients'> {
  return {
    connect: o,
    pipeline: o.pipeline,
    requests: o.requests,
    durationMs: o.durationSec !== undefined ? o.durationSec * 1000 : undefined,
    warmupMs: o.warmupSec * 1000,
    rate: o.rate,
    keepAlive: o.keepAlive,
    kinds,
    newHistogram: () => newHistogram(o.precision),
  };
}

/** Which base seed a run uses (fixed by --seed, otherwise drawn once per process). */
export function baseSeed(o: BenchOptions): number {
  return o.seed ?? RANDOM_SEED;
}
const RANDOM_SEED = (Math.random() * 0xffffffff) >>> 0;

export interface ClientPlan {
  /** Global index of the first client of this thread. */
  first: number;
  count: number;
  /** Thread index (0 without threads). */
  thread: number;
  threads: number;
  /** Cluster: the index of the master every client of this thread sends to (else round-robin). */
  master?: number;
}

/** Endpoint of global client `i`: cluster clients go to the plan's master, or round-robin over the masters. */
export function clientEndpoint(o: BenchOptions, topo: SlotMap | null, i: number, master?: number): Endpoint {
  if (topo) {
    const m = topo.masters[master ?? i % topo.masters.length];
    if (m) return { host: m.host, port: m.port };
  }
  return { host: o.host, port: o.port, socket: o.socket };
}

/** Build this thread's clients. One key generator per thread (sequential keys stay sequential). */
export function buildClients(o: BenchOptions, run: RunSpec, topo: SlotMap | null, plan: ClientPlan): ClientSpec[] {
  const seed = (baseSeed(o) + plan.thread * 1_000_003) >>> 0;
  const { commands, weights } = compileRun(run, o);
  const keyspace = o.keyspace;
  const start = keyspace ? Math.floor((keyspace * plan.thread) / Math.max(1, plan.threads)) : 0;
  const nextKey = keyspace === undefined ? null : keyGenerator(o.keyDist, keyspace, seed, start);
  let values: ValueSource | undefined;
  if (o.dataSizeRange) {
    const [min, max] = o.dataSizeRange;
    values = { data: benchmarkData(max, o.seed), min, max, rand: prng32(seed ^ 0x5bd1e995) };
  }
  const pick = commands.length > 1 ? weightedPicker(weights, prng32(seed ^ 0x9e3779b9)) : undefined;
  const out: ClientSpec[] = [];
  for (let j = 0; j < plan.count; j++) {
    const i = plan.first + j;
    const endpoint = clientEndpoint(o, topo, i, plan.master);
    // every client of a master puts that master's hash tag in its keys (redis-benchmark's way)
    const master = topo ? topo.masters[plan.master ?? i % topo.masters.length] : undefined;
    const batch = new Batch({ commands, weights, pipeline: o.pipeline, values, pick });
    out.push({ endpoint, batch, nextKey, slot: master ? tagSlot(master) : -1 });
  }
  return out;
}

/** One worker thread's share of a run: its clients (-n is one counter for all threads). */
export type ThreadPlan = ClientPlan;

/**
 * How the clients are shared by the worker threads (pure). Without a cluster:
 * `--threads` threads (at most one per client). In cluster mode at least one thread per
 * master (redis-benchmark's model), `--threads` more when asked; thread t serves master
 * t mod masters, and the clients of a master are shared by its threads; threads left
 * without a client are dropped.
 */
export function threadPlans(o: Pick<BenchOptions, 'clients' | 'threads'>, masters: number): ThreadPlan[] {
  const raw: Array<{ count: number; master?: number }> = [];
  if (masters <= 0) {
    for (const count of split(o.clients, Math.max(1, Math.min(o.threads, o.clients)))) raw.push({ count });
  } else {
    const threads = Math.max(o.threads, masters);
    const perMaster = split(o.clients, masters);
    for (let t = 0; t < threads; t++) {
      const m = t % masters;
      const threadsOfMaster = Math.floor(threads / masters) + (m < threads % masters ? 1 : 0);
      raw.push({ count: split(perMaster[m] as number, threadsOfMaster)[Math.floor(t / masters)] as number, master: m });
    }
  }
  const kept = raw.filter((r) => r.count > 0);
  const plans: ThreadPlan[] = [];
  let first = 0;
  for (const [thread, r] of kept.entries()) {
    plans.push({ first, count: r.count, thread, threads: kept.length, master: r.master });
    first += r.count;
  }
  return plans;
}

/** Split `total` into `parts` near-equal shares. */
export function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const rest = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < rest ? 1 : 0));
}

/**
 * The -n of each request counter the threads share (pure): one counter for -n, or in
 * cluster mode for a test with sharePerMaster one per master, each an even share.
 */
export function requestShares(o: Pick<BenchOptions, 'requests'>, run: RunSpec, masters: number): number[] {
  const perMaster = masters > 0 && run.kind === 'test' && TESTS.find((t) => t.name === run.name)?.sharePerMaster === true;
  return perMaster ? split(o.requests, masters) : [o.requests];
}

/** Payload bytes shown in the report (redis-benchmark shows the command size for custom commands). */
export function reportDataSize(o: BenchOptions, run: RunSpec): number {
  if (run.kind === 'command') return (compileRun(run, o).commands[0]?.parts[0] as { bytes: Buffer } | undefined)?.bytes.length ?? 0;
  return o.dataSizeRange ? o.dataSizeRange[1] : o.dataSize;
}
