/**
 * One verdict for a distributed run, on real processes: three `stormdrill bench` processes
 * push under one testid with distinct `instance` labels into one real Prometheus (remote
 * write, native histograms). Their `--json` files are merged (`stormdrill merge`), and
 * `stormdrill gate` judges the run from the merged file and from Prometheus: counts and rps
 * add up exactly, the p99s agree within the native histogram's resolution (schema 3: one
 * bucket is 2^(1/8) wide). In a second run one instance's redis-server is paused with real
 * SIGSTOPs: the merged verdict and the Prometheus verdict both fail while the other
 * instances alone pass. With k6 (K6_BIN or on PATH), three k6 processes with execution
 * segments 0:1/3, 1/3:2/3, 2/3:1 do the same against the demo service; without, the test
 * prints "skipped: no k6".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startDemoService } from '../../../lib/demo-service/index.js';
import { promGateInput } from '../../../lib/gate/prometheus.js';
import { startRedisServer } from '../../../lib/stack/redis.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { k6Bin } from '../../support/k6.js';

const env = useTestEnv({
  foreignKeys: "bench writes redis-benchmark's key names (key:…, counter:…, mylist) unless --key-prefix",
  redis: true,
  prometheus: true,
});
const BUCKET = 2 ** (1 / 8);
/** bench's HDR histogram counts in units of 2^floor(log2(10 µs)) = 8 µs (lowestDiscernibleValue 10 µs, lib/bench/setup.ts). */
const HDR_UNIT_MS = 2 ** Math.floor(Math.log2(10)) / 1000;

interface BenchTest {
  title: string;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p99: number };
  errors: Record<string, number>;
}
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as { instance?: string; tests: BenchTest[] };

async function runInstances(
  testid: string,
  dir: string,
  ports: number[],
  during?: (lastDone: Promise<unknown>) => Promise<void>,
): Promise<string[]> {
  // --rate: latency counts from each request's intended send time, so a paused server shows
  const files = ports.map((_, i) => join(dir, `bench-${i}.json`));
  const procs = ports.map((port, i) =>
    stormdrill(
      ['bench', '-p', String(port), '-t', 'set', '--duration', '8', '--rate', '200', '-c', '4', '-r', '10000', '-q'].concat([
        '--testid',
        testid,
        '--instance',
        `bench-${i}`,
        '--prom-rw',
        env.prometheus.remoteWriteUrl,
        '--json',
        files[i] as string,
      ]),
    ),
  );
  await during?.(procs[procs.length - 1] as Promise<unknown>);
  for (const r of await Promise.all(procs)) expect(r.exitCode, r.all).toBe(0);
  return files;
}

const gate = (args: string[]) => stormdrill(['gate', ...args]);

