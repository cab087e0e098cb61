/**
 * `stormdrill bench` options: redis-benchmark 7.x's flags (single-dash multi-letter ones
 * such as `-P`, `-3`, `-x`, a custom command after the options) plus stormdrill's own.
 * parseBenchArgv() maps argv to typed options and collects every problem at once;
 * validate() checks values. The help text is generated from the same table.
 */
import { readDurationFlag } from '../core/duration.js';
import { splitCommandLine } from '../core/resp/index.js';
import { parseHostPort } from '../redis/endpoint.js';
import type { KeyDist } from './random.js';
import { TEST_NAMES, testByName } from './tests.js';

export interface MixEntry {
  /** A test name (lower-case) or a custom command line. */
  name: string;
  weight: number;
  /** Set for custom commands: the words of the command. */
  command?: string[];
}

export interface BenchOptions {
  host: string;
  port: number;
  socket?: string;
  password?: string;
  user?: string;
  clients: number;
  requests: number;
  dataSize: number;
  dbnum: number;
  resp3: boolean;
  threads: number;
  cluster: boolean;
  enableTracking: boolean;
  keepAlive: boolean;
  /** -r: keyspace length; undefined = no -r (every request uses the literal key). */
  keyspace?: number;
  pipeline: number;
  quiet: boolean;
  /** Significant digits of the latency histogram (redis-benchmark's --precision). */
  precision: number;
  csv: boolean;
  loop: boolean;
  /** -t names, lower-case. */
  tests?: string[];
  idle: boolean;
  stdinArg: boolean;
  seed?: number;
  help: boolean;
  version: boolean;
  tls: boolean;
  sni?: string;
  cacert?: string;
  cacertdir?: string;
  insecure: boolean;
  cert?: string;
  key?: string;
  tlsCiphers?: string;
  tlsCiphersuites?: string;
  /** Ask these Sentinels (host:port) for the master of `masterName` instead of -h/-p. */
  sentinels?: string[];
  masterName?: string;
  /** A custom command given after the options. */
  command?: string[];
  // beyond redis-benchmark
  durationSec?: number;
  warmupSec: number;
  rate?: number;
  mix?: MixEntry[];
  keyDist: KeyDist;
  keyPrefix: string;
  dataSizeRange?: [number, number];
  json?: string;
  promRw?: string;
  /** Prometheus scrape endpoint port (serves /metrics while running). */
  metricsPort?: number;
  testid?: string;
  /** The `instance` label of every pushed series: one pod of a distributed run. */
  instance?: string;
  /** Exit 0 even when requests failed (runs whose errors are the point, e.g. an OOM drill). */
  allowErrors: boolean;
}

export const DEFAULTS: BenchOptions = {
  host: '127.0.0.1',
  port: 6379,
  clients: 50,
  requests: 100000,
  dataSize: 3,
  dbnum: 0,
  resp3: false,
  threads: 0,
  cluster: false,
  enableTracking: false,
  keepAlive: true,
  pipeline: 1,
  quiet: false,
  precision: 3,
  csv: false,
  loop: false,
  idle: false,
  stdinArg: false,
  help: false,
  version: false,
  tls: false,
  insecure: false,
  warmupSec: 0,
  keyDist: { kind: 'uniform' },
  keyPrefix: '',
  allowErrors: false,
};

/** The largest payload accepted (Redis' default proto-max-bulk-len, 512 MB). */
export const MAX_DATA_SIZE = 512 * 1024 * 1024;
export const MAX_THREADS = 500;

type Setter = (o: BenchOptions, v: string, problems: string[], flag: string) => void;

interface Flag {
  names: string[];
  arg?: string;
  help: string;
  set: Setter;
}

