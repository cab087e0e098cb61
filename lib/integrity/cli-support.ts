/**
 * Shared commander wiring for fill, write, audit and verify: the connection flags
 * (redis-benchmark's -h -p -a --user, -u, plus Sentinel, Cluster, TLS), `--json FILE`
 * written atomically, live progress (a bar on a TTY, plain lines otherwise) and
 * `--prom-rw URL` metrics push.
 */
import type { Command } from 'commander';
import type { Registry } from 'prom-client';
import { UserError } from '../core/errors.js';
import { writeFileAtomic } from '../core/report/write-report.js';
import type { ConnectionOptions } from '../redis/index.js';

export interface ConnectionFlags {
  host?: string;
  port?: string;
  pass?: string;
  user?: string;
  uri?: string;
  sentinel?: string[];
  masterName?: string;
  sentinelPass?: string;
  cluster?: boolean;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsInsecure?: boolean;
  db?: string;
  connectTimeout?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Add the connection flags; frees -h from --help (as redis-benchmark uses it for the host). */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .helpOption('--help', 'display help for command')
    .option('-h, --host <host>', 'server host (default 127.0.0.1)')
    .option('-p, --port <port>', 'server port (default 6379)')
    .option('-a, --pass <password>', 'AUTH password (prefer the REDISCLI_AUTH environment variable: argv is visible to ps)')
    .option('--user <user>', 'ACL user (with -a or REDISCLI_AUTH)')
    .option('-u, --uri <uri>', 'redis://[user:password@]host:port[/db], or rediss:// for TLS')
    .option('-n, --db <n>', 'database number')
    .option('--sentinel <host:port>', 'a Sentinel to ask for the master (repeatable); with --master-name', collect)
    .option('--master-name <name>', 'the master name the Sentinels monitor')
    .option('--sentinel-pass <password>', 'password of the Sentinels (if they have one)')
    .option('--cluster', 'the target is a Redis Cluster: route keys by slot to every master')
    .option('--tls', 'use TLS')
    .option('--tls-ca <file>', 'CA certificate (PEM) to trust')
    .option('--tls-cert <file>', 'client certificate (PEM)')
    .option('--tls-key <file>', 'client key (PEM)')
    .option('--tls-insecure', 'do not verify the server certificate')
    .option('--connect-timeout <ms>', 'connect timeout in ms (default 2000)');
}

function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError(`${flag} must be a number, got '${v}'`);
  return n;
}

export function connectionFromFlags(f: ConnectionFlags): ConnectionOptions {
  const tls =
    f.tls || f.tlsCa || f.tlsCert || f.tlsKey || f.tlsInsecure
      ? { caFile: f.tlsCa, certFile: f.tlsCert, keyFile: f.tlsKey, insecure: f.tlsInsecure }
      : undefined;
  return {
    host: f.host,
    port: intFlag(f.port, '-p/--port'),
    password: f.pass,
    user: f.user,
    uri: f.uri,
    sentinels: f.sentinel,
    masterName: f.masterName,
    sentinelPassword: f.sentinelPass,
    cluster: f.cluster,
    tls,
    db: intFlag(f.db, '-n/--db'),
    connectTimeoutMs: intFlag(f.connectTimeout, '--connect-timeout'),
  };
}

/** A number flag parser for commander that rejects junk with one line. */
export function num(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UserError(`${flag} must be a number, got '${v}'`);
    return n;
  };
}

/** Write a result as JSON, atomically (tmp + rename). */
export function writeJsonFile(path: string, data: unknown): string {
  return writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** Progress output: a cli-progress bar on a TTY, one plain line per `everyMs` otherwise. */
export async function progressPrinter(label: string, opts: { quiet?: boolean; everyMs?: number } = {}) {
  const tty = process.stderr.isTTY === true && !opts.quiet;
  let last = 0;
  if (tty) {
    const { SingleBar, Presets } = await import('cli-progress');
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {text}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
      Presets.shades_classic,
    );
    bar.start(100, 0, { text: '' });
    return {
      update(fraction: number | null, text: string) {
        bar.update(fraction === null ? 0 : Math.round(fraction * 1000) / 10, { text });
      },
      stop() {
        bar.stop();
      },
    };
  }
  return {
    update(_fraction: number | null, text: string) {
      if (opts.quiet) return;
      const now = Date.now();
      if (now - last < (opts.everyMs ?? 1000)) return;
      last = now;
      process.stderr.write(`${label}: ${text}\n`);
    },
    stop() {},
  };
}

/** Start pushing a registry to a remote-write URL; returns a stop function. */
export async function startPromRw(url: string | undefined, registry: Registry, testid: string): Promise<() => Promise<void>> {
  if (!url) return async () => {};
  const { startRemoteWritePush } = await import('../observability/remote-write.js');
  const pusher = startRemoteWritePush({
    url,
    registry,
    intervalMs: 1000,
    labels: { testid },
    onError: (m) => process.stderr.write(`stormdrill: remote write: ${m}\n`),
  });
  return () => pusher.stop();
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function fmtRate(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
}
