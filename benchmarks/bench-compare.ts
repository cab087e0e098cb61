/**
 * `stormdrill bench` vs redis-benchmark, same machine, same redis-server, same arguments
 * (-c 50 -d 100 -r 1000000, SET and GET, -P 1 and -P 16), run alternately (the order flips
 * every round so background load hits both alike). Prints the median rps and p50 of each
 * tool per case, the median of the per-round ratios against the target (rps >= 0.95x; the p50 ratio is
 * printed, not judged: a closed loop's p50 depends on how long each client holds replies), and the
 * peak RSS of stormdrill at -n and 3x -n (it must not grow with -n). Then a cluster case:
 * a 3-master Redis Cluster, `--cluster -c 50 -P 16 -t set,get` for both tools, the median
 * paired rps ratio per test against the same >= 0.95x target.
 *
 *   node --import tsx benchmarks/bench-compare.ts [--rounds 5] [--seconds 3] [--cluster-seconds 10] [--cluster-only]
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParsedResult, parseQuiet } from '../lib/bench/format.js';
import { buildCli } from '../lib/bundle/index.js';
import { procStatFields } from '../lib/core/proc-stat.js';
import { findBinary, freePort, makeWorkDir, PortAllocator, spawnManaged, startRedisServer } from '../lib/stack/index.js';
import { startTopology } from '../lib/topology/start.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? def : Number(process.argv[i + 1]);
};
const ROUNDS = arg('--rounds', 5);
const CLUSTER_ONLY = process.argv.includes('--cluster-only');
const SECONDS = arg('--seconds', 3);
// In cluster mode (threads) redis-benchmark's elapsed times come in 250 ms steps (measured:
// 1.755, 2.005 and 2.256 s for one -n), so on a 3-second run its rps jumps by up to 8 % from
// round to round. Ten seconds keep that step under 2.5 %.
const CLUSTER_SECONDS = arg('--cluster-seconds', 10);
const RPS_TARGET = 0.95;

const redisBenchmark = findBinary('redis-benchmark');
if (!redisBenchmark) {
  console.error('redis-benchmark not found: apt-get install redis-tools (or npm run setup)');
  process.exit(2);
}
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

// time the bundle users run: build it now, and never let a stale build fall back to tsx
await buildCli();
const work = makeWorkDir('bench-compare');
const redis = await startRedisServer({ port: await freePort(), dir: join(work.path, 'redis') });

interface Sample {
  rps: number;
  p50: number;
  rssKb?: number;
  /** user + system CPU seconds of the whole process */
  cpuS?: number;
  /** redis-server's user + system CPU seconds while the tool ran */
  serverCpuS: number;
  /** every test of the run (-t set,get gives two) */
  all: ParsedResult[];
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s
/** user + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number): number {
  const fields = procStatFields(pid);
  if (!fields) throw new Error(`process ${pid} is gone: no CPU time to read`);
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / CLK_TCK;
}

let seq = 0;
async function runTool(
  tool: 'redis-benchmark' | 'stormdrill',
  args: string[],
  prefix: string[] = [],
  serverPids: number[] = [redis.process.pid],
): Promise<Sample> {
  const base = [
    ...prefix,
    ...(tool === 'redis-benchmark'
      ? [redisBenchmark as string, ...args]
      : [process.execPath, join(ROOT, 'bin/stormdrill.js'), 'bench', ...args]),
  ];
  const [command, ...rest] = timeBin ? [timeBin, '-f', 'maxrss_kb=%M cpu_s=%U+%S', ...base] : base;
  const logFile = join(work.path, `${tool}-${seq++}.log`);
  const serverCpu = () => serverPids.reduce((a, pid) => a + cpuSeconds(pid), 0);
  const server0 = serverCpu();
  const p = spawnManaged({ name: tool, command: command as string, args: rest, cwd: ROOT, logFile, env: { STORMDRILL_ENTRY: 'built' } });
  await p.exited;
  const serverCpuS = serverCpu() - server0;
  const text = readFileSync(logFile, 'utf8');
  const all = parseQuiet(text);
  const r = all[0];
  if (!r || p.exit?.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed (exit ${p.exit?.code}): ${text.slice(-400)}`);
  const rss = /maxrss_kb=(\d+)/.exec(text);
  const cpu = /cpu_s=([\d.]+)\+([\d.]+)/.exec(text);
  return {
    rps: r.rps,
    p50: r.p50 ?? Number.NaN,
    rssKb: rss ? Number(rss[1]) : undefined,
    cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
    serverCpuS,
    all,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const common = ['-h', '127.0.0.1', '-p', String(redis.port), '-c', '50', '-d', '100', '-r', '1000000', '-q'];

/**
 * The cluster case: 3 masters on this machine, both tools with `--cluster -c 50 -P 16 -t
 * set,get` (redis-benchmark runs one thread per master, so does stormdrill), alternating
 * rounds; per test the median rps and the median of the per-round ratios. True when met.
 */
