/**
 * docker-compose.yml, validated offline: `docker-compose config` (Debian's 1.29) resolves
 * it with every profile, and the resolved model is checked for what `docker compose up`
 * needs to run the whole stress run (pinned images, healthchecks behind every
 * service_healthy, the bundles built before k6, remote write with native histograms, the
 * same prometheus/ and grafana/ files as the local stack, targets that name real services).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { requireBinary } from '../../../lib/stack/binaries.js';

interface Service {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  ports?: string[];
}

let services: Record<string, Service> = {};
const REDIS_NODES = ['redis-primary', 'redis-replica-1', 'redis-replica-2'];
const SENTINELS = ['sentinel-1', 'sentinel-2', 'sentinel-3'];

async function config(
  profiles: string[] = [],
  env: Record<string, string> = {},
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const args = ['-f', join(PROJECT_ROOT, 'docker-compose.yml'), ...profiles.flatMap((p) => ['--profile', p]), 'config'];
  const r = await execa(requireBinary('docker-compose'), args, { reject: false, cwd: PROJECT_ROOT, env });
  return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

beforeAll(async () => {
  const r = await config(['bench', 'drill']);
  expect(r.exitCode, r.stderr).toBe(0);
  services = (parse(r.stdout) as { services: Record<string, Service> }).services;
});

describe('docker-compose.yml', () => {
  it('has the whole stack: 3 Redis nodes, 3 Sentinels, HAProxy, an exporter per node, demo, Prometheus, Grafana, k6', () => {
    for (const s of [...REDIS_NODES, ...SENTINELS, 'haproxy', 'demo', 'prometheus', 'grafana', 'k6', 'build'])
      expect(Object.keys(services)).toContain(s);
    const exporters = Object.entries(services).filter(([, s]) => s.image?.startsWith('oliver006/redis_exporter'));
    expect(exporters.map(([, s]) => s.environment?.REDIS_ADDR).sort()).toEqual(REDIS_NODES.map((n) => `redis://${n}:6379`).sort());
  });

  it('pins every image to a version tag and its digest', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:v?\d+\.\d+(\.\d+)?[\w.-]*@sha256:[0-9a-f]{64}$/);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
  });

  it('waits on healthchecks: every service_healthy dependency has a healthcheck, and long-running services have one', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, d] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on unknown ${dep}`).toBeDefined();
        expect(['service_healthy', 'service_completed_successfully', 'service_started'], `${name} → ${dep}`).toContain(d.condition);
        if (d.condition === 'service_healthy') expect(services[dep]?.healthcheck, `${dep} (needed healthy by ${name})`).toBeDefined();
      }
    }
    for (const name of [...REDIS_NODES, ...SENTINELS, 'haproxy', 'demo', 'prometheus', 'grafana'])
      expect(services[name]?.healthcheck, name).toBeDefined();
  });

  it('builds the k6 bundles before k6 starts, and k6 runs the stress bundle with remote write, native histograms and a testid', () => {
    const k6 = services.k6 as Service;
    expect(k6.depends_on?.build?.condition).toBe('service_completed_successfully');
    expect(k6.depends_on?.demo?.condition).toBe('service_healthy');
    expect(k6.depends_on?.prometheus?.condition).toBe('service_healthy');
    expect(services.build?.command?.join(' ')).toMatch(/npm run build/);
    const cmd = k6.command?.join(' ') ?? '';
    expect(cmd).toMatch(/^run -o experimental-prometheus-rw --tag testid=compose-stress .*\/dist\/k6\/stress\.js$/);
    expect(k6.environment?.K6_FEATURES).toBe('native-histograms');
    expect(k6.environment?.K6_PROMETHEUS_RW_SERVER_URL).toBe('http://prometheus:9090/api/v1/write');
    expect(k6.environment?.BASE_URL).toBe(`http://demo:${services.demo?.environment?.PORT}`);
    expect(k6.volumes?.some((v) => v.startsWith(`${join(PROJECT_ROOT, 'dist')}:`))).toBe(true);
  });

  it('names the k6 run after $TESTID', async () => {
    const r = await config([], { TESTID: 'my-run-1' });
    expect(r.exitCode, r.stderr).toBe(0);
    const k6 = (parse(r.stdout) as { services: Record<string, Service> }).services.k6;
    expect(k6?.command).toContain('testid=my-run-1');
    expect(k6?.environment?.TESTID).toBe('my-run-1');
  });

  it('runs Prometheus with the remote-write receiver and native histograms on the same files as the local stack', () => {
    const p = services.prometheus as Service;
    expect(p.command).toEqual(
      expect.arrayContaining([
        '--web.enable-remote-write-receiver',
        '--enable-feature=native-histograms',
        '--config.file=/etc/prometheus/prometheus.yml',
      ]),
    );
    expect(p.volumes).toContain(`${join(PROJECT_ROOT, 'prometheus')}:/etc/prometheus:ro`);
    const g = services.grafana as Service;
    expect(g.volumes).toEqual(
      expect.arrayContaining([
        `${join(PROJECT_ROOT, 'grafana/provisioning')}:/etc/grafana/provisioning:ro`,
        `${join(PROJECT_ROOT, 'grafana/dashboards')}:/var/lib/grafana/dashboards:ro`,
      ]),
    );
    expect(g.environment).toMatchObject({ GF_SECURITY_ADMIN_USER: 'admin', GF_SECURITY_ADMIN_PASSWORD: 'admin' });
    expect(g.ports).toEqual(['127.0.0.1:3000:3000/tcp']);
    // the provisioning files point at the compose services
    const ds = parse(readFileSync(join(PROJECT_ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: Array<{ url: string }>;
    };
    expect(ds.datasources[0]?.url).toBe('http://prometheus:9090');
    const prov = parse(readFileSync(join(PROJECT_ROOT, 'grafana/provisioning/dashboards/stormdrill.yml'), 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(prov.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
  });

  it("Prometheus' compose targets name real services and ports", () => {
    const redis = JSON.parse(readFileSync(join(PROJECT_ROOT, 'prometheus/targets/redis.json'), 'utf8')) as Array<{
      targets: string[];
      labels: { redis_node: string };
    }>;
    const byExporter = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s]));
    expect(redis.map((g) => g.labels.redis_node).sort()).toEqual(REDIS_NODES.map((n) => `${n}:6379`).sort());
    for (const g of redis) {
      const [host, port] = (g.targets[0] as string).split(':');
      expect(byExporter[host as string]?.image, `${host} is not an exporter service`).toMatch(/redis_exporter/);
      expect(port).toBe('9121');
      expect(byExporter[host as string]?.environment?.REDIS_ADDR).toBe(`redis://${g.labels.redis_node}`);
    }
    const demo = JSON.parse(readFileSync(join(PROJECT_ROOT, 'prometheus/targets/demo.json'), 'utf8')) as Array<{ targets: string[] }>;
    expect(demo[0]?.targets).toEqual([`demo:${services.demo?.environment?.PORT}`]);
  });

  it('the demo service and the Sentinels agree on the master name; replicas follow the primary', () => {
    const entry = services['sentinel-1']?.entrypoint?.join(' ') ?? '';
    const master = /sentinel monitor (\S+) redis-primary 6379 2/.exec(entry)?.[1];
    expect(master).toBeDefined();
    expect(services.demo?.environment?.REDIS_MASTER_NAME).toBe(master);
    expect(services.demo?.environment?.REDIS_SENTINELS?.split(',')).toEqual(SENTINELS.map((s) => `${s}:26379`));
    for (const r of ['redis-replica-1', 'redis-replica-2'])
      expect(services[r]?.command?.join(' ')).toMatch(/--replicaof redis-primary 6379/);
  });

  it('each Sentinel writes a config that monitors the primary and announces its own hostname', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sd-sentinel-'));
    try {
      for (const name of SENTINELS) {
        const s = services[name] as Service;
        expect(s.entrypoint?.slice(0, 2)).toEqual(['sh', '-c']);
        // what the container runs: compose turns $$ into $; the file goes to a temp dir and
        // is printed instead of starting redis-sentinel
        const script = (s.entrypoint?.[2] ?? '')
          .replaceAll('$$', '$')
          .replaceAll('/tmp/sentinel.conf', join(dir, `${name}.conf`))
          .replace(/exec redis-sentinel (\S+)/, 'cat $1');
        const r = await execa('sh', ['-c', script], { env: { ...s.environment }, reject: false });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stdout.split('\n')).toEqual([
          'port 26379',
          'sentinel resolve-hostnames yes',
          'sentinel announce-hostnames yes',
          `sentinel announce-ip ${name}`,
          'sentinel monitor sdmaster redis-primary 6379 2',
          'sentinel down-after-milliseconds sdmaster 5000',
          'sentinel failover-timeout sdmaster 30000',
          'sentinel parallel-syncs sdmaster 1',
        ]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('puts bench and drill behind profiles, and the default stack never needs them', () => {
    const byProfile = (p: string) =>
      Object.entries(services)
        .filter(([, s]) => s.profiles?.includes(p))
        .map(([n]) => n)
        .sort();
    expect(byProfile('bench')).toEqual(['bench']);
    expect(byProfile('drill')).toEqual(['drill-audit', 'drill-failover', 'drill-writer']);
    for (const [name, s] of Object.entries(services)) {
      if (s.profiles?.length) continue;
      for (const dep of Object.keys(s.depends_on ?? {}))
        expect(services[dep]?.profiles, `${name} (default) depends on ${dep} (profile only)`).toBeUndefined();
    }
    expect(services.bench?.command?.join(' ')).toMatch(/bench -h haproxy -p 6379 .*--prom-rw http:\/\/prometheus:9090\/api\/v1\/write/);
    expect(services['drill-writer']?.command?.join(' ')).toMatch(
      /write --sentinel sentinel-1:26379 .*--prom-rw http:\/\/prometheus:9090\/api\/v1\/write/,
    );
  });

  it('HAProxy gets the tcp-check master routing (PING, role:master with an active backlog, QUIT) over every Redis node', async () => {
    const file = join(PROJECT_ROOT, 'deploy/haproxy/haproxy.cfg');
    expect(services.haproxy?.volumes).toContain(`${file}:/usr/local/etc/haproxy/haproxy.cfg:ro`);
    const r = await execa(requireBinary('haproxy'), ['-c', '-f', file], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    const checks = text
      .split('\n')
      .filter((l) => /^\s*tcp-check (send|expect)/.test(l))
      .map((l) => l.trim());
    expect(checks).toEqual([
      'tcp-check send PING\\r\\n',
      'tcp-check expect string +PONG',
      'tcp-check send info\\ replication\\r\\n',
      'tcp-check expect string role:master',
      'tcp-check expect string repl_backlog_active:1',
      'tcp-check send QUIT\\r\\n',
      'tcp-check expect string +OK',
    ]);
    const servers = [...text.matchAll(/^\s*server (\S+) (\S+) check inter 1s/gm)].map((m) => m[2]);
    expect(servers).toEqual(REDIS_NODES.map((n) => `${n}:6379`));
  });

  it('a broken compose file is rejected (the validation can fail)', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sd-compose-'));
    try {
      const text = readFileSync(join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8').replace(
        'condition: service_completed_successfully',
        'condition: when_it_feels_like_it',
      );
      writeFileSync(join(dir, 'docker-compose.yml'), text);
      const r = await execa(requireBinary('docker-compose'), ['-f', join(dir, 'docker-compose.yml'), 'config', '--quiet'], {
        reject: false,
        cwd: dir,
      });
      expect(r.exitCode).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
