/**
 * Connection options shared by fill, write, audit and verify (redis-benchmark's
 * `-h -p -a --user`, `-u redis://...`, plus Sentinel, Cluster and TLS), and the pure
 * step that turns them into a normalized target. The I/O (asking Sentinel for the
 * master, reading the cluster's slot map) is in topology.ts.
 */
import { readFileSync } from 'node:fs';
import { OptionsError } from '../core/errors.js';

export interface Endpoint {
  host: string;
  port: number;
}

export interface TlsSettings {
  /** PEM file(s) of the CA to trust (default: the system's). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Skip certificate verification (self-signed test setups). */
  insecure?: boolean;
  servername?: string;
}

export interface ConnectionOptions {
  host?: string;
  port?: number;
  /** AUTH password; defaults to $REDISCLI_AUTH like redis-cli. */
  password?: string;
  user?: string;
  /** redis://[user:pass@]host:port[/db] or rediss:// (TLS). */
  uri?: string;
  /** Sentinel addresses `host:port`; with masterName. */
  sentinels?: string[];
  masterName?: string;
  /** Password of the Sentinels (default: none). */
  sentinelPassword?: string;
  cluster?: boolean;
  tls?: boolean | TlsSettings;
  db?: number;
  connectTimeoutMs?: number;
}

export type TargetMode = 'standalone' | 'sentinel' | 'cluster';

/** A validated target: where to connect first and how. */
export interface Target {
  mode: TargetMode;
  /** standalone: the server; sentinel: the Sentinels; cluster: the seed nodes. */
  endpoints: Endpoint[];
  masterName?: string;
  user?: string;
  password?: string;
  sentinelPassword?: string;
  tls?: TlsSettings;
  db: number;
  connectTimeoutMs: number;
}

export const CONNECTION_DEFAULTS = { host: '127.0.0.1', port: 6379, connectTimeoutMs: 2000 } as const;

/** Parse `host:port` (IPv6 as `[::1]:6379`). Returns null when malformed. */
export function parseHostPort(text: string, defaultPort?: number): Endpoint | null {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) return null;
  const port = m[2] !== undefined ? Number(m[2]) : defaultPort;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1] as string, port };
}

export function formatEndpoint(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/**
 * Validate connection options and resolve them to a Target. Returns every problem
 * (flag names in the messages) instead of throwing.
 */
export function resolveTarget(
  o: ConnectionOptions,
  env: Record<string, string | undefined> = process.env,
): { target?: Target; problems: string[] } {
  const problems: string[] = [];
  let host = o.host;
  let port = o.port;
  let user = o.user;
  let password = o.password;
  let db = o.db ?? 0;
  let tls: TlsSettings | undefined = o.tls === true ? {} : o.tls === false || o.tls === undefined ? undefined : o.tls;
  if (o.uri !== undefined) {
    let u: URL | null = null;
    try {
      u = new URL(o.uri);
    } catch {
      problems.push(`-u/--uri: '${redactUri(o.uri)}' is not a URL: use redis://[user:password@]host:port[/db]`);
    }
    if (u) {
      if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
        problems.push(`-u/--uri: scheme must be redis:// or rediss://, got ${u.protocol}//`);
      if (host !== undefined || port !== undefined) problems.push('give either -u/--uri or -h/-p, not both');
      host = u.hostname.replace(/^\[|\]$/g, '') || CONNECTION_DEFAULTS.host;
      port = u.port ? Number(u.port) : CONNECTION_DEFAULTS.port;
      if (u.username) user = decodeURIComponent(u.username);
      if (u.password) password = decodeURIComponent(u.password);
      const path = u.pathname.replace(/^\//, '');
      if (path !== '') {
        if (!/^\d+$/.test(path)) problems.push(`-u/--uri: database '${path}' must be a number`);
        else db = Number(path);
      }
      if (u.protocol === 'rediss:') tls = tls ?? {};
    }
  }
  password ??= env.REDISCLI_AUTH || undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) problems.push(`-p/--port must be 1..65535, got ${port}`);
  if (!Number.isInteger(db) || db < 0) problems.push(`database must be a non-negative integer, got ${db}`);
  const connectTimeoutMs = o.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
  if (!(connectTimeoutMs > 0)) problems.push('connect timeout must be > 0 ms');
  if (user !== undefined && password === undefined) problems.push('--user needs a password: add -a/--pass or set REDISCLI_AUTH');
  if (tls) {
    for (const [flag, file] of [
      ['--tls-ca', tls.caFile],
      ['--tls-cert', tls.certFile],
      ['--tls-key', tls.keyFile],
    ] as const) {
      if (file !== undefined) {
        try {
          readFileSync(file);
        } catch {
          problems.push(`${flag}: cannot read ${file}`);
        }
      }
    }
  }

  let mode: TargetMode = 'standalone';
  let endpoints: Endpoint[] = [];
  const sentinels = o.sentinels ?? [];
  if (sentinels.length > 0 || o.masterName !== undefined) {
    mode = 'sentinel';
    if (o.cluster) problems.push('--sentinel and --cluster cannot be combined');
    if (!o.masterName) problems.push('--sentinel needs --master-name NAME (the name in sentinel.conf)');
    if (sentinels.length === 0) problems.push('--master-name needs at least one --sentinel HOST:PORT');
    for (const s of sentinels) {
      const e = parseHostPort(s, 26379);
      if (!e) problems.push(`--sentinel: '${s}' is not HOST:PORT`);
      else endpoints.push(e);
    }
  } else {
    if (o.cluster) mode = 'cluster';
    endpoints = [{ host: host ?? CONNECTION_DEFAULTS.host, port: port ?? CONNECTION_DEFAULTS.port }];
  }
  if (mode === 'cluster' && db !== 0) problems.push('a Redis Cluster has only database 0');
  if (problems.length > 0) return { problems };
  return {
    problems,
    target: {
      mode,
      endpoints,
      masterName: o.masterName,
      user,
      password,
      sentinelPassword: o.sentinelPassword,
      tls,
      db,
      connectTimeoutMs,
    },
  };
}

/** resolveTarget() that throws an OptionsError (one line per problem). */
export function targetOrThrow(o: ConnectionOptions, env?: Record<string, string | undefined>): Target {
  const { target, problems } = resolveTarget(o, env);
  if (!target) throw new OptionsError(problems);
  return target;
}

/** A short description of a target, safe to print (no secrets). */
export function describeTarget(t: Target): string {
  const eps = t.endpoints.map(formatEndpoint).join(',');
  const scheme = t.tls ? 'rediss' : 'redis';
  if (t.mode === 'sentinel') return `sentinel ${eps} master '${t.masterName}'`;
  if (t.mode === 'cluster') return `cluster via ${scheme}://${eps}`;
  return `${scheme}://${eps}${t.db ? `/${t.db}` : ''}`;
}

function redactUri(u: string): string {
  return u.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** A copy of `o` without undefined values, so defaults are not overwritten by them. */
export function defined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
