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

type Setter = (o: BenchOptions, v: string, problems: string[]) => void;

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

function num(flag: string, v: string, problems: string[], min: number, exclusive = false, what = ''): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (exclusive ? n <= min : n < min)) {
    problems.push(`${flag} must be a number ${exclusive ? '>' : '>='} ${min}${what ? ` (${what})` : ''}, got '${v}'`);
    return Number.NaN;
  }
  return n;
}

/** A duration flag in seconds (the one duration parser: a bare number is seconds, units allowed). */
function seconds(flag: string, v: string, problems: string[], example: string, allowZero = false): number {
  const r = readDurationFlag(flag, v, { example, allowZero });
  if ('problem' in r) {
    problems.push(r.problem);
    return Number.NaN;
  }
  return r.ms / 1000;
}

export const FLAGS: readonly Flag[] = [
  { names: ['-h'], arg: '<hostname>', help: 'Server hostname (default 127.0.0.1)', set: (o, v) => (o.host = v) },
  {
    names: ['-p'],
    arg: '<port>',
    help: 'Server port (default 6379)',
    set: (o, v, p) => (o.port = int('-p', v, p, 1, 65535, 'server port')),
  },
  { names: ['-s'], arg: '<socket>', help: 'Server socket (overrides host and port)', set: (o, v) => (o.socket = v) },
  { names: ['-a'], arg: '<password>', help: 'Password for Redis Auth', set: (o, v) => (o.password = v) },
  { names: ['--user'], arg: '<username>', help: "Used to send ACL style 'AUTH username pass'. Needs -a.", set: (o, v) => (o.user = v) },
  { names: ['-u'], arg: '<uri>', help: 'Server URI (redis://[user:pass@]host[:port][/db], rediss:// for TLS).', set: parseUri },
  {
    names: ['-c'],
    arg: '<clients>',
    help: 'Number of parallel connections (default 50)',
    set: (o, v, p) => (o.clients = int('-c', v, p, 1, 100000, 'parallel connections, e.g. -c 50')),
  },
  {
    names: ['-n'],
    arg: '<requests>',
    help: 'Total number of requests (default 100000)',
    set: (o, v, p) => (o.requests = int('-n', v, p, 1, Number.MAX_SAFE_INTEGER, 'total requests, e.g. -n 100000')),
  },
  {
    names: ['-d'],
    arg: '<size>',
    help: 'Data size of SET/GET value in bytes (default 3)',
    set: (o, v, p) => (o.dataSize = int('-d', v, p, 1, MAX_DATA_SIZE, 'payload bytes')),
  },
  {
    names: ['--dbnum'],
    arg: '<db>',
    help: 'SELECT the specified db number (default 0)',
    set: (o, v, p) => (o.dbnum = int('--dbnum', v, p, 0)),
  },
  { names: ['-3'], help: 'Start session in RESP3 protocol mode.', set: (o) => (o.resp3 = true) },
  {
    names: ['--threads'],
    arg: '<num>',
    help: 'Enable multi-thread mode (worker threads, each with its own connections).',
    set: (o, v, p) => (o.threads = int('--threads', v, p, 0, MAX_THREADS)),
  },
  { names: ['--cluster'], help: 'Enable cluster mode (custom commands: put "{tag}" in the key).', set: (o) => (o.cluster = true) },
  {
    names: ['--sentinel'],
    arg: '<host:port>',
    help: 'Ask this Sentinel for the master (repeatable; with --master-name) instead of -h/-p.',
    set: (o, v) => (o.sentinels = [...(o.sentinels ?? []), v]),
  },
  {
    names: ['--master-name'],
    arg: '<name>',
    help: 'The master name the Sentinels monitor (with --sentinel).',
    set: (o, v) => (o.masterName = v),
  },
  { names: ['--enable-tracking'], help: 'Send CLIENT TRACKING on before starting benchmark.', set: (o) => (o.enableTracking = true) },
  {
    names: ['-k'],
    arg: '<boolean>',
    help: '1=keep alive 0=reconnect (default 1)',
    set: (o, v, p) => {
      if (v !== '0' && v !== '1') p.push(`-k must be 1 (keep alive) or 0 (reconnect), got '${v}'`);
      else o.keepAlive = v === '1';
    },
  },
  {
    names: ['-r'],
    arg: '<keyspacelen>',
    help: 'Use random keys in 0..keyspacelen-1: every __rand_int__ becomes a 12-digit number per request.',
    set: (o, v, p) => (o.keyspace = int('-r', v, p, 1, Number.MAX_SAFE_INTEGER, 'keyspace length')),
  },
  {
    names: ['-P'],
    arg: '<numreq>',
    help: 'Pipeline <numreq> requests. Default 1 (no pipeline).',
    set: (o, v, p) => (o.pipeline = int('-P', v, p, 1, 100000, 'requests per pipeline, e.g. -P 16')),
  },
  { names: ['-q'], help: 'Quiet. Just show query/sec values', set: (o) => (o.quiet = true) },
  {
    names: ['--precision'],
    arg: '<digits>',
    help: 'Significant digits of the latency histogram, 1..4 (default 3)',
    set: (o, v, p) => (o.precision = int('--precision', v, p, 1, 4)),
  },
  { names: ['--csv'], help: 'Output in CSV format', set: (o) => (o.csv = true) },
  { names: ['-l'], help: 'Loop. Run the tests until interrupted (Ctrl-C)', set: (o) => (o.loop = true) },
  {
    names: ['-t'],
    arg: '<tests>',
    help: `Only run the comma separated list of tests: ${TEST_NAMES.join(',')}`,
    set: (o, v, p) => {
      const names = v
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const unknown = names.filter((n) => !TEST_NAMES.includes(n));
      if (unknown.length) p.push(`unknown test '${unknown.join("', '")}' in -t: known tests are ${TEST_NAMES.join(',')}`);
      o.tests = names;
    },
  },
  { names: ['-I'], help: 'Idle mode. Just open N idle connections and wait (until Ctrl-C or --duration).', set: (o) => (o.idle = true) },
  { names: ['-x'], help: 'Read last argument from STDIN.', set: (o) => (o.stdinArg = true) },
  {
    names: ['--seed'],
    arg: '<num>',
    help: 'Seed for keys and values (runs with the same seed send the same keys)',
    set: (o, v, p) => (o.seed = int('--seed', v, p, 0, 0xffffffff)),
  },
  { names: ['--tls'], help: 'Establish a secure TLS connection.', set: (o) => (o.tls = true) },
  { names: ['--sni'], arg: '<host>', help: 'Server name indication for TLS.', set: (o, v) => (o.sni = v) },
  { names: ['--cacert'], arg: '<file>', help: 'CA Certificate file to verify with.', set: (o, v) => (o.cacert = v) },
  { names: ['--cacertdir'], arg: '<dir>', help: 'Directory where trusted CA certificates are stored.', set: (o, v) => (o.cacertdir = v) },
  { names: ['--insecure'], help: 'Allow insecure TLS connection by skipping cert validation.', set: (o) => (o.insecure = true) },
  { names: ['--cert'], arg: '<file>', help: 'Client certificate to authenticate with.', set: (o, v) => (o.cert = v) },
  { names: ['--key'], arg: '<file>', help: 'Private key file to authenticate with.', set: (o, v) => (o.key = v) },
  {
    names: ['--tls-ciphers'],
    arg: '<list>',
    help: 'Preferred ciphers (TLSv1.2 and below), colon separated.',
    set: (o, v) => (o.tlsCiphers = v),
  },
  {
    names: ['--tls-ciphersuites'],
    arg: '<list>',
    help: 'Preferred ciphersuites (TLSv1.3), colon separated.',
    set: (o, v) => (o.tlsCiphersuites = v),
  },
  { names: ['--help'], help: 'Output this help and exit.', set: (o) => (o.help = true) },
  { names: ['--version', '-v'], help: 'Output version and exit.', set: (o) => (o.version = true) },
  // beyond redis-benchmark
  {
    names: ['--duration'],
    arg: '<duration>',
    help: 'Run each test for this long instead of -n requests, e.g. 30 (seconds) or 2m',
    set: (o, v, p) => (o.durationSec = seconds('--duration', v, p, '30s')),
  },
  {
    names: ['--warmup'],
    arg: '<duration>',
    help: 'Run each test this long before measuring (not counted), e.g. 5 (seconds) or 500ms',
    set: (o, v, p) => (o.warmupSec = seconds('--warmup', v, p, '5s', true)),
  },
  {
    names: ['--rate'],
    arg: '<rps>',
    help: 'Open model: send this many requests per second in total; latency from the intended send time (coordinated omission corrected)',
    set: (o, v, p) => (o.rate = num('--rate', v, p, 0, true, 'requests per second')),
  },
  { names: ['--mix'], arg: '<name=w,...>', help: 'Mixed workload, e.g. set=1,get=10 (tests or custom commands)', set: parseMix },
  {
    names: ['--key-dist'],
    arg: '<dist>',
    help: 'Key distribution with -r: uniform|sequential|zipf:S|gaussian[:MEAN,STDDEV] (default uniform)',
    set: parseKeyDist,
  },
  {
    names: ['--key-prefix'],
    arg: '<prefix>',
    help: "Prefix for the built-in tests' key names (default none)",
    set: (o, v) => (o.keyPrefix = v),
  },
  { names: ['--data-size-range'], arg: '<min-max>', help: 'Payload size per request, uniform in MIN..MAX bytes', set: parseSizeRange },
  {
    names: ['--json'],
    arg: '<file>',
    help: 'Write the results (config, percentiles, errors, per-second series, HDR histogram) as JSON',
    set: (o, v) => (o.json = v),
  },
  {
    names: ['--prom-rw'],
    arg: '<url>',
    help: 'Push metrics to a Prometheus remote-write URL while running',
    set: (o, v) => (o.promRw = v),
  },
  {
    names: ['--metrics-port'],
    arg: '<port>',
    help: 'Serve Prometheus metrics on 127.0.0.1:<port>/metrics while running',
    set: (o, v, p) => (o.metricsPort = int('--metrics-port', v, p, 1, 65535)),
  },
  {
    names: ['--allow-errors'],
    help: 'Exit 0 even when requests got error replies (default: exit 1 when any request failed)',
    set: (o) => (o.allowErrors = true),
  },
  {
    names: ['--testid'],
    arg: '<id>',
    help: 'The testid label of every metric series (default: a new run id)',
    set: (o, v) => (o.testid = v),
  },
  {
    names: ['--instance'],
    arg: '<name>',
    help: 'The instance label of every pushed series and of --json: one of several processes of one run (same --testid)',
    set: (o, v) => (o.instance = v),
  },
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
      flag.set(o, value, problems);
    } else {
      if (inlineValue !== undefined) problems.push(`option ${word} takes no value`);
      flag.set(o, '', problems);
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