async function clusterCase(): Promise<boolean> {
  const base = await freePort();
  const cluster = await startTopology(
    { kind: 'cluster', masters: 3, replicasPerMaster: 0, faultProxies: false },
    { ports: new PortAllocator(base + 1, base + 200), dir: join(work.path, 'cluster') },
  );
  try {
    const seed = cluster.nodes[0];
    const pids = cluster.nodes.map((nd) => nd.process?.pid as number);
    const args = ['-h', '127.0.0.1', '-p', String(seed?.port), '--cluster', '-c', '50', '-P', '16', '-d', '100', '-r', '1000000', '-q'];
    const cal = await runTool('redis-benchmark', [...args, '-t', 'set', '-n', '400000'], [], pids);
    const n = Math.max(200_000, Math.round((cal.rps * CLUSTER_SECONDS) / 800) * 800);
    const caseArgs = [...args, '-t', 'set,get', '-n', String(n)];
    console.log(`cluster case: 3 masters (${cluster.nodes.map((nd) => nd.port).join(', ')}); args: ${caseArgs.slice(2).join(' ')}`);
    const rb: Sample[] = [];
    const sd: Sample[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['redis-benchmark', 'stormdrill'] as const) : (['stormdrill', 'redis-benchmark'] as const);
      for (const tool of order) (tool === 'redis-benchmark' ? rb : sd).push(await runTool(tool, caseArgs, [], pids));
    }
    let met = true;
    for (const title of ['SET', 'GET']) {
      const rps = (s: Sample) => s.all.find((x) => x.title === title)?.rps ?? Number.NaN;
      const ratio = median(sd.map((s, i) => rps(s) / rps(rb[i] as Sample)));
      met = met && ratio >= RPS_TARGET;
      console.log(
        `cluster ${title} -P 16 ${n} req: redis-benchmark ${median(rb.map(rps)).toFixed(0)} rps | stormdrill ${median(sd.map(rps)).toFixed(0)} rps | median paired rps ratio ${ratio.toFixed(3)} (target >= ${RPS_TARGET}) ${ratio >= RPS_TARGET ? 'met' : 'NOT met'}`,
      );
      console.log(
        `           per round rps: redis-benchmark ${rb.map((s) => rps(s).toFixed(0)).join(' ')} | stormdrill ${sd.map((s) => rps(s).toFixed(0)).join(' ')}`,
      );
    }
    return met;
  } finally {
    await cluster.stop();
  }
}