function int(flag: string, v: string, problems: string[], min: number, max = Number.MAX_SAFE_INTEGER, what = ''): number {
  if (!/^-?\d+$/.test(v)) {
    problems.push(`${flag} must be an integer${what ? ` (${what})` : ''}, got '${v}'`);
    return Number.NaN;
  }
  const n = Number(v);
  if (n > max && max === Number.MAX_SAFE_INTEGER) {
    problems.push(`${flag} is too large: at most ${max}${what ? ` (${what})` : ''}, got ${v}`);
    return Number.NaN;
  }
  if (n < min || n > max) {
    problems.push(
      `${flag} must be ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`}${what ? ` (${what})` : ''}, got ${v}`,
    );
    return Number.NaN;
  }
  return n;
}

/** The option keys whose value is a T. */
type KeyOf<T> = { [K in keyof BenchOptions]-?: BenchOptions[K] extends T | undefined ? K : never }[keyof BenchOptions];

/** One table row: `spec` is the names and the argument as the help shows them, e.g. `'--version, -v'` or `'-c <clients>'`. */
function flag(spec: string, help: string, set: Setter): Flag {
  const [names, arg] = spec.split(/ (?=<)/) as [string, string | undefined];
  return { names: names.split(', '), arg, help, set };
}
function text(key: KeyOf<string>): Setter {
  return (o, v) => Object.assign(o, { [key]: v });
}
function on(key: KeyOf<boolean>): Setter {
  return (o) => Object.assign(o, { [key]: true });
}
function integer(key: KeyOf<number>, min: number, max?: number, what?: string): Setter {
  return (o, v, p, f) => Object.assign(o, { [key]: int(f, v, p, min, max, what) });
}
/** A duration in seconds (the one duration parser: a bare number is seconds, units allowed). */
function duration(key: KeyOf<number>, example: string, allowZero?: boolean): Setter {
  return (o, v, p, f) => {
    const r = readDurationFlag(f, v, { example, allowZero });
    if ('problem' in r) p.push(r.problem);
    Object.assign(o, { [key]: 'problem' in r ? Number.NaN : r.ms / 1000 });
  };
}

export const FLAGS: readonly Flag[] = [
  flag('-h <hostname>', 'Server hostname (default 127.0.0.1)', text('host')),
  flag('-p <port>', 'Server port (default 6379)', integer('port', 1, 65535, 'server port')),
  flag('-s <socket>', 'Server socket (overrides host and port)', text('socket')),
  flag('-a <password>', 'Password for Redis Auth', text('password')),
  flag('--user <username>', "Used to send ACL style 'AUTH username pass'. Needs -a.", text('user')),
  flag('-u <uri>', 'Server URI (redis://[user:pass@]host[:port][/db], rediss:// for TLS).', parseUri),
  flag('-c <clients>', 'Number of parallel connections (default 50)', integer('clients', 1, 100000, 'parallel connections, e.g. -c 50')),
  flag('-n <requests>', 'Total number of requests (default 100000)', integer('requests', 1, undefined, 'total requests, e.g. -n 100000')),
  flag('-d <size>', 'Data size of SET/GET value in bytes (default 3)', integer('dataSize', 1, MAX_DATA_SIZE, 'payload bytes')),
  flag('--dbnum <db>', 'SELECT the specified db number (default 0)', integer('dbnum', 0)),
  flag('-3', 'Start session in RESP3 protocol mode.', on('resp3')),
  flag('--threads <num>', 'Enable multi-thread mode (worker threads, each with its own connections).', integer('threads', 0, MAX_THREADS)),
  flag('--cluster', 'Enable cluster mode (custom commands: put "{tag}" in the key).', on('cluster')),
  flag('--sentinel <host:port>', 'Ask this Sentinel for the master (repeatable; with --master-name) instead of -h/-p.', (o, v) => {
    o.sentinels = [...(o.sentinels ?? []), v];
  }),
  flag('--master-name <name>', 'The master name the Sentinels monitor (with --sentinel).', text('masterName')),
  flag('--enable-tracking', 'Send CLIENT TRACKING on before starting benchmark.', on('enableTracking')),
  flag('-k <boolean>', '1=keep alive 0=reconnect (default 1)', (o, v, p) => {
    if (v !== '0' && v !== '1') p.push(`-k must be 1 (keep alive) or 0 (reconnect), got '${v}'`);
    else o.keepAlive = v === '1';
  }),
  flag(
    '-r <keyspacelen>',
    'Use random keys in 0..keyspacelen-1: every __rand_int__ becomes a 12-digit number per request.',
    integer('keyspace', 1, undefined, 'keyspace length'),
  ),
  flag(
    '-P <numreq>',
    'Pipeline <numreq> requests. Default 1 (no pipeline).',
    integer('pipeline', 1, 100000, 'requests per pipeline, e.g. -P 16'),
  ),
  flag('-q', 'Quiet. Just show query/sec values', on('quiet')),
  flag('--precision <digits>', 'Significant digits of the latency histogram, 1..4 (default 3)', integer('precision', 1, 4)),
  flag('--csv', 'Output in CSV format', on('csv')),
  flag('-l', 'Loop. Run the tests until interrupted (Ctrl-C)', on('loop')),
  flag('-t <tests>', `Only run the comma separated list of tests: ${TEST_NAMES.join(',')}`, (o, v, p) => {
    const names = v
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const unknown = names.filter((n) => !TEST_NAMES.includes(n));
    if (unknown.length) p.push(`unknown test '${unknown.join("', '")}' in -t: known tests are ${TEST_NAMES.join(',')}`);
    o.tests = names;
  }),
  flag('-I', 'Idle mode. Just open N idle connections and wait (until Ctrl-C or --duration).', on('idle')),
  flag('-x', 'Read last argument from STDIN.', on('stdinArg')),
  flag('--seed <num>', 'Seed for keys and values (runs with the same seed send the same keys)', integer('seed', 0, 0xffffffff)),
  flag('--tls', 'Establish a secure TLS connection.', on('tls')),
  flag('--sni <host>', 'Server name indication for TLS.', text('sni')),
  flag('--cacert <file>', 'CA Certificate file to verify with.', text('cacert')),
  flag('--cacertdir <dir>', 'Directory where trusted CA certificates are stored.', text('cacertdir')),
  flag('--insecure', 'Allow insecure TLS connection by skipping cert validation.', on('insecure')),
  flag('--cert <file>', 'Client certificate to authenticate with.', text('cert')),
  flag('--key <file>', 'Private key file to authenticate with.', text('key')),
  flag('--tls-ciphers <list>', 'Preferred ciphers (TLSv1.2 and below), colon separated.', text('tlsCiphers')),
  flag('--tls-ciphersuites <list>', 'Preferred ciphersuites (TLSv1.3), colon separated.', text('tlsCiphersuites')),
  flag('--help', 'Output this help and exit.', on('help')),
  flag('--version, -v', 'Output version and exit.', on('version')),
  // beyond redis-benchmark
  flag(
    '--duration <duration>',
    'Run each test for this long instead of -n requests, e.g. 30 (seconds) or 2m',
    duration('durationSec', '30s'),
  ),
  flag(
    '--warmup <duration>',
    'Run each test this long before measuring (not counted), e.g. 5 (seconds) or 500ms',
    duration('warmupSec', '5s', true),
  ),
  flag(
    '--rate <rps>',
    'Open model: send this many requests per second in total; latency from the intended send time (coordinated omission corrected)',
    (o, v, p) => {
      const n = Number(v);
      const ok = v.trim() !== '' && Number.isFinite(n) && n > 0;
      if (!ok) p.push(`--rate must be a number > 0 (requests per second), got '${v}'`);
      o.rate = ok ? n : Number.NaN;
    },
  ),
  flag('--mix <name=w,...>', 'Mixed workload, e.g. set=1,get=10 (tests or custom commands)', parseMix),
  flag('--key-dist <dist>', 'Key distribution with -r: uniform|sequential|zipf:S|gaussian[:MEAN,STDDEV] (default uniform)', parseKeyDist),
  flag('--key-prefix <prefix>', "Prefix for the built-in tests' key names (default none)", text('keyPrefix')),
  flag('--data-size-range <min-max>', 'Payload size per request, uniform in MIN..MAX bytes', parseSizeRange),
  flag('--json <file>', 'Write the results (config, percentiles, errors, per-second series, HDR histogram) as JSON', text('json')),
  flag('--prom-rw <url>', 'Push metrics to a Prometheus remote-write URL while running', text('promRw')),
  flag('--metrics-port <port>', 'Serve Prometheus metrics on 127.0.0.1:<port>/metrics while running', integer('metricsPort', 1, 65535)),
  flag('--allow-errors', 'Exit 0 even when requests got error replies (default: exit 1 when any request failed)', on('allowErrors')),
  flag('--testid <id>', 'The testid label of every metric series (default: a new run id)', text('testid')),
  flag(
    '--instance <name>',
    'The instance label of every pushed series and of --json: one of several processes of one run (same --testid)',
    text('instance'),
  ),
];

function parseUri(o: BenchOptions, v: string, p: string[]): void {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    p.push(`-u must be a URI like redis://user:pass@host:6379/0, got '${v}'`);
    return;
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    p.push(`-u must start with redis:// or rediss://, got '${u.protocol}//'`);
    return;
  }
  if (u.protocol === 'rediss:') o.tls = true;
  if (u.hostname) o.host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.port) o.port = Number(u.port);
  if (u.password) o.password = decodeURIComponent(u.password);
  if (u.username) {
    if (u.password) o.user = decodeURIComponent(u.username);
    else o.password = decodeURIComponent(u.username);
  }
  const db = u.pathname.replace(/^\//, '');
  if (db) o.dbnum = int('-u database', db, p, 0);
}

