/**
 * fill vs redis-cli --pipe: pre-generates 2M `SET` commands with 100-byte values into a
 * file for `redis-cli --pipe`, then, in the same run and against a fresh redis-server
 * each, runs `stormdrill fill --keys 2000000 --value-size 100` (the library call) and
 * prints the keys/s ratio (three alternating rounds, median: the machine is shared). Anchor measured on this machine: redis-cli --pipe 760k keys/s.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { FillGenerator } from '../lib/integrity/fill/generator.js';
import { runFill } from '../lib/integrity/index.js';
import { redisOnce } from '../lib/redis/index.js';
import { freePort } from '../lib/stack/ports.js';
import { startRedisServer } from '../lib/stack/redis.js';

const KEYS = Number(process.env.KEYS ?? 2_000_000);
const ANCHOR = 760_000;
const dir = mkdtempSync(join(tmpdir(), 'stormdrill-fill-bench-'));

/** CPU seconds the server used so far (INFO cpu): the load-independent cost of a load. */
async function serverCpu(port: number): Promise<number> {
  const info = String(await redisOnce(port, ['INFO', 'cpu'], { timeoutMs: 5000 }));
  return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]);
}

async function fresh(label: string) {
  return startRedisServer({ port: await freePort(), dir: join(dir, label) });
}

try {
  // the same bytes fill sends, as a file for redis-cli --pipe
  const gen = new FillGenerator({
    keyPrefix: 'sd:bench:',
    type: 'string',
    valueMin: 100,
    valueMax: 100,
    elements: 1,
    ttlShare: 0,
    ttlSeconds: 1,
    seed: 1,
  });
  const file = join(dir, 'commands.resp');
  // streamed to the file in 8 MiB pieces: nothing of it stays in this process' memory
  const fd = openSync(file, 'w');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  let off = 0;
  for (let n = 0; n < KEYS; n++) {
    if (off + gen.maxBytesPerKey > buf.length) {
      writeSync(fd, buf, 0, off);
      off = 0;
    }
    off = gen.write(buf, off, n);
  }
  writeSync(fd, buf, 0, off);
  closeSync(fd);

  // alternate the two, a fresh server for every run; the machine is shared, so three rounds and the median
  const rounds = Number(process.env.ROUNDS ?? 3);
  const ratios: number[] = [];
  const setRatios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const a = await fresh(`pipe-${round}`);
    let pipeRate = 0;
    let pipeCpu = 0;
    try {
      const c0 = await serverCpu(a.port);
      const t0 = performance.now();
      const r = await execa('redis-cli', ['-p', String(a.port), '--pipe'], { inputFile: file, reject: false });
      const secs = (performance.now() - t0) / 1000;
      if (r.exitCode !== 0 || !/errors: 0, replies: \d+/.test(r.stdout))
        throw new Error(`redis-cli --pipe failed: ${r.stdout} ${r.stderr}`);
      pipeRate = KEYS / secs;
      pipeCpu = (await serverCpu(a.port)) - c0;
    } finally {
      await a.stop();
    }
    const b = await fresh(`fill-${round}`);
    let fillRate = 0;
    let fillCpu = 0;
    try {
      const c0 = await serverCpu(b.port);
      const r = await runFill({ runId: 'bench', keyPrefix: 'sd:bench:', keys: KEYS, valueSize: 100, connection: { port: b.port } });
      if (r.errors > 0) throw new Error(`fill had ${r.errors} errors`);
      fillRate = r.keysPerSecond;
      fillCpu = (await serverCpu(b.port)) - c0;
    } finally {
      await b.stop();
    }
    // the same fill with one SET per key (--mset 1): exactly redis-cli --pipe's commands
    const c = await fresh(`fill-set-${round}`);
    let setRate = 0;
    try {
      const r = await runFill({
        runId: 'bench',
        keyPrefix: 'sd:bench:',
        keys: KEYS,
        valueSize: 100,
        mset: 1,
        connection: { port: c.port },
      });
      if (r.errors > 0) throw new Error(`fill --mset 1 had ${r.errors} errors`);
      setRate = r.keysPerSecond;
    } finally {
      await c.stop();
    }
    setRatios.push(setRate / pipeRate);
    ratios.push(fillRate / pipeRate);
    console.log(
      `round ${round}: redis-cli --pipe ${Math.round(pipeRate)} keys/s, stormdrill fill ${Math.round(fillRate)} keys/s (${(fillRate / ANCHOR).toFixed(2)}x the ${ANCHOR} anchor), ratio ${(fillRate / pipeRate).toFixed(2)}x (with --mset 1: ${(setRatios[setRatios.length - 1] as number).toFixed(2)}x); server CPU per key: pipe ${((pipeCpu / KEYS) * 1e6).toFixed(2)} µs, fill ${((fillCpu / KEYS) * 1e6).toFixed(2)} µs`,
    );
  }
  ratios.sort((x, y) => x - y);
  setRatios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)] as number;
  console.log(
    `ratio fill / redis-cli --pipe (${KEYS} SET, 100-byte values, median of ${rounds}): ${median.toFixed(2)}x (target >= 1.0x: ${median >= 1 ? 'met' : 'NOT met'})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
