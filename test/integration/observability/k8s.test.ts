/**
 * deploy/k8s: manifests generated from a real bundle in dist/k6, validated offline against
 * schemas of the resources' fields; the committed manifests are the generator's output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildScenarios, PROJECT_ROOT } from '../../../lib/bundle/build.js';
import {
  ConfigMapSchema,
  JobSchema,
  k6TestRunManifests,
  redisDriverJob,
  TestRunSchema,
  validateK6TestRun,
  validateRedisDriverJob,
} from '../../../lib/observability/k8s.js';

const BUNDLE = join(PROJECT_ROOT, 'dist/k6/stress.js');
const RW = 'http://prometheus.monitoring.svc:9090/api/v1/write';
const K6_ARGS = [
  '--scenario',
  'stress',
  '--parallelism',
  '4',
  '--testid',
  'k8s-stress',
  '--prom-rw',
  RW,
  '--base-url',
  'http://demo.stormdrill.svc:8080',
  '--namespace',
  'stormdrill',
  '--env',
  'PROFILE=stress',
  '--env',
  'DURATION=5m',
];
const BENCH_ARGS = [
  '--parallelism',
  '4',
  '--testid',
  'k8s-bench',
  '--redis-host',
  'haproxy.stormdrill.svc',
  '--prom-rw',
  RW,
  '--namespace',
  'stormdrill',
];

const gen = (args: string[]) =>
  execa('node', ['--import', 'tsx', join(PROJECT_ROOT, 'tools/gen-k8s.ts'), ...args], { cwd: PROJECT_ROOT, reject: false });
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);

beforeAll(async () => {
  if (!existsSync(BUNDLE)) await buildScenarios(['stress']);
}, 60_000);

describe('k6-operator TestRun from a bundle', () => {
  it('puts the bundle (and its source map) verbatim in a ConfigMap the TestRun runs on N pods', async () => {
    const r = await gen(['k6', ...K6_ARGS]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [cm, tr] = docs(r.stdout);
    expect(ConfigMapSchema.safeParse(cm).error).toBeUndefined();
    expect(TestRunSchema.safeParse(tr).error).toBeUndefined();
    const configMap = ConfigMapSchema.parse(cm);
    const testRun = TestRunSchema.parse(tr);
    expect(configMap.data['stress.js']).toBe(readFileSync(BUNDLE, 'utf8'));
    expect(configMap.data['stress.js.map']).toBe(readFileSync(`${BUNDLE}.map`, 'utf8'));
    expect(testRun.spec.script.configMap).toEqual({ name: configMap.metadata.name, file: 'stress.js' });
    expect(testRun.spec.parallelism).toBe(4);
    expect(testRun.spec.arguments).toBe('--tag testid=k8s-stress -o experimental-prometheus-rw');
    const env = Object.fromEntries((testRun.spec.runner.env ?? []).map((e) => [e.name, 'value' in e ? e.value : null]));
    expect(env).toMatchObject({
      K6_PROMETHEUS_RW_SERVER_URL: RW,
      K6_FEATURES: 'native-histograms',
      TESTID: 'k8s-stress',
      PROFILE: 'stress',
      DURATION: '5m',
    });
  });

  it('the committed deploy/k8s/k6-testrun.yaml is the generator output', async () => {
    const r = await gen(['k6', ...K6_ARGS, '--testrun-only']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(PROJECT_ROOT, 'deploy/k8s/k6-testrun.yaml'), 'utf8')).toBe(`${r.stdout}\n`);
  });
});

describe('the Redis driver as a Job with parallelism', () => {
  it('the committed deploy/k8s/bench-job.yaml is the generator output and a valid Indexed Job', async () => {
    const r = await gen(['bench', ...BENCH_ARGS]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(PROJECT_ROOT, 'deploy/k8s/bench-job.yaml'), 'utf8')).toBe(`${r.stdout}\n`);
    const job = JobSchema.parse(docs(r.stdout)[0]);
    expect(job.spec).toMatchObject({ parallelism: 4, completions: 4, completionMode: 'Indexed' });
    const c = job.spec.template.spec.containers[0];
    expect(c?.args.join(' ')).toBe(
      `bench -h haproxy.stormdrill.svc -p 6379 -t set,get --duration 60 -r 100000 -q --prom-rw ${RW} --testid $(TESTID) --instance bench-$(JOB_COMPLETION_INDEX)`,
    );
    // every $(VAR) the args use is defined in the container's env (Kubernetes expands only those)
    const defined = new Set((c?.env ?? []).map((e) => e.name));
    for (const m of c?.args.join(' ').matchAll(/\$\((\w+)\)/g) ?? []) expect(defined).toContain(m[1]);
    // and the arguments parse as stormdrill bench options
    const { parseBenchArgv } = await import('../../../lib/bench/options.js');
    // as Kubernetes expands them for pod 2: one testid for every pod, one instance each
    const expand = (a: string) => a.replace('$(TESTID)', 'k8s-bench').replace('$(JOB_COMPLETION_INDEX)', '2');
    const parsed = parseBenchArgv((c?.args ?? []).slice(1).map(expand));
    expect(parsed.problems).toEqual([]);
    expect(parsed.options).toMatchObject({
      host: 'haproxy.stormdrill.svc',
      port: 6379,
      testid: 'k8s-bench',
      instance: 'bench-2',
      promRw: RW,
    });
    expect(c?.env?.find((e) => e.name === 'TESTID')).toEqual({ name: 'TESTID', value: 'k8s-bench' });
  });
});

describe('offline schema validation rejects what Kubernetes would', () => {
  const bundle = 'export default function () {}\n';
  const good = { scenario: 'stress', bundle, parallelism: 2, testid: 'run-1', remoteWriteUrl: RW, baseUrl: 'http://demo:8080' };

  it('bad manifests fail the schemas', () => {
    const { configMap, testRun } = k6TestRunManifests(good);
    const tr = testRun as { spec: Record<string, unknown> & { runner: Record<string, unknown> } };
    expect(TestRunSchema.safeParse({ ...tr, spec: { ...tr.spec, parallelism: 0 } }).success).toBe(false);
    expect(
      TestRunSchema.safeParse({ ...tr, spec: { ...tr.spec, runner: { ...tr.spec.runner, image: 'grafana/k6:latest' } } }).success,
    ).toBe(false);
    expect(TestRunSchema.safeParse({ ...tr, spec: { ...tr.spec, paralelism: 3 } }).success).toBe(false);
    expect(TestRunSchema.safeParse({ ...tr, metadata: { name: 'Not_A_Name' } }).success).toBe(false);
    const cm = configMap as { data: Record<string, string> };
    expect(ConfigMapSchema.safeParse({ ...cm, data: { 'stress.js': 'x'.repeat(1024 * 1024 + 1) } }).success).toBe(false);
    expect(ConfigMapSchema.safeParse({ ...cm, data: { 'bad/key': 'x' } }).success).toBe(false);
    const job = redisDriverJob({ testid: 'run-1', parallelism: 3, redisHost: 'redis', remoteWriteUrl: RW }) as {
      spec: Record<string, unknown>;
    };
    expect(JobSchema.safeParse(job).success).toBe(true);
    expect(JobSchema.safeParse({ ...job, spec: { ...job.spec, completions: 2 } }).success).toBe(false);
  });

  it('bad options give one line per problem, and the tool exits non-zero with nothing on stdout', async () => {
    expect(validateK6TestRun({ ...good, parallelism: 0, testid: 'Run_1', remoteWriteUrl: 'http://u:secret@p:9090/api/v1/write' })).toEqual([
      "--testid must be lower-case letters, digits and dashes, at most 48 (got 'Run_1')",
      '--parallelism must be a whole number from 1 to 1000 (got 0)',
      '--prom-rw must not carry credentials: they would be stored in plain text in the manifest',
    ]);
    expect(validateRedisDriverJob({ testid: 'ok', parallelism: 1, redisHost: '', remoteWriteUrl: 'nope' })).toEqual([
      "--prom-rw must be a URL like http://prometheus:9090/api/v1/write (got 'nope')",
      '--redis-host is required',
    ]);
    const r = await gen(['bench', '--parallelism', '2', '--testid', 'x', '--redis-host', 'r', '--prom-rw', 'http://u:secret@p/']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('secret');
  });
});
