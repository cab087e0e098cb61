/**
 * Kubernetes manifests for distributed runs (deploy/k8s/README.md):
 *   node --import tsx tools/gen-k8s.ts k6 --scenario stress --parallelism 4 --testid run-1 \
 *     --prom-rw http://prometheus.monitoring:9090/api/v1/write --base-url http://demo:8080 > k6-stress.yaml
 *   node --import tsx tools/gen-k8s.ts bench --parallelism 4 --testid run-1 --redis-host redis \
 *     --prom-rw http://prometheus.monitoring:9090/api/v1/write > bench-job.yaml
 * The k6 ConfigMap holds dist/k6/<scenario>.js (run `npm run build` first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { k6TestRunManifests, redisDriverJob, toYaml, validateK6TestRun, validateRedisDriverJob } from '../lib/observability/k8s.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(lines: string[]): never {
  for (const l of lines) process.stderr.write(`gen-k8s: ${l}\n`);
  process.exit(2);
}

const [kind, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    scenario: { type: 'string', default: 'stress' },
    parallelism: { type: 'string', default: '2' },
    testid: { type: 'string' },
    'prom-rw': { type: 'string' },
    'base-url': { type: 'string', default: 'http://demo:8080' },
    'redis-host': { type: 'string' },
    'redis-port': { type: 'string', default: '6379' },
    namespace: { type: 'string' },
    image: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    'testrun-only': { type: 'boolean', default: false },
  },
  strict: true,
});
const need = (k: string, v: string | undefined): string => v ?? fail([`--${k} is required`]);
const parallelism = Number(values.parallelism);

if (kind === 'k6') {
  const bundlePath = join(ROOT, 'dist/k6', `${values.scenario}.js`);
  if (!existsSync(bundlePath)) fail([`${bundlePath} does not exist: run npm run build first`]);
  const env = Object.fromEntries(
    (values.env as string[]).map((e) => {
      const i = e.indexOf('=');
      return i > 0 ? [e.slice(0, i), e.slice(i + 1)] : fail([`--env must be NAME=value (got '${e}')`]);
    }),
  );
  const o = {
    scenario: values.scenario as string,
    bundle: readFileSync(bundlePath, 'utf8'),
    sourceMap: existsSync(`${bundlePath}.map`) ? readFileSync(`${bundlePath}.map`, 'utf8') : undefined,
    parallelism,
    testid: need('testid', values.testid),
    remoteWriteUrl: need('prom-rw', values['prom-rw']),
    baseUrl: values['base-url'] as string,
    namespace: values.namespace,
    image: values.image,
    env,
  };
  const problems = validateK6TestRun(o);
  if (problems.length) fail(problems);
  const m = k6TestRunManifests(o);
  process.stdout.write(toYaml(values['testrun-only'] ? [m.testRun] : [m.configMap, m.testRun]));
} else if (kind === 'bench') {
  const o = {
    testid: need('testid', values.testid),
    parallelism,
    redisHost: need('redis-host', values['redis-host']),
    redisPort: Number(values['redis-port']),
    remoteWriteUrl: need('prom-rw', values['prom-rw']),
    namespace: values.namespace,
    image: values.image,
  };
  const problems = validateRedisDriverJob(o);
  if (problems.length) fail(problems);
  process.stdout.write(toYaml([redisDriverJob(o)]));
} else {
  fail([`unknown manifest kind '${kind ?? ''}': use k6 or bench`]);
}
