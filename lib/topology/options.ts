/** Topology options: DEFAULTS, validate() (every problem at once) and resolveSpec(). Pure. */
import { OptionsError } from '../core/errors.js';
import {
  type CommonSpec,
  type SentinelSettings,
  TOPOLOGY_KINDS,
  type TopologyKind,
  type TopologySpec,
  type TopologySpecInput,
} from './types.js';

export const COMMON_DEFAULTS: CommonSpec = {
  aof: false,
  minReplicasToWrite: 0,
  minReplicasMaxLagS: 10,
  faultProxies: true,
  replicationVia: 'proxy',
};

export const SENTINEL_DEFAULTS: Omit<SentinelSettings, 'quorum'> = {
  replicas: 2,
  sentinels: 3,
  downAfterMs: 1000,
  failoverTimeoutMs: 10_000,
  parallelSyncs: 1,
  masterName: 'sdmaster',
};

export const DEFAULTS = {
  common: COMMON_DEFAULTS,
  replicas: 1,
  sentinel: SENTINEL_DEFAULTS,
  haproxy: { checkIntervalMs: 1000 },
  cluster: { masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2000, allowReadsWhenDown: false },
} as const;

export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;

const SIZE_RE = /^\d+(b|k|kb|m|mb|g|gb)?$/i;
const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