describe('one verdict for a distributed run', () => {
  it('three bench instances: merged JSON and Prometheus agree; counts and rps add up', async () => {
    const dir = env.tmpDir('dist');
    const testid = `${env.namespace.runId}-dist`;
    const files = await runInstances(testid, dir, [env.redis.port, env.redis.port, env.redis.port]);
    const docs = files.map(readJson);
    expect(docs.map((d) => d.instance)).toEqual(['bench-0', 'bench-1', 'bench-2']);
    const merge = await stormdrill(['merge', ...files, '-o', join(dir, 'all.json')]);
    expect(merge.exitCode, merge.all).toBe(0);
    const all = readJson(join(dir, 'all.json')).tests[0] as BenchTest;
    const parts = docs.map((d) => d.tests[0] as BenchTest);
    expect(all.requests).toBe(parts.reduce((n, p) => n + p.requests, 0));
    expect(all.rps).toBeCloseTo(
      parts.reduce((n, p) => n + p.rps, 0),
      6,
    );

    const { input, window } = await promGateInput({ url: env.prometheus.url, testid, lookbackSec: 600 }, [
      'SET.requests',
      'SET.rps',
      'SET.p99',
      'SET.p50',
      'SET.errors',
    ]);
    const prom = (n: string) => input.metrics.get(n)?.value as number;
    expect(window.instances).toEqual(['bench-0', 'bench-1', 'bench-2']);
    expect(prom('SET.requests')).toBe(all.requests);
    expect(prom('SET.errors')).toBe(0);
    expect(prom('SET.rps') / all.rps).toBeCloseTo(1, 6);
    for (const stat of ['p99', 'p50'] as const) {
      // within one native bucket of the merged value, give or take one HDR unit of the
      // merged value itself (sub-millisecond latencies on a loaded machine are a few units)
      const merged = all.latencyMs[stat];
      const why = `${stat}: prometheus ${prom(`SET.${stat}`)} ms, merged ${merged} ms (one HDR unit ${HDR_UNIT_MS} ms)`;
      expect(prom(`SET.${stat}`), why).toBeGreaterThan((merged - HDR_UNIT_MS) / BUCKET);
      expect(prom(`SET.${stat}`), why).toBeLessThan((merged + HDR_UNIT_MS) * BUCKET);
    }
    console.log(
      `distributed bench: requests ${parts.map((p) => p.requests).join(' + ')} = ${all.requests} (prometheus ${prom('SET.requests')}); ` +
        `rps ${parts.map((p) => p.rps.toFixed(0)).join(' + ')} = ${all.rps.toFixed(1)} (prometheus ${prom('SET.rps').toFixed(1)}); ` +
        `p99 merged ${all.latencyMs.p99} ms, prometheus ${prom('SET.p99').toFixed(3)} ms; p50 merged ${all.latencyMs.p50} ms, prometheus ${prom('SET.p50').toFixed(3)} ms`,
    );
    // gate takes the merged file and Prometheus alike
    const limit = (all.latencyMs.p99 * 4).toFixed(3);
    const g1 = await gate([join(dir, 'all.json'), '--rule', `SET.p99<=${limit}`, '--rule', `SET.requests>=${all.requests}`]);
    expect(g1.exitCode, g1.all).toBe(0);
    const g2 = await gate([
      '--prometheus',
      env.prometheus.url,
      '--testid',
      testid,
      '--rule',
      `SET.p99<=${limit}`,
      '--rule',
      `SET.requests>=${all.requests}`,
    ]);
    expect(g2.exitCode, g2.all).toBe(0);
    expect(g2.all).toMatch(/3 instances \(bench-0, bench-1, bench-2\)/);
  }, 120_000);

  it('one slow instance (its redis-server paused with SIGSTOP) fails the merged and the Prometheus verdict; the others alone pass', async () => {
    const dir = env.tmpDir('slow');
    const testid = `${env.namespace.runId}-slow`;
    const slow = await startRedisServer({ port: await env.ports.take(), dir: join(env.tmpDir('slow-redis'), 'node') });
    const pid = slow.process.pid;
    let files: string[];
    try {
      files = await runInstances(testid, dir, [env.redis.port, env.redis.port, slow.port], async (slowDone) => {
        // once its instance is sending (a busy machine starts processes slowly), freeze its
        // server for 2.5 s at a time, with 0.3 s between, until that instance is done
        let done = false;
        void slowDone.finally(() => {
          done = true;
        });
        const probe = new Redis({ port: slow.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
        await probe.connect();
        try {
          for (let i = 0; i < 600 && !done; i++) {
            const stats = await probe.info('stats');
            if (Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0) > 20) break;
            await new Promise((r) => setTimeout(r, 50));
          }
        } finally {
          probe.disconnect();
        }
        for (let cycle = 0; cycle < 20 && !done; cycle++) {
          process.kill(pid, 'SIGSTOP');
          try {
            await new Promise((r) => setTimeout(r, 2500));
          } finally {
            process.kill(pid, 'SIGCONT');
          }
          await new Promise((r) => setTimeout(r, 300));
        }
      });
    } finally {
      await slow.stop();
    }
    const parts = files.map((f) => readJson(f).tests[0] as BenchTest);
    const merge = await stormdrill(['merge', ...files, '-o', join(dir, 'all.json')]);
    expect(merge.exitCode, merge.all).toBe(0);
    const all = readJson(join(dir, 'all.json')).tests[0] as BenchTest;
    const fastP99 = Math.max(parts[0]?.latencyMs.p99 as number, parts[1]?.latencyMs.p99 as number);
    // the freeze is real: the run's p99 is above what the two other instances saw, by more than
    // two native buckets, so a limit between them is clear of both for Prometheus too
    expect(all.latencyMs.p99, `p99s ${parts.map((p) => p.latencyMs.p99).join(', ')}, merged ${all.latencyMs.p99}`).toBeGreaterThan(
      BUCKET ** 2 * fastP99,
    );
    // a limit between the healthy instances' p99 and the run's (from this run's figures)
    const limit = Math.sqrt(fastP99 * all.latencyMs.p99).toFixed(3);
    const rule = `SET.p99<=${limit}`;
    const alone = await Promise.all(files.map((f) => gate([f, '--rule', rule])));
    expect(alone.map((g) => g.exitCode)).toEqual([0, 0, 1]);
    const merged = await gate([join(dir, 'all.json'), '--rule', rule]);
    expect(merged.exitCode, merged.all).toBe(1);
    const fromProm = await gate([
      '--prometheus',
      env.prometheus.url,
      '--testid',
      testid,
      '--rule',
      rule,
      '--json',
      join(dir, 'prom-gate.json'),
    ]);
    expect(fromProm.exitCode, fromProm.all).toBe(1);
    expect(fromProm.all).toMatch(/FAIL {2}SET\.p99<=/);
    const { input } = await promGateInput({ url: env.prometheus.url, testid, lookbackSec: 600 }, ['SET.p99']);
    const promP99 = input.metrics.get('SET.p99')?.value as number;
    expect(promP99 / all.latencyMs.p99).toBeGreaterThan(1 / BUCKET);
    expect(promP99 / all.latencyMs.p99).toBeLessThan(BUCKET);
    console.log(
      `slow instance: p99 alone ${parts.map((p) => p.latencyMs.p99).join(' / ')} ms, merged ${all.latencyMs.p99} ms, prometheus ${promP99.toFixed(3)} ms; ` +
        `rule ${rule}: alone ${alone.map((g) => (g.exitCode === 0 ? 'pass' : 'FAIL')).join(' / ')}, merged FAIL, prometheus FAIL`,
    );
  }, 120_000);

  it('three k6 processes with execution segments 0:1/3, 1/3:2/3, 2/3:1: one testid, counts add up, one verdict from Prometheus', async () => {
    if (!k6Bin) {
      console.log('skipped: no k6 (three k6 processes with execution segments); set K6_BIN or put k6 on PATH');
      return;
    }
    const testid = `${env.namespace.runId}-k6dist`;
    const svc = await startDemoService({ port: 0, redis: env.redis.url, runId: testid });
    const segments = ['0:1/3', '1/3:2/3', '2/3:1'];
    const roots = segments.map((_, i) => env.tmpDir(`k6-${i}`));
    try {
      const runs = await Promise.all(
        segments.map((segment, i) =>
          stormdrill(
            ['k6', 'smoke', '--vus', '3', '--duration', '5s', '--base-url', svc.url, '--prom-rw', env.prometheus.remoteWriteUrl]
              .concat(['--push-interval', '1s', '--run-id', testid, '--report-root', roots[i] as string, '--'])
              .concat(['--execution-segment', segment, '--execution-segment-sequence', '0,1/3,2/3,1', '--tag', `instance=k6-${i}`]),
            { env: { K6_BIN: k6Bin as string }, timeoutMs: 120_000 },
          ),
        ),
      );
      for (const r of runs) expect(r.exitCode, r.all).toBe(0);
    } finally {
      await svc.stop();
    }
    type Summary = { metrics: Record<string, { values: Record<string, number> }> };
    const summaries = roots.map((root) => JSON.parse(readFileSync(join(root, 'reports', testid, 'summary.json'), 'utf8')) as Summary);
    const counts = summaries.map((s) => s.metrics.http_reqs?.values.count as number);
    const p99s = summaries.map((s) => s.metrics.http_req_duration?.values['p(99)'] as number);
    const { input, window } = await promGateInput({ url: env.prometheus.url, testid, lookbackSec: 600 }, [
      'http_reqs.count',
      'http_req_duration.p(99)',
      'http_req_failed.rate',
    ]);
    const prom = (n: string) => input.metrics.get(n)?.value as number;
    expect(window.instances).toEqual(['k6-0', 'k6-1', 'k6-2']);
    // every VU of the run ran in exactly one segment, and every request is counted once
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(prom('http_reqs.count')).toBe(counts.reduce((a, b) => a + b, 0));
    expect(prom('http_req_failed.rate')).toBe(0);
    // the run's p99 lies between the runners' p99s and their largest request (within one native
    // bucket; a p99 of a few dozen requests sits next to the largest one)
    const maxes = summaries.map((x) => x.metrics.http_req_duration?.values.max as number);
    expect(prom('http_req_duration.p(99)')).toBeGreaterThan(Math.min(...p99s) / BUCKET);
    expect(prom('http_req_duration.p(99)')).toBeLessThan(Math.max(...maxes) * BUCKET);
    const pass = await gate([
      '--prometheus',
      env.prometheus.url,
      '--testid',
      testid,
      '--rule',
      `http_req_duration.p(99)<${(Math.max(...maxes) * 2).toFixed(3)}`,
    ]);
    expect(pass.exitCode, pass.all).toBe(0);
    const fail = await gate([
      '--prometheus',
      env.prometheus.url,
      '--testid',
      testid,
      '--rule',
      `http_req_duration.p(99)<${(Math.min(...p99s) / 2).toFixed(3)}`,
    ]);
    expect(fail.exitCode, fail.all).toBe(1);
    console.log(
      `distributed k6: http_reqs ${counts.join(' + ')} = ${prom('http_reqs.count')} in Prometheus; ` +
        `p99 per runner ${p99s.map((p) => p.toFixed(2)).join(' / ')} ms, run (Prometheus) ${prom('http_req_duration.p(99)').toFixed(2)} ms`,
    );
  }, 180_000);
});
