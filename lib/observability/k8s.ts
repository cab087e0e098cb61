/**
 * Distributed runs on Kubernetes, as plain manifests: a k6-operator `TestRun` (parallelism
 * N) whose script ConfigMap holds a bundle from dist/k6, with remote write, native
 * histograms and a testid; and the Redis driver (`stormdrill bench`) as an Indexed Job with
 * parallelism, every pod pushing to the same Prometheus. Zod schemas of the fields used
 * validate the manifests offline (no cluster, no network). Pure.
 */
import { stringify } from 'yaml';
import { z } from 'zod';

/** ConfigMaps hold at most 1 MiB (etcd's object limit). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;
const PINNED_IMAGE = /^[\w./-]+:v?\d+\.\d+(\.\d+)?[\w.-]*$/;

const Name = z.string().max(253).regex(DNS_SUBDOMAIN, { message: 'must be a DNS subdomain (lower-case letters, digits, - and .)' });
const Labels = z.record(z.string().max(63), z.string().max(63));
const Metadata = z.strictObject({ name: Name, namespace: z.string().regex(DNS_LABEL).max(63).optional(), labels: Labels.optional() });
const EnvVar = z.union([
  z.strictObject({ name: z.string().regex(ENV_NAME), value: z.string() }),
  z.strictObject({
    name: z.string().regex(ENV_NAME),
    valueFrom: z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string().min(1) }) }),
  }),
]);

export const ConfigMapSchema = z
  .strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: Metadata,
    data: z.record(z.string().regex(CONFIGMAP_KEY, { message: 'ConfigMap keys are letters, digits, -, _ and .' }), z.string()),
  })
  .refine((c) => Object.values(c.data).reduce((n, v) => n + Buffer.byteLength(v), 0) <= CONFIGMAP_MAX_BYTES, {
    message: `ConfigMap data exceeds ${CONFIGMAP_MAX_BYTES} bytes`,
  });

/** k6-operator `TestRun` (k6.io/v1alpha1), the fields stormdrill uses. */
export const TestRunSchema = z.strictObject({
  apiVersion: z.literal('k6.io/v1alpha1'),
  kind: z.literal('TestRun'),
  metadata: Metadata,
  spec: z.strictObject({
    parallelism: z.number().int().min(1),
    separate: z.boolean().optional(),
    cleanup: z.literal('post').optional(),
    arguments: z.string().optional(),
    script: z.strictObject({ configMap: z.strictObject({ name: Name, file: z.string().regex(CONFIGMAP_KEY) }) }),
    runner: z.strictObject({
      image: z.string().regex(PINNED_IMAGE, { message: 'pin the runner image to a version' }),
      env: z.array(EnvVar).optional(),
      metadata: z.strictObject({ labels: Labels }).optional(),
    }),
  }),
});

/** batch/v1 Job, the fields stormdrill uses. */
export const JobSchema = z.strictObject({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('Job'),
  metadata: Metadata,
  spec: z
    .strictObject({
      parallelism: z.number().int().min(1),
      completions: z.number().int().min(1),
      completionMode: z.enum(['NonIndexed', 'Indexed']),
      backoffLimit: z.number().int().min(0),
      ttlSecondsAfterFinished: z.number().int().min(0).optional(),
      template: z.strictObject({
        metadata: z.strictObject({ labels: Labels }).optional(),
        spec: z.strictObject({
          restartPolicy: z.enum(['Never', 'OnFailure']),
          containers: z
            .array(
              z.strictObject({
                name: z.string().regex(DNS_LABEL).max(63),
                image: z.string().regex(PINNED_IMAGE, { message: 'pin the image to a version' }),
                command: z.array(z.string()).optional(),
                args: z.array(z.string()),
                env: z.array(EnvVar).optional(),
              }),
            )
            .min(1),
        }),
      }),
    })
    .refine((s) => s.parallelism <= s.completions, { message: 'parallelism must not exceed completions' }),
});

export interface K6TestRunOptions {
  /** Scenario name: the bundle dist/k6/<scenario>.js. */
  scenario: string;
  /** The bundle's source text. */
  bundle: string;
  /** Its source map (k6 reads `<file>.map` beside the script and maps stack traces). */
  sourceMap?: string;
  /** Number of k6 runner pods (each gets an execution segment). */
  parallelism: number;
  testid: string;
  /** Prometheus remote-write URL reachable from the pods (no credentials: use a Secret). */
  remoteWriteUrl: string;
  /** The service under test, as the pods reach it. */
  baseUrl: string;
  namespace?: string;
  image?: string;
  /** Extra scenario env (PROFILE, DURATION, VUS, ...). */
  env?: Record<string, string>;
}

export interface RedisDriverJobOptions {
  testid: string;
  parallelism: number;
  redisHost: string;
  redisPort?: number;
  remoteWriteUrl: string;
  /** The stormdrill image (deploy/k8s/Dockerfile). */
  image?: string;
  namespace?: string;
  /** `stormdrill bench` arguments besides host, port, --prom-rw and --testid. */
  benchArgs?: string[];
}

export const K6_IMAGE = 'grafana/k6:2.2.0';
export const STORMDRILL_IMAGE = 'stormdrill:0.1.0';