function parseMix(o: BenchOptions, v: string, p: string[]): void {
  const out: MixEntry[] = [];
  for (const raw of v.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.lastIndexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim();
    const w = eq === -1 ? '1' : part.slice(eq + 1).trim();
    const weight = Number(w);
    if (!name || !Number.isFinite(weight) || weight <= 0) {
      p.push(`--mix entry '${part}' must be NAME=WEIGHT with a weight > 0, e.g. --mix set=1,get=10`);
      continue;
    }
    const test = testByName(name);
    if (test) {
      if (test.name === 'lrange_prefill') p.push(`--mix cannot include '${name}'`);
      out.push({ name: test.name, weight });
    } else {
      let words: string[];
      try {
        words = splitCommandLine(name);
      } catch {
        p.push(`--mix entry '${part}' has unbalanced quotes`);
        continue;
      }
      if (words.length === 1 && /^[a-z_0-9]+$/.test(name) && !name.includes(' ') && name.includes('_'))
        p.push(`unknown test '${name}' in --mix: known tests are ${TEST_NAMES.join(',')} (or give a command line)`);
      else out.push({ name, weight, command: words });
    }
  }
  if (out.length === 0 && !p.some((x) => x.startsWith('--mix'))) p.push('--mix needs at least one NAME=WEIGHT entry');
  o.mix = out;
}

