/**
 * What a user points a command at — a server, a Sentinel group or a Cluster — from flags
 * (`-h -p -a --user -n`, `--sentinel --master-name`, `--cluster`, TLS) or one URI, checked
 * into a Target; and the one way to find the masters behind it (Sentinel: ask them;
 * Cluster: the slot map).
 */
import { OptionsError } from '../core/errors.js';
import { type Endpoint, formatEndpoint, parseHostPort } from './endpoint.js';
import { type ConnectSettings, DEFAULT_HINTS, type FlagHints } from './handshake.js';
import { askMaster, sentinelSettings } from './sentinel.js';
import { firstSlotMap, type SlotMap } from './slot-map.js';
import { type TlsSettings, unreadableTlsFiles } from './tls.js';
import { parseRedisUri } from './uri.js';

export interface ConnectionOptions {
  host?: string;
  port?: number;
  /** A unix socket path instead of host:port. */
  socket?: string;
  /** AUTH password; defaults to $REDISCLI_AUTH like redis-cli. */
  password?: string;
  user?: string;
  /** Any URI parseRedisUri() takes (redis://, rediss://, unix:, redis-sentinel://, redis-cluster://). */
  uri?: string;
  /** How messages name the URI (default '-u/--uri'). */
  uriFlag?: string;
  /** Sentinel addresses `host:port`; with masterName. */
  sentinels?: string[];
  masterName?: string;
  /** Password of the Sentinels (default: none). */
  sentinelPassword?: string;
  cluster?: boolean;
  tls?: boolean | TlsSettings;
  db?: number;
  connectTimeoutMs?: number;
  /** Flag names for messages (default: -h/-p, -a, --user, --tls, -n). */
  hints?: FlagHints;
  /** Bind every outgoing connection to this local address (see ConnectSettings). */
  localAddress?: string;
}

export type TargetMode = 'standalone' | 'sentinel' | 'cluster';

/** A validated target: where to connect first and how. */
export interface Target extends ConnectSettings {
  mode: TargetMode;
  /** standalone: the server; sentinel: the Sentinels; cluster: the seed nodes. */
  endpoints: Endpoint[];
  masterName?: string;
  sentinelPassword?: string;
  db: number;
  connectTimeoutMs: number;
}

export const CONNECTION_DEFAULTS = { host: '127.0.0.1', port: 6379, connectTimeoutMs: 2000 } as const;

/**
 * Validate connection options and resolve them to a Target. Returns every problem
 * (flag names in the messages) instead of throwing.
 */
export function resolveTarget(
  o: ConnectionOptions,
  env: Record<string, string | undefined> = process.env,
): { target?: Target; problems: string[] } {
  const problems: string[] = [];
  const hints = o.hints ?? DEFAULT_HINTS;
  const { host, port } = o;
  let user = o.user;
  let password = o.password;
  let db = o.db ?? 0;
  let tls: TlsSettings | undefined = o.tls === true ? {} : o.tls === false || o.tls === undefined ? undefined : o.tls;
  let mode: TargetMode = o.cluster ? 'cluster' : 'standalone';
  let endpoints: Endpoint[] = [];
  let masterName = o.masterName;
  const sentinels = o.sentinels ?? [];
  let fromUri = false;
  if (o.uri !== undefined) {
    if (host !== undefined || port !== undefined || o.socket !== undefined)
      problems.push(`give either ${o.uriFlag ?? '-u/--uri'} or ${hints.address}, not both`);
    try {
      const u = parseRedisUri(o.uri, o.uriFlag);
      fromUri = true;
      if (u.user !== undefined) user = u.user;
      if (u.password !== undefined) password = u.password;
      if (u.db !== undefined) db = u.db;
      if (u.tls) tls = tls ?? {};
      endpoints = u.endpoints;
      if (u.kind === 'sentinel') {
        mode = 'sentinel';
        masterName = u.masterName;
        if (sentinels.length > 0) problems.push('give either a redis-sentinel:// URI or --sentinel, not both');
      } else if (u.kind === 'cluster') mode = 'cluster';
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  password ??= env.REDISCLI_AUTH || undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) problems.push(`-p/--port must be 1..65535, got ${port}`);
  if (!Number.isInteger(db) || db < 0) problems.push(`database must be a non-negative integer, got ${db}`);
  const connectTimeoutMs = o.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs;
  if (!(connectTimeoutMs > 0)) problems.push('connect timeout must be > 0 ms');
  if (user !== undefined && password === undefined) problems.push('--user needs a password: add -a/--pass or set REDISCLI_AUTH');
  if (tls) problems.push(...unreadableTlsFiles(tls, { ca: '--tls-ca', cert: '--tls-cert', key: '--tls-key' }));

  if (sentinels.length > 0 || (o.masterName !== undefined && mode !== 'sentinel')) {
    mode = 'sentinel';
    if (o.cluster) problems.push('--sentinel and --cluster cannot be combined');
    if (!masterName) problems.push('--sentinel needs --master-name NAME (the name in sentinel.conf)');
    if (sentinels.length === 0) problems.push('--master-name needs at least one --sentinel HOST:PORT');
    endpoints = [];
    for (const s of sentinels) {
      const e = parseHostPort(s, 26379);
      if (!e) problems.push(`--sentinel: '${s}' is not HOST:PORT`);
      else endpoints.push(e);
    }
  } else if (!fromUri) {
    endpoints = [
      o.socket
        ? { host: 'localhost', port: 0, socket: o.socket }
        : { host: host ?? CONNECTION_DEFAULTS.host, port: port ?? CONNECTION_DEFAULTS.port },
    ];
  } else if (o.cluster && mode === 'standalone') mode = 'cluster';
  if (mode === 'cluster' && db !== 0) problems.push('a Redis Cluster has only database 0');
  if (problems.length > 0) return { problems };
  return {
    problems,
    target: {
      mode,
      endpoints,
      masterName,
      user,
      password,
      sentinelPassword: o.sentinelPassword,
      tls,
      db,
      connectTimeoutMs,
      hints,
      localAddress: o.localAddress,
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
  if (t.endpoints[0]?.socket) return `unix:${eps}${t.db ? ` db ${t.db}` : ''}`;
  return `${scheme}://${eps}${t.db ? `/${t.db}` : ''}`;
}

/** The master a Sentinel target's Sentinels name now. */
export function sentinelMaster(t: Target): Promise<Endpoint> {
  return askMaster(t.endpoints, t.masterName as string, sentinelSettings(t, t.sentinelPassword));
}

/** The masters to talk to (one unless a cluster), with the slot map for a cluster. */
export async function discover(t: Target): Promise<{ masters: Endpoint[]; map: SlotMap | null }> {
  if (t.mode === 'sentinel') return { masters: [await sentinelMaster(t)], map: null };
  if (t.mode === 'cluster') {
    const map = await firstSlotMap(t.endpoints, t);
    return { masters: map.masters, map };
  }
  return { masters: [t.endpoints[0] as Endpoint], map: null };
}

/** A copy of `o` without undefined values, so defaults are not overwritten by them. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
