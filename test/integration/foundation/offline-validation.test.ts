/**
 * Offline validation of the stack's files: docker-compose config and promtool; and what a
 * new user's `docker compose up` gets from the resolved compose model (ports on loopback
 * unless opened, Prometheus data on a volume, a Node image as new as engines.node, exporter
 * healthchecks that ask /metrics, a drill profile that audits its ledger).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { requireBinary } from '../../../lib/stack/binaries.js';
import { startRedisExporter } from '../../../lib/stack/exporter.js';
import { useTestEnv } from '../../support/env.js';

const env = useTestEnv({ redis: true });

describe('offline validation', () => {
  it('docker-compose.yml is a valid compose file', async () => {
    const r = await execa(requireBinary('docker-compose'), ['-f', join(PROJECT_ROOT, 'docker-compose.yml'), 'config', '--quiet'], {
      reject: false,
      cwd: PROJECT_ROOT,
    });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('the Prometheus config passes promtool check config', async () => {
    const r = await execa(requireBinary('promtool'), ['check', 'config', join(PROJECT_ROOT, 'prometheus/prometheus.yml')], {
      reject: false,
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
});

interface ComposeService {
  image?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The resolved compose model (every profile), as `docker-compose config` prints it. */
async function composeModel(extraEnv: Record<string, string> = {}): Promise<ComposeModel> {
  const r = await execa(
    requireBinary('docker-compose'),
    ['-f', join(PROJECT_ROOT, 'docker-compose.yml'), '--profile', 'bench', '--profile', 'drill', 'config'],
    { reject: false, cwd: PROJECT_ROOT, env: extraEnv },
  );
  expect(r.exitCode, r.stderr).toBe(0);
  return parse(r.stdout) as ComposeModel;
}

/** `major.minor.patch` of a version text, for comparing. */
const version = (v: string) => (/(\d+)\.(\d+)(?:\.(\d+))?/.exec(v)?.slice(1, 4) ?? []).map((x) => Number(x ?? 0));
const atLeast = (v: number[], min: number[]) => {
  for (let i = 0; i < 3; i++) if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
  return true;
};

describe('docker-compose.yml for a new user', () => {
  let model: ComposeModel;
  beforeAll(async () => {
    model = await composeModel();
  });

  it('publishes every port on 127.0.0.1 only, unless STORMDRILL_BIND opens them', async () => {
    const published = Object.entries(model.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p] as const));
    expect(published.map(([n]) => n).sort()).toEqual(['demo', 'grafana', 'haproxy', 'haproxy', 'prometheus']);
    for (const [name, p] of published) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+/);
    const open = await composeModel({ STORMDRILL_BIND: '0.0.0.0' });
    const opened = Object.values(open.services).flatMap((s) => s.ports ?? []);
    expect(opened).toHaveLength(published.length);
    for (const p of opened) expect(p).toMatch(/^0\.0\.0\.0:\d+:\d+/);
  });

  it('keeps Prometheus data on a named volume, where its TSDB path is', () => {
    const p = model.services.prometheus as ComposeService;
    const tsdb = p.command?.find((a) => a.startsWith('--storage.tsdb.path='))?.split('=')[1];
    expect(tsdb).toBe('/prometheus');
    const mount = p.volumes?.find((v) => v.split(':')[1] === tsdb);
    const volume = mount?.split(':')[0] as string;
    expect(mount, JSON.stringify(p.volumes)).toBeDefined();
    expect(Object.keys(model.volumes ?? {})).toContain(volume);
  });

  it('runs the project on a Node image at least as new as package.json engines.node', () => {
    const engines = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const min = version(engines);
    const nodeImages = new Set(
      Object.values(model.services)
        .map((s) => s.image ?? '')
        .filter((i) => i.startsWith('node:')),
    );
    expect(nodeImages.size).toBe(1);
    for (const image of nodeImages) {
      expect(image).toMatch(/^node:\d+\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
      expect(atLeast(version(image), min), `${image} vs engines.node ${engines}`).toBe(true);
    }
  });

  it("each exporter's healthcheck asks its /metrics, and passes only while the exporter reaches its Redis", async () => {
    const exporters = Object.entries(model.services).filter(([, s]) => s.image?.startsWith('oliver006/redis_exporter'));
    expect(exporters).toHaveLength(3);
    const tests = new Set(exporters.map(([, s]) => JSON.stringify(s.healthcheck?.test)));
    expect(tests.size).toBe(1);
    const [kind, script] = exporters[0]?.[1].healthcheck?.test ?? [];
    expect(kind).toBe('CMD-SHELL');
    expect(script).toContain('http://127.0.0.1:9121/metrics');
    // the same check against a real exporter (the Debian package of the same program) on a test port
    const port = await env.ports.take();
    const deadPort = await env.ports.take();
    const up = await startRedisExporter({ port, dir: env.tmpDir('exporter-up'), redisPort: env.redis.port });
    const downPort = await env.ports.take();
    const down = await startRedisExporter({ port: downPort, dir: env.tmpDir('exporter-down'), redisPort: deadPort });
    try {
      const check = (p: number) => execa('sh', ['-c', (script as string).replace('127.0.0.1:9121', `127.0.0.1:${p}`)], { reject: false });
      expect((await check(port)).exitCode).toBe(0);
      expect((await check(downPort)).exitCode).not.toBe(0);
      expect((await check(deadPort)).exitCode).not.toBe(0);
    } finally {
      await up.stop();
      await down.stop();
    }
  });

  it('the drill profile keeps the ledger on a volume and audits it after the writer, against the same Sentinels', () => {
    const writer = model.services['drill-writer'] as ComposeService;
    const audit = model.services['drill-audit'] as ComposeService;
    expect(audit.profiles).toEqual(['drill']);
    const flag = (s: ComposeService, f: string) => s.command?.[(s.command?.indexOf(f) ?? -2) + 1];
    const all = (s: ComposeService, f: string) => (s.command ?? []).filter((_, i, a) => a[i - 1] === f);
    const ledger = flag(writer, '--ledger') as string;
    expect(flag(audit, '--ledger')).toBe(ledger);
    const onVolume = (s: ComposeService) =>
      (s.volumes ?? []).find((v) => {
        const [source, target] = v.split(':');
        return ledger.startsWith(`${target}/`) && Object.keys(model.volumes ?? {}).includes(source as string);
      });
    expect(onVolume(writer), JSON.stringify(writer.volumes)).toBeDefined();
    expect(onVolume(audit)).toBe(onVolume(writer));
    expect(audit.command?.slice(0, 3)).toEqual(['node', 'bin/stormdrill.js', 'audit']);
    expect(flag(audit, '--run-id')).toBe(flag(writer, '--run-id'));
    expect(flag(audit, '--master-name')).toBe(flag(writer, '--master-name'));
    expect(all(audit, '--sentinel')).toEqual(all(writer, '--sentinel'));
    expect(audit.depends_on?.['drill-writer']?.condition).toBe('service_completed_successfully');
    expect(audit.depends_on?.['drill-failover']?.condition).toBe('service_completed_successfully');
  });
});
