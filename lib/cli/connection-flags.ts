/**
 * The connection flags, written once: redis-benchmark's `-h -p -a --user -n`, `-u URI`
 * (lib/redis's URI parser: redis://, rediss://, unix:, redis-sentinel://, redis-cluster://),
 * `-s SOCKET`, Sentinel (`--sentinel --master-name --sentinel-pass`), `--cluster` and TLS
 * (`--tls --tls-ca --tls-cert --tls-key --tls-insecure`). fill, write, audit use all of
 * them; drill run and verify use the TLS part. Messages name these flags.
 */
import type { Command } from 'commander';
import type { ConnectionOptions, FlagHints, TlsSettings } from '../redis/index.js';
import { num } from './integrity-support.js';

export interface TlsFlags {
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsInsecure?: boolean;
}

export interface ConnectionFlags extends TlsFlags {
  host?: string;
  port?: string;
  socket?: string;
  pass?: string;
  user?: string;
  uri?: string;
  sentinel?: string[];
  masterName?: string;
  sentinelPass?: string;
  cluster?: boolean;
  db?: string;
  connectTimeout?: string;
}

/** How these flags are named in connection messages. */
export const CONNECTION_FLAG_HINTS: FlagHints = {
  address: '-h/-p/-s',
  auth: '-a/--pass, --user or REDISCLI_AUTH',
  tls: '--tls/--tls-ca',
  db: '-n/--db',
  cluster: '--cluster',
};

/** commander's argParser for a repeatable option: every value in order. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Add the TLS flags (`what` names what they apply to, e.g. 'the --target'). */
export function addTlsOptions(cmd: Command, what = 'the server'): Command {
  return cmd
    .option('--tls', `use TLS to ${what} (implied by rediss:// and by the other --tls-* flags)`)
    .option('--tls-ca <file>', 'CA certificate (PEM) to trust')
    .option('--tls-cert <file>', 'client certificate (PEM)')
    .option('--tls-key <file>', 'client key (PEM)')
    .option('--tls-insecure', 'do not verify the server certificate');
}

/** The TLS settings the flags ask for; undefined when none is given. */
export function tlsFromFlags(f: TlsFlags): TlsSettings | undefined {
  if (!(f.tls || f.tlsCa || f.tlsCert || f.tlsKey || f.tlsInsecure)) return undefined;
  return { caFile: f.tlsCa, certFile: f.tlsCert, keyFile: f.tlsKey, insecure: f.tlsInsecure };
}

/** Add every connection flag; frees -h from --help (as redis-benchmark uses it for the host). */
export function addConnectionOptions(cmd: Command): Command {
  cmd
    .helpOption('--help', 'display help for command')
    .option('-h, --host <host>', 'server host (default 127.0.0.1)')
    .option('-p, --port <port>', 'server port (default 6379)')
    .option('-s, --socket <path>', 'unix socket instead of -h/-p')
    .option('-a, --pass <password>', 'AUTH password (prefer the REDISCLI_AUTH environment variable: argv is visible to ps)')
    .option('--user <user>', 'ACL user (with -a or REDISCLI_AUTH)')
    .option(
      '-u, --uri <uri>',
      'redis://host:port[/db], rediss:// (TLS), unix:/path, redis-sentinel://h:p[,h:p]/master or redis-cluster://h:p[,h:p]',
    )
    .option('-n, --db <n>', 'database number')
    .option('--sentinel <host:port>', 'a Sentinel to ask for the master (repeatable); with --master-name', collect)
    .option('--master-name <name>', 'the master name the Sentinels monitor')
    .option('--sentinel-pass <password>', 'password of the Sentinels (if they have one)')
    .option('--cluster', 'the target is a Redis Cluster: route keys by slot to every master');
  return addTlsOptions(cmd).option('--connect-timeout <ms>', 'connect timeout in ms (default 2000)');
}

const intFlag = (v: string | undefined, flag: string) => (v === undefined ? undefined : num(flag)(v));

/** The flags as connection options for lib/redis's resolveTarget(). */
export function connectionFromFlags(f: ConnectionFlags): ConnectionOptions {
  return {
    host: f.host,
    port: intFlag(f.port, '-p/--port'),
    socket: f.socket,
    password: f.pass,
    user: f.user,
    uri: f.uri,
    sentinels: f.sentinel,
    masterName: f.masterName,
    sentinelPassword: f.sentinelPass,
    cluster: f.cluster,
    tls: tlsFromFlags(f),
    db: intFlag(f.db, '-n/--db'),
    connectTimeoutMs: intFlag(f.connectTimeout, '--connect-timeout'),
    hints: CONNECTION_FLAG_HINTS,
  };
}