/** Reject what Kubernetes (or the URL hygiene) would; one line per problem. */
function check(o: { testid: string; parallelism: number; remoteWriteUrl: string }): string[] {
  const p: string[] = [];
  if (!DNS_LABEL.test(o.testid) || o.testid.length > 48)
    p.push(`--testid must be lower-case letters, digits and dashes, at most 48 (got '${o.testid}')`);
  if (!Number.isInteger(o.parallelism) || o.parallelism < 1 || o.parallelism > 1000)
    p.push(`--parallelism must be a whole number from 1 to 1000 (got ${o.parallelism})`);
  let url: URL | null = null;
  try {
    url = new URL(o.remoteWriteUrl);
  } catch {
    p.push(`--prom-rw must be a URL like http://prometheus:9090/api/v1/write (got '${o.remoteWriteUrl}')`);
  }
  if (url && (url.username || url.password))
    p.push('--prom-rw must not carry credentials: they would be stored in plain text in the manifest');
  return p;
}

export function validateK6TestRun(o: K6TestRunOptions): string[] {
  const p = check(o);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(o.scenario)) p.push(`--scenario must be a bundle name such as stress (got '${o.scenario}')`);
  if (Buffer.byteLength(o.bundle) + Buffer.byteLength(o.sourceMap ?? '') > CONFIGMAP_MAX_BYTES)
    p.push(`dist/k6/${o.scenario}.js (with its source map) is larger than a ConfigMap can hold (1 MiB)`);
  for (const k of Object.keys(o.env ?? {})) if (!ENV_NAME.test(k)) p.push(`env name '${k}' is not a valid environment variable name`);
  return p;
}

export function validateRedisDriverJob(o: RedisDriverJobOptions): string[] {
  const p = check(o);
  if (!o.redisHost) p.push('--redis-host is required');
  return p;
}

const LABELS = (testid: string, component: string) => ({
  'app.kubernetes.io/part-of': 'stormdrill',
  'app.kubernetes.io/component': component,
  'stormdrill/testid': testid,
});

/** The ConfigMap holding the bundle, and the TestRun that runs it on N pods. */
export function k6TestRunManifests(o: K6TestRunOptions): { configMap: unknown; testRun: unknown } {
  const name = `stormdrill-${o.scenario}-${o.testid}`.slice(0, 63).replace(/-+$/, '');
  const file = `${o.scenario}.js`;
  const meta = (n: string) => ({ name: n, ...(o.namespace ? { namespace: o.namespace } : {}), labels: LABELS(o.testid, 'k6') });
  const env: Record<string, string> = {
    BASE_URL: o.baseUrl,
    TESTID: o.testid,
    K6_PROMETHEUS_RW_SERVER_URL: o.remoteWriteUrl,
    K6_FEATURES: 'native-histograms',
    K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s',
    K6_NO_USAGE_REPORT: 'true',
    ...o.env,
  };
  return {
    configMap: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${name}-script`),
      data: { [file]: o.bundle, ...(o.sourceMap ? { [`${file}.map`]: o.sourceMap } : {}) },
    },
    testRun: {
      apiVersion: 'k6.io/v1alpha1',
      kind: 'TestRun',
      metadata: meta(name),
      spec: {
        parallelism: o.parallelism,
        // every runner tags its series with the run's testid; the operator adds instance_id
        // (one per runner pod), and the dashboards and `stormdrill gate --prometheus` sum the
        // native histograms and counters over the instances: one verdict for the run
        arguments: `--tag testid=${o.testid} -o experimental-prometheus-rw`,
        script: { configMap: { name: `${name}-script`, file } },
        runner: {
          image: o.image ?? K6_IMAGE,
          env: Object.entries(env).map(([n, value]) => ({ name: n, value })),
          metadata: { labels: LABELS(o.testid, 'k6') },
        },
        cleanup: 'post',
      },
    },
  };
}

/**
 * The Redis driver as an Indexed Job: every pod pushes under the run's one testid with its
 * own `instance` label (`bench-<i>`), so the dashboards sum the run and `stormdrill gate
 * --prometheus URL --testid <testid>` gives one verdict for all pods.
 */
export function redisDriverJob(o: RedisDriverJobOptions): unknown {
  const name = `stormdrill-bench-${o.testid}`.slice(0, 63).replace(/-+$/, '');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}), labels: LABELS(o.testid, 'redis-driver') },
    spec: {
      parallelism: o.parallelism,
      completions: o.parallelism,
      completionMode: 'Indexed',
      backoffLimit: 0,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: LABELS(o.testid, 'redis-driver') },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'bench',
              image: o.image ?? STORMDRILL_IMAGE,
              // Kubernetes expands $(VAR) from the container's env; in Indexed mode every pod
              // has its completion index: one testid for the run, one instance per pod
              args: [
                'bench',
                '-h',
                o.redisHost,
                '-p',
                String(o.redisPort ?? 6379),
                ...(o.benchArgs ?? ['-t', 'set,get', '--duration', '60', '-r', '100000', '-q']),
                '--prom-rw',
                o.remoteWriteUrl,
                '--testid',
                '$(TESTID)',
                '--instance',
                'bench-$(JOB_COMPLETION_INDEX)',
              ],
              env: [
                { name: 'TESTID', value: o.testid },
                {
                  name: 'JOB_COMPLETION_INDEX',
                  valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
                },
              ],
            },
          ],
        },
      },
    },
  };
}

/** Manifests as one multi-document YAML file. */
export function toYaml(docs: unknown[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