function isInt(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

const ADDRESS_BLOCK_RE = /^127\.(\d{1,3})\.(\d{1,3})\.0\/24$/;

/** The first three octets ('127.A.B') of a valid address block, null when it is not a loopback /24. */
export function addressBlockPrefix(block: string): string | null {
  const m = ADDRESS_BLOCK_RE.exec(block);
  if (!m) return null;
  const octets = [m[1], m[2]].map(Number);
  if (octets.some((o) => o > 255) || [m[1], m[2]].some((o) => o !== String(Number(o)))) return null;
  return `127.${octets[0]}.${octets[1]}`;
}

/** Problems with an address block for a topology of `kind`, one line each. */
function addressBlockProblems(block: string, kind: string, faultProxies: boolean): string[] {
  const p: string[] = [];
  if (addressBlockPrefix(block) === null) p.push(`--addresses must be a loopback /24 such as 127.0.9.0/24 (got '${block}')`);
  if (kind === 'haproxy') p.push('--addresses is for standalone, replicas, sentinel and cluster topologies, not haproxy: leave it out');
  else if (faultProxies) p.push('own addresses replace the fault proxies: add --no-fault-proxies (faultProxies: false)');
  return p;
}

/** Every problem with `input`, one clear line each (empty = valid). */
export function validate(input: TopologySpecInput): string[] {
  const p: string[] = [];
  const kind = input.kind as string;
  if (!TOPOLOGY_KINDS.includes(kind as TopologyKind)) {
    p.push(`unknown topology kind '${kind}': use one of ${TOPOLOGY_KINDS.join(', ')}`);
    return p;
  }
  if (input.maxmemory !== undefined && !SIZE_RE.test(input.maxmemory))
    p.push(`maxmemory '${input.maxmemory}' is not a size: use e.g. 64mb or 1gb`);
  if (input.maxmemoryPolicy !== undefined && !(MAXMEMORY_POLICIES as readonly string[]).includes(input.maxmemoryPolicy))
    p.push(`maxmemory policy '${input.maxmemoryPolicy}' is unknown: use one of ${MAXMEMORY_POLICIES.join(', ')}`);
  if (input.replBacklogSize !== undefined && !SIZE_RE.test(input.replBacklogSize))
    p.push(`repl-backlog-size '${input.replBacklogSize}' is not a size: use e.g. 1mb`);
  if (input.password !== undefined && (input.password.length === 0 || /[\s"'\\]/.test(input.password)))
    p.push('the password must be non-empty without spaces, quotes or backslashes: set STORMDRILL_REDIS_PASSWORD to such a value');
  if (input.aclUser !== undefined) {
    if (!NAME_RE.test(input.aclUser) || input.aclUser === 'default')
      p.push(`ACL user '${input.aclUser}' is invalid: use letters, digits, '-' or '_' (not 'default')`);
    if (input.password === undefined) p.push('an ACL user needs a password: set STORMDRILL_REDIS_PASSWORD');
  }
  if (input.minReplicasToWrite !== undefined && !isInt(input.minReplicasToWrite, 0, 16))
    p.push(`min-replicas-to-write must be an integer 0..16 (got ${input.minReplicasToWrite})`);
  if (input.minReplicasMaxLagS !== undefined && !isInt(input.minReplicasMaxLagS, 1, 3600))
    p.push(`min-replicas-max-lag must be an integer 1..3600 seconds (got ${input.minReplicasMaxLagS})`);
  if (input.replicationVia !== undefined && input.replicationVia !== 'proxy' && input.replicationVia !== 'direct')
    p.push(`replicationVia must be 'proxy' or 'direct' (got '${input.replicationVia}')`);
  if (input.addressBlock !== undefined) p.push(...addressBlockProblems(input.addressBlock, kind, input.faultProxies ?? true));

  if (kind === 'standalone') {
    if (input.replicas !== undefined && input.replicas !== 0)
      p.push("a standalone topology has no replicas: use kind 'replicas' with --replicas N");
  } else if (kind !== 'cluster' && input.replicas !== undefined && !isInt(input.replicas, 1, 4))
    p.push(`replicas must be an integer 1..4 (got ${input.replicas})`);
  const replicas = input.replicas ?? (kind === 'replicas' ? DEFAULTS.replicas : SENTINEL_DEFAULTS.replicas);
  if (
    input.minReplicasToWrite !== undefined &&
    kind !== 'cluster' &&
    isInt(input.minReplicasToWrite, 1, 16) &&
    input.minReplicasToWrite > (kind === 'standalone' ? 0 : replicas)
  )
    p.push(
      `min-replicas-to-write ${input.minReplicasToWrite} exceeds the replica count ${kind === 'standalone' ? 0 : replicas}: lower it or add replicas`,
    );

  if (kind === 'sentinel' || kind === 'haproxy') {
    const sentinels = input.sentinels ?? SENTINEL_DEFAULTS.sentinels;
    if (!isInt(sentinels, 1, 7)) p.push(`sentinels must be an integer 1..7 (got ${input.sentinels})`);
    if (input.quorum !== undefined && (!isInt(input.quorum, 1, 7) || input.quorum > sentinels))
      p.push(`quorum must be an integer 1..${sentinels} (the sentinel count), got ${input.quorum}`);
    if (input.downAfterMs !== undefined && !isInt(input.downAfterMs, 100, 600_000))
      p.push(`down-after-milliseconds must be 100..600000 ms (got ${input.downAfterMs})`);
    if (input.failoverTimeoutMs !== undefined && !isInt(input.failoverTimeoutMs, 1000, 3_600_000))
      p.push(`failover-timeout must be 1000..3600000 ms (got ${input.failoverTimeoutMs})`);
    if (input.parallelSyncs !== undefined && !isInt(input.parallelSyncs, 1, 16))
      p.push(`parallel-syncs must be an integer 1..16 (got ${input.parallelSyncs})`);
    if (input.masterName !== undefined && !NAME_RE.test(input.masterName))
      p.push(`master name '${input.masterName}' is invalid: use letters, digits, '-' or '_'`);
  }
  if (kind === 'haproxy' && input.checkIntervalMs !== undefined && !isInt(input.checkIntervalMs, 100, 60_000))
    p.push(`HAProxy check interval must be 100..60000 ms (got ${input.checkIntervalMs})`);
  if (kind === 'cluster') {
    if (input.masters !== undefined && !isInt(input.masters, 3, 9)) p.push(`a cluster needs 3..9 masters (got ${input.masters})`);
    if (input.replicasPerMaster !== undefined && !isInt(input.replicasPerMaster, 0, 3))
      p.push(`replicas per master must be an integer 0..3 (got ${input.replicasPerMaster})`);
    if (input.nodeTimeoutMs !== undefined && !isInt(input.nodeTimeoutMs, 100, 600_000))
      p.push(`cluster-node-timeout must be 100..600000 ms (got ${input.nodeTimeoutMs})`);
    if (
      input.minReplicasToWrite !== undefined &&
      input.minReplicasToWrite > (input.replicasPerMaster ?? DEFAULTS.cluster.replicasPerMaster)
    )
      p.push('min-replicas-to-write exceeds the replicas per master: lower it or add replicas');
  }
  return p;
}

/** Fill DEFAULTS in; throws OptionsError listing every problem. */
export function resolveSpec(input: TopologySpecInput): TopologySpec {
  const problems = validate(input);
  if (problems.length > 0) throw new OptionsError(problems);
  const common: CommonSpec = {
    ...COMMON_DEFAULTS,
    ...pick(input, ['maxmemory', 'maxmemoryPolicy', 'aof', 'replBacklogSize', 'password', 'aclUser']),
    ...pick(input, ['minReplicasToWrite', 'minReplicasMaxLagS', 'faultProxies', 'replicationVia', 'addressBlock']),
  };
  switch (input.kind) {
    case 'standalone':
      return { ...common, kind: 'standalone' };
    case 'replicas':
      return { ...common, kind: 'replicas', replicas: input.replicas ?? DEFAULTS.replicas };
    case 'sentinel':
    case 'haproxy': {
      const sentinels = input.sentinels ?? SENTINEL_DEFAULTS.sentinels;
      const s: SentinelSettings = {
        ...SENTINEL_DEFAULTS,
        ...pick(input, ['replicas', 'sentinels', 'downAfterMs', 'failoverTimeoutMs', 'parallelSyncs', 'masterName']),
        quorum: input.quorum ?? Math.floor(sentinels / 2) + 1,
      };
      if (input.kind === 'sentinel') return { ...common, ...s, kind: 'sentinel' };
      return { ...common, ...s, kind: 'haproxy', checkIntervalMs: input.checkIntervalMs ?? DEFAULTS.haproxy.checkIntervalMs };
    }
    case 'cluster':
      return {
        ...common,
        kind: 'cluster',
        ...DEFAULTS.cluster,
        ...pick(input, ['masters', 'replicasPerMaster', 'nodeTimeoutMs', 'allowReadsWhenDown']),
      };
  }
}

/** The redis.conf directives a spec implies (beyond what lib/stack writes). Pure. */
export function redisDirectives(spec: TopologySpec): Record<string, string | number> {
  const d: Record<string, string | number> = {};
  if (spec.replBacklogSize) d['repl-backlog-size'] = spec.replBacklogSize;
  if (spec.minReplicasToWrite > 0) {
    d['min-replicas-to-write'] = spec.minReplicasToWrite;
    d['min-replicas-max-lag'] = spec.minReplicasMaxLagS;
  }
  if (spec.kind === 'cluster' && spec.allowReadsWhenDown) d['cluster-allow-reads-when-down'] = 'yes';
  if (spec.aclUser && spec.password) d.user = `${spec.aclUser} on >${spec.password} ~* &* +@all`;
  return d;
}

/** The names of the redis-server nodes a spec starts (primary, replica-N; master-N, replica-N in a cluster). */
export function nodeNames(spec: TopologySpec): string[] {
  const replicas = (n: number) => Array.from({ length: n }, (_, i) => `replica-${i + 1}`);
  switch (spec.kind) {
    case 'standalone':
      return ['primary'];
    case 'cluster':
      return [...Array.from({ length: spec.masters }, (_, i) => `master-${i + 1}`), ...replicas(spec.masters * spec.replicasPerMaster)];
    default:
      return ['primary', ...replicas(spec.replicas)];
  }
}

/** The `index`-th member address of a valid block (0 → .2, 1 → .3, ... up to .254), null past the end. */
export function memberAddress(block: string, index: number): string | null {
  const prefix = addressBlockPrefix(block);
  const host = index + 2;
  return prefix !== null && Number.isInteger(index) && index >= 0 && host <= 254 ? `${prefix}.${host}` : null;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