try {
  if (CLUSTER_ONLY) {
    const met = await clusterCase();
    console.log(met ? 'all targets met' : 'some targets NOT met (see above; other processes share the 2 cores)');
    process.exitCode = 0;
  } else {
    // Size -n for about SECONDS per run from a short calibration of redis-benchmark.
    const cal1 = await runTool('redis-benchmark', [...common, '-t', 'set', '-n', '100000']);
    const cal16 = await runTool('redis-benchmark', [...common, '-t', 'set', '-n', '400000', '-P', '16']);
    const n = (rps: number) => Math.max(100_000, Math.round((rps * SECONDS) / 800) * 800);
    // stormdrill's fixed start-up CPU (Node + tsx + imports), subtracted from its CPU per request
    const startup = median(
      await Promise.all(
        [0, 1, 2].map(() => runTool('stormdrill', [...common, '-t', 'ping_mbulk', '-n', '50', '-c', '1']).then((x) => x.cpuS ?? 0)),
      ),
    );
    const cases = [
      { name: 'SET -P 1', args: ['-t', 'set', '-P', '1', '-n', String(n(cal1.rps))] },
      { name: 'GET -P 1', args: ['-t', 'get', '-P', '1', '-n', String(n(cal1.rps))] },
      { name: 'SET -P 16', args: ['-t', 'set', '-P', '16', '-n', String(n(cal16.rps))] },
      { name: 'GET -P 16', args: ['-t', 'get', '-P', '16', '-n', String(n(cal16.rps))] },
    ];
    console.log(`redis-server ${redis.port}; ${ROUNDS} alternating rounds per case; args: ${common.join(' ')}`);

    /** Alternate the two tools on one case; print the figures; true when both targets are met. */
    const compare = async (c: { name: string; args: string[] }, prefix: string[] = [], target = true): Promise<boolean> => {
      const rb: Sample[] = [];
      const sd: Sample[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? (['redis-benchmark', 'stormdrill'] as const) : (['stormdrill', 'redis-benchmark'] as const);
        for (const tool of order) (tool === 'redis-benchmark' ? rb : sd).push(await runTool(tool, [...common, ...c.args], prefix));
      }
      const rbRps = median(rb.map((s) => s.rps));
      const sdRps = median(sd.map((s) => s.rps));
      const rbP50 = median(rb.map((s) => s.p50));
      const sdP50 = median(sd.map((s) => s.p50));
      // The ratio is the median of per-round ratios: each round's two runs are back to back,
      // so background load (other processes on the 2 cores) hits both alike.
      const rpsRatio = median(sd.map((s, i) => s.rps / (rb[i] as Sample).rps));
      const p50Ratio = median(sd.map((s, i) => s.p50 / (rb[i] as Sample).p50));
      const requests = Number(c.args.at(-1));
      const cpuPerReq = (xs: Sample[], base: number) => median(xs.map((x) => (((x.cpuS ?? Number.NaN) - base) * 1e6) / requests));
      // Share of one core each process used while requests ran (run time = requests / rps):
      // in a closed loop the 50 requests pile up at the busiest process.
      const busy = (xs: Sample[], cpu: (x: Sample) => number) => median(xs.map((x) => (100 * cpu(x) * x.rps) / requests));
      const rbCpu = cpuPerReq(rb, 0);
      const sdCpu = cpuPerReq(sd, startup);
      // p50 is not judged: in a closed loop it follows how long each client holds its replies
      const met = rpsRatio >= RPS_TARGET;
      console.log(
        `${c.name.padEnd(10)} ${c.args.at(-1)} req: redis-benchmark ${rbRps.toFixed(0)} rps p50 ${rbP50.toFixed(3)} ms | stormdrill ${sdRps.toFixed(0)} rps p50 ${sdP50.toFixed(3)} ms | median paired rps ratio ${rpsRatio.toFixed(3)} (target >= ${RPS_TARGET}) p50 ratio ${p50Ratio.toFixed(3)} (not judged) ${target ? (met ? 'met' : 'NOT met') : 'not a target'}`,
      );
      if (timeBin) {
        console.log(
          `           CPU per request (user+sys; stormdrill's ${startup.toFixed(2)} s start-up subtracted): redis-benchmark ${rbCpu.toFixed(2)} us | stormdrill ${sdCpu.toFixed(2)} us (ratio ${(sdCpu / rbCpu).toFixed(2)})`,
        );
        console.log(
          `           busy share of a core while running: redis-benchmark ${busy(rb, (x) => x.cpuS ?? Number.NaN).toFixed(0)} % with redis-server ${busy(rb, (x) => x.serverCpuS).toFixed(0)} % | stormdrill ${busy(sd, (x) => (x.cpuS ?? Number.NaN) - startup).toFixed(0)} % with redis-server ${busy(sd, (x) => x.serverCpuS).toFixed(0)} %`,
        );
      }
      console.log(
        `           per round rps: redis-benchmark ${rb.map((s) => s.rps.toFixed(0)).join(' ')} | stormdrill ${sd.map((s) => s.rps.toFixed(0)).join(' ')}`,
      );
      console.log(
        `           per round p50 ms: redis-benchmark ${rb.map((s) => s.p50.toFixed(3)).join(' ')} | stormdrill ${sd.map((s) => s.p50.toFixed(3)).join(' ')}`,
      );
      return met;
    };

    let allMet = true;
    for (const c of cases) allMet = (await compare(c)) && allMet;

    // Not a target of the issue: the same -P 1 runs with redis-server as the slowest process
    // for both tools (it shares its core with a busy loop; the clients get the other core).
    // When the server, not the client, holds the queue, both tools should see the same p50.
    const taskset = findBinary('taskset');
    if (taskset && availableParallelism() >= 2) {
      console.log('server-bound check (not a target): redis-server shares core 1 with a busy loop, the clients run on core 0');
      const loop = spawnManaged({
        name: 'busy-loop',
        command: taskset,
        args: ['-c', '1', 'timeout', '600', 'sh', '-c', 'while :; do :; done'],
        cwd: ROOT,
        logFile: join(work.path, 'busy-loop.log'),
      });
      const pin = (cpus: string) =>
        spawnManaged({
          name: 'taskset',
          command: taskset,
          args: ['-pc', cpus, String(redis.process.pid)],
          cwd: ROOT,
          logFile: join(work.path, 'taskset.log'),
        }).exited;
      await pin('1');
      try {
        for (const c of cases.slice(0, 2))
          await compare(
            { name: c.name, args: [...c.args.slice(0, -1), String(Math.round(Number(c.args.at(-1)) / 1.6))] },
            [taskset, '-c', '0'],
            false,
          );
      } finally {
        await pin(`0-${availableParallelism() - 1}`);
        await loop.stop();
      }
    } else console.log('server-bound check skipped: needs taskset and 2 cores');

    // Not a target either: one client, where latency is one round trip and nothing queues.
    // Node's floor shows here (a bare net socket ping-pong gets about the same figures).
    console.log('one-client check (not a target): -c 1, latency is a bare round trip');
    await compare(
      { name: 'SET -c 1', args: ['-t', 'set', '-c', '1', '-n', String(Math.max(20_000, Math.round(n(cal1.rps) / 12)))] },
      [],
      false,
    );

    if (timeBin) {
      const small = await runTool('stormdrill', [...common, '-t', 'set', '-P', '16', '-n', '500000']);
      const big = await runTool('stormdrill', [...common, '-t', 'set', '-P', '16', '-n', '1500000']);
      console.log(
        `stormdrill peak RSS: ${((small.rssKb ?? 0) / 1024).toFixed(0)} MB at -n 500000, ${((big.rssKb ?? 0) / 1024).toFixed(0)} MB at -n 1500000 (ratio ${((big.rssKb ?? 0) / (small.rssKb ?? 1)).toFixed(2)})`,
      );
    }
    allMet = (await clusterCase()) && allMet;
    console.log(allMet ? 'all targets met' : 'some targets NOT met (see above; other processes share the 2 cores)');
  }
} finally {
  await redis.stop();
  work.remove();
}