function parseKeyDist(o: BenchOptions, v: string, p: string[]): void {
  const [kind, arg] = v.split(':', 2) as [string, string | undefined];
  if (kind === 'uniform' || kind === 'sequential') o.keyDist = { kind };
  else if (kind === 'zipf') {
    const s = Number(arg ?? '0.99');
    if (!Number.isFinite(s) || s <= 0) p.push(`--key-dist zipf:S needs S > 0, e.g. zipf:0.99, got '${v}'`);
    else o.keyDist = { kind: 'zipf', s };
  } else if (kind === 'gaussian') {
    if (arg === undefined) o.keyDist = { kind: 'gaussian' };
    else {
      const [m, sd] = arg.split(',').map(Number);
      if (m === undefined || sd === undefined || !Number.isFinite(m) || !Number.isFinite(sd) || sd <= 0)
        p.push(`--key-dist gaussian:MEAN,STDDEV needs numbers with STDDEV > 0, e.g. gaussian:500000,100000, got '${v}'`);
      else o.keyDist = { kind: 'gaussian', mean: m, stddev: sd };
    }
  } else p.push(`--key-dist must be uniform, sequential, zipf:S or gaussian[:MEAN,STDDEV], got '${v}'`);
}

function parseSizeRange(o: BenchOptions, v: string, p: string[]): void {
  const m = /^(\d+)-(\d+)$/.exec(v.trim());
  if (!m) {
    p.push(`--data-size-range must be MIN-MAX in bytes, e.g. 100-1000, got '${v}'`);
    return;
  }
  const min = Number(m[1]);
  const max = Number(m[2]);
  if (min < 1 || max > MAX_DATA_SIZE || min > max) p.push(`--data-size-range needs 1 <= MIN <= MAX <= ${MAX_DATA_SIZE}, got '${v}'`);
  else o.dataSizeRange = [min, max];
}

