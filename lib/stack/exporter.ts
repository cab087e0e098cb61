/** Start prometheus-redis-exporter for one Redis node (password via env, never argv). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';
import { httpOk } from './probe.js';
import { type ManagedProcess, spawnManaged, waitReady } from './process.js';

export interface ExporterOptions {
  port: number;
  dir: string;
  redisHost?: string;
  redisPort: number;
  password?: string;
}

export interface ExporterNode {
  port: number;
  url: string;
  target: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startRedisExporter(o: ExporterOptions): Promise<ExporterNode> {
  const bin = requireBinary('prometheus-redis-exporter');
  mkdirSync(o.dir, { recursive: true });
  const redisHost = o.redisHost ?? '127.0.0.1';
  const env: Record<string, string> = {};
  if (o.password) env.REDIS_PASSWORD = o.password;
  const proc = spawnManaged({
    name: `redis-exporter:${o.port}`,
    command: bin,
    args: [`--redis.addr=redis://${redisHost}:${o.redisPort}`, `--web.listen-address=127.0.0.1:${o.port}`],
    cwd: o.dir,
    logFile: join(o.dir, `exporter-${o.port}.log`),
    env,
  });
  const url = `http://127.0.0.1:${o.port}`;
  await waitReady(proc, () => httpOk(`${url}/metrics`), 15_000, 50);
  return { port: o.port, url, target: `127.0.0.1:${o.port}`, process: proc, stop: () => proc.stop() };
}
