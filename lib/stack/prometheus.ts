/**
 * Start a real Prometheus with the project's own prometheus/ files (the same ones
 * docker-compose mounts), scrape targets written as file_sd JSON into its work dir.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireBinary } from './binaries.js';
import { httpOk } from './probe.js';
import { type ManagedProcess, spawnManaged, waitReady } from './process.js';

/** The repository's prometheus/ folder. */
export const PROMETHEUS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../prometheus');

/** file_sd target groups by job name (`redis`, `stormdrill`, `demo`, ...). */
export type ScrapeTargets = Record<string, Array<{ targets: string[]; labels?: Record<string, string> }>>;

export interface PrometheusOptions {
  port: number;
  dir: string;
  targets?: ScrapeTargets;
  /** Scrape interval override for short runs and tests, e.g. '1s'. */
  scrapeInterval?: string;
  /** Rule evaluation interval override (default: the scrape interval override, else the file's). */
  evaluationInterval?: string;
  /** Load the rule files (*.yml) of this dir instead of prometheus/rules (a test's variant of a rule). */
  rulesDir?: string;
  readyTimeoutMs?: number;
}

export interface PrometheusNode {
  port: number;
  url: string;
  remoteWriteUrl: string;
  dir: string;
  process: ManagedProcess;
  setTargets(targets: ScrapeTargets): void;
  stop(): Promise<void>;
}

export function writeTargets(configDir: string, targets: ScrapeTargets): void {
  const dir = join(configDir, 'targets');
  mkdirSync(dir, { recursive: true });
  for (const [job, groups] of Object.entries(targets)) {
    const tmp = join(dir, `.${job}.json.tmp`);
    writeFileSync(tmp, JSON.stringify(groups, null, 2));
    // rename is atomic: Prometheus never reads a half-written file
    renameSync(tmp, join(dir, `${job}.json`));
  }
}

export async function startPrometheus(o: PrometheusOptions): Promise<PrometheusNode> {
  const bin = requireBinary('prometheus');
  const configDir = join(o.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  cpSync(PROMETHEUS_DIR, configDir, { recursive: true, filter: (src) => !src.includes(`${PROMETHEUS_DIR}/targets`) });
  if (o.rulesDir) {
    const rules = join(configDir, 'rules');
    rmSync(rules, { recursive: true, force: true });
    cpSync(o.rulesDir, rules, { recursive: true, filter: (src) => src === o.rulesDir || src.endsWith('.yml') });
  }
  let configFile = join(configDir, 'prometheus.yml');
  const evaluation = o.evaluationInterval ?? o.scrapeInterval;
  if (o.scrapeInterval || evaluation) {
    let text = readFileSync(configFile, 'utf8');
    if (o.scrapeInterval) text = text.replace(/scrape_interval: \S+/g, `scrape_interval: ${o.scrapeInterval}`);
    if (evaluation) text = text.replace(/evaluation_interval: \S+/g, `evaluation_interval: ${evaluation}`);
    configFile = join(configDir, 'prometheus.local.yml');
    writeFileSync(configFile, text);
  }
  writeTargets(configDir, o.targets ?? {});
  const dataDir = join(o.dir, 'data');
  if (!existsSync(dataDir)) mkdirSync(dataDir);
  const proc = spawnManaged({
    name: `prometheus:${o.port}`,
    command: bin,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${o.port}`,
      '--web.enable-remote-write-receiver',
      '--enable-feature=native-histograms',
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=1d',
    ],
    cwd: o.dir,
    logFile: join(o.dir, 'prometheus.log'),
  });
  const url = `http://127.0.0.1:${o.port}`;
  await waitReady(proc, () => httpOk(`${url}/-/ready`), o.readyTimeoutMs ?? 30_000, 100);
  return {
    port: o.port,
    url,
    remoteWriteUrl: `${url}/api/v1/write`,
    dir: o.dir,
    process: proc,
    setTargets: (t) => writeTargets(configDir, t),
    stop: () => proc.stop(),
  };
}