const BY_NAME = new Map<string, Flag>(FLAGS.flatMap((f) => f.names.map((n) => [n, f] as [string, Flag])));

export interface ParsedArgv {
  options: BenchOptions;
  problems: string[];
  /** Flags given on the command line (for warnings such as "-t is ignored"). */
  given: Set<string>;
}

/**
 * Map argv (the words after `bench`) to options, the way redis-benchmark reads them:
 * options first; the first word not starting with '-' starts the custom command.
 * `--flag=value` is accepted for long flags. Every problem is collected.
 */
export function parseBenchArgv(argv: readonly string[]): ParsedArgv {
  const o: BenchOptions = { ...DEFAULTS, keyDist: { ...DEFAULTS.keyDist } };
  const problems: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    let word = argv[i] as string;
    let inlineValue: string | undefined;
    if (word.startsWith('--') && word.includes('=')) {
      inlineValue = word.slice(word.indexOf('=') + 1);
      word = word.slice(0, word.indexOf('='));
    }
    const flag = BY_NAME.get(word);
    if (!flag) {
      if (word.startsWith('-')) {
        problems.push(`unknown option '${word}': see stormdrill bench --help`);
        continue;
      }
      o.command = argv.slice(i);
      break;
    }
    given.add(flag.names[0] as string);
    if (flag.arg) {
      const value = inlineValue ?? argv[i + 1];
      if (value === undefined) {
        problems.push(`option ${word} needs a value ${flag.arg}`);
        break;
      }
      if (inlineValue === undefined) i++;
      flag.set(o, value, problems, flag.names[0] as string);
    } else {
      if (inlineValue !== undefined) problems.push(`option ${word} takes no value`);
      flag.set(o, '', problems, flag.names[0] as string);
    }
  }
  return { options: o, problems: [...problems, ...validate(o)], given };
}

/** Cross-field checks on parsed options; every problem, one line each. */
export function validate(o: BenchOptions): string[] {
  const p: string[] = [];
  if (o.user !== undefined && o.password === undefined) p.push('--user needs -a <password> (ACL style AUTH username password)');
  if (o.cluster && o.socket) p.push('--cluster cannot be used with -s: give -h/-p of one cluster node');
  if (o.sentinels?.length && !o.masterName) p.push('--sentinel needs --master-name NAME (the name in sentinel.conf)');
  if (o.masterName !== undefined && !o.sentinels?.length) p.push('--master-name needs at least one --sentinel HOST:PORT');
  if (o.sentinels?.length && (o.cluster || o.socket)) p.push('--sentinel cannot be combined with --cluster or -s');
  for (const s of o.sentinels ?? []) if (!parseHostPort(s, 26379)) p.push(`--sentinel: '${s}' is not HOST:PORT`);
  if (o.cluster && o.dbnum !== 0) p.push('--cluster cannot be used with --dbnum: a cluster has only database 0');
  if (o.stdinArg && !o.command) p.push('-x needs a command after the options (the last argument is read from stdin)');
  if (o.mix && o.command) p.push('--mix and a command after the options cannot be combined: put the command into --mix');
  if (o.rate !== undefined && o.idle) p.push('--rate cannot be used with -I');
  if (o.dataSizeRange && o.command) p.push('--data-size-range applies to built-in tests and --mix, not to a custom command');
  if ((o.cert === undefined) !== (o.key === undefined)) p.push('--cert and --key must be given together');
  if (!o.tls && (o.sni || o.cacert || o.cacertdir || o.cert || o.insecure)) p.push('TLS options need --tls (or a rediss:// URI)');
  return p;
}
