/**
 * The machine part of a runbook, as zod schemas. Unknown keys are rejected everywhere
 * (strict objects), durations are strings such as `2s` or `250ms`, and steps are checked
 * against the step registry (steps/index.ts) one by one, so an unknown step names the known
 * ones. Pure.
 */
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/** A duration field: `2s`, `250ms`, `1m30s` or a number of milliseconds. */
export const Duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v, 'ms');
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `bad duration '${String(v)}': use e.g. 250ms, 2s, 1m30s` });
    return z.NEVER;
  }
  return ms;
});

/** Which nodes a step acts on. */
export const NODE_SELECTOR_HELP =
  'primary (the master now), replica (the first replica now), replicas (every replica now), all, new (nodes added by scale-out), old (the starting nodes), down (nodes whose process exited), or a node name such as replica-2 or master-1';
const NODE_SELECTOR = /^(primary|replica|replicas|all|new|old|down|primary-?\d*|replica-\d+|master-\d+)$/;
export const NodeSelector = z.string().regex(NODE_SELECTOR, { message: `bad node selector: use one of ${NODE_SELECTOR_HELP}` });

/** `ackedLost: { exactly: writeStepsAcked }`: the writes the runbook's write steps had acknowledged. */
export const WRITE_STEPS_ACKED = 'writeStepsAcked';

export const TOPOLOGY_KINDS = ['standalone', 'replicas', 'sentinel', 'haproxy', 'cluster'] as const;

export const TopologySection = z.strictObject({
  kind: z.enum(TOPOLOGY_KINDS),
  /** replicas / sentinel / haproxy: replicas of the primary (0..4). */
  replicas: z.number().int().min(0).max(4).optional(),
  sentinels: z.number().int().min(1).max(7).optional(),
  quorum: z.number().int().min(1).optional(),
  downAfter: Duration.optional(),
  failoverTimeout: Duration.optional(),
  parallelSyncs: z.number().int().min(1).optional(),
  /** cluster */
  masters: z.number().int().min(3).max(10).optional(),
  replicasPerMaster: z.number().int().min(0).max(4).optional(),
  nodeTimeout: Duration.optional(),
  /** cluster-allow-reads-when-down (default false). */
  allowReadsWhenDown: z.boolean().optional(),
  /** node settings */
  maxmemory: z
    .string()
    .regex(/^\d+(b|kb|mb|gb)?$/i, { message: 'maxmemory must look like 64mb' })
    .optional(),
  maxmemoryPolicy: z
    .enum(['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])
    .optional(),
  appendonly: z.boolean().optional(),
  replBacklogSize: z
    .string()
    .regex(/^\d+(b|k|kb|m|mb|g|gb)?$/i, { message: 'replBacklogSize must look like 1mb' })
    .optional(),
  minReplicasToWrite: z.number().int().min(0).max(16).optional(),
  /** min-replicas-max-lag in seconds. */
  minReplicasMaxLag: z.number().int().min(1).max(3600).optional(),
  /** Start the nodes with a random requirepass (never written to the report). */
  auth: z.boolean().optional(),
  /** haproxy: tcp-check interval (default 1s). */
  checkInterval: Duration.optional(),
  /** Whether replication links go through the fault proxies (default proxy: network faults cut replication too). */
  replicationVia: z.enum(['proxy', 'direct']).optional(),
});
export type TopologySection = z.infer<typeof TopologySection>;

export const PreconditionsSection = z.strictObject({
  /** Fill to this % of maxmemory before the drill (needs topology.maxmemory). */
  fillPercent: z.number().min(0).max(100).optional(),
  /** Or fill this many keys. */
  fillKeys: z.number().int().min(0).optional(),
  fillValueSize: z.number().int().min(1).max(1_000_000).optional(),
  /** Wait this long after the workload starts before the first step. */
  warmup: Duration.optional(),
});

export const WorkloadSection = z.strictObject({
  kind: z.enum(['write', 'idle']),
  /** Target writes per second (the writer's rate limit). */
  rate: z.number().int().min(1).max(1_000_000).optional(),
  valueSize: z.number().int().min(1).max(1_000_000).optional(),
  /** Read back while writing, to measure read unavailability. */
  reads: z.boolean().optional(),
  /** Per-operation timeout: an op without a reply after this counts as unknown. */
  opTimeout: Duration.optional(),
});

/**
 * The service workload (game day): the demo service on the drill's Redis endpoint (or the
 * drill's --service-url) under a fixed rate of user flows for the whole drill, a Prometheus
 * with the project's alert rules, and the figures a team asks about after an incident.
 */
export const ServiceSection = z.strictObject({
  /** User flows started per second (each flow is 4-5 HTTP requests). */
  rate: z.number().min(0.1).max(1000).optional(),
  /** The success-ratio objective of the service (default 0.99: an error budget of 1 %). */
  slo: z.number().gt(0).lt(1).optional(),
  /** The SLO's period, whose error budget errorBudgetSpent is a share of (default 720h, 30 days). */
  sloPeriod: Duration.optional(),
  /** Recovered = the success ratio at the SLO for this long (default 30s). */
  recoverFor: Duration.optional(),
  /** How long the drill keeps the load on after its steps while waiting for the recovery (default recoverFor + 30s). */
  recoverTimeout: Duration.optional(),
  /** Per-request timeout of the load (default 2s). */
  requestTimeout: Duration.optional(),
  /** Prometheus rule evaluation interval of the drill (default 1s; the rules' `for:` stay as written). */
  evaluationInterval: Duration.optional(),
  /** Prometheus scrape interval of the drill (default 500ms). */
  scrapeInterval: Duration.optional(),
  /** k6 drives the load when present (K6_BIN or k6 on PATH), unless this is false. */
  k6: z.boolean().optional(),
});
export type ServiceSection = z.infer<typeof ServiceSection>;

const Max = z.union([Duration, z.strictObject({ max: Duration })]).transform((v) => (typeof v === 'number' ? v : v.max));

export const ChecksSection = z.strictObject({
  maxWriteUnavailable: Max.optional(),
  maxReadUnavailable: Max.optional(),
  /**
   * A number: at most this many acknowledged writes may be lost (0 = none). `exactly:
   * writeStepsAcked`: exactly as many as the write steps had acknowledged (when how many a
   * node takes before it refuses is what the drill measures).
   */
  ackedLost: z
    .union([
      z.number().int().min(0),
      z.strictObject({ max: z.number().int().min(0) }),
      z.strictObject({ exactly: z.union([z.number().int().min(0), z.literal(WRITE_STEPS_ACKED)]) }),
    ])
    .optional(),
  /**
   * Partition drills with min-replicas-to-write: acknowledged writes lost are no more than
   * the writes acknowledged within min-replicas-max-lag + margin of the cut.
   */
  ackedLostWithinLag: z.strictObject({ margin: Duration }).optional(),
  /** Partition drills with min-replicas-to-write: the old primary refused writes (NOREPLICAS) within min-replicas-max-lag + margin of the cut. */
  refusedWithinLag: z.strictObject({ margin: Duration }).optional(),
  /** Primary vs every replica hold the same keys and values after the drill. */
  verify: z.boolean().optional(),
  /** No replica did a full sync during the drill (sync_full delta == 0). */
  noFullSync: z.boolean().optional(),
  /** A failover (a new primary) happened within this long after the fault. */
  failoverWithin: Duration.optional(),
  /** No failover happened (the primary stayed the same). */
  noFailover: z.boolean().optional(),
  clusterStateOk: z.boolean().optional(),
  /** At least this many OOM rejections were counted (maxmemory + noeviction). */
  minOomErrors: z.number().int().min(0).optional(),
  /** At least this many keys were evicted (maxmemory + an eviction policy). */
  minEvictions: z.number().int().min(0).optional(),
  /** No LOADING error seen by clients. */
  noLoadingErrors: z.boolean().optional(),
  /** Service workload (game day): the first alert fired within this long after the fault. */
  maxTimeToDetect: Max.optional(),
  /** The service's success ratio was back at its SLO (for service.recoverFor) within this long after the fault. */
  maxTimeToRecover: Max.optional(),
  /** HTTP-level unavailability seen by the service's users, in total. */
  maxServiceUnavailable: Max.optional(),
  /** At most this share of the drill's error budget was spent (1 = all of it). */
  maxErrorBudgetSpent: z.number().min(0).optional(),
  /** Each of these alerts fired during the drill. */
  alertsFired: z.array(z.string().min(1)).optional(),
  /** None of these alerts fired during the drill. */
  noAlert: z.array(z.string().min(1)).optional(),
});
export type ChecksSection = z.infer<typeof ChecksSection>;

export const AbortSection = z.strictObject({
  /** Stop the drill (and roll back) after this long. */
  maxDuration: Duration.optional(),
  /** Abort when a write window stays open longer than this. */
  maxWriteUnavailable: Duration.optional(),
});

/** Variable values: scalars only. */
const VarValue = z.union([z.string(), z.number(), z.boolean()]);
export type VarValue = z.infer<typeof VarValue>;

/** The raw runbook before variables are substituted and steps resolved. */
export const RawRunbook = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'name must be lower-case letters, digits and dashes' }),
  description: z.string(),
  /** The markdown runbook beside this file (default: same name, .md). */
  human: z.string().optional(),
  vars: z.record(z.string(), VarValue).optional(),
  /** Each combination of these values is one variant of the drill. */
  matrix: z.record(z.string(), z.array(VarValue).min(1)).optional(),
  /** One section, or a list of sections each with an optional `when` (merged in order), as checks. */
  topology: z.union([TopologySection, z.array(z.record(z.string(), z.unknown()))]),
  preconditions: PreconditionsSection.optional(),
  workload: z.union([WorkloadSection, z.array(z.record(z.string(), z.unknown()))]).optional(),
  service: ServiceSection.optional(),
  steps: z.array(z.record(z.string(), z.unknown())).min(1),
  /** One section, or a list of sections each with an optional `when` (merged in order). */
  checks: z.union([ChecksSection, z.array(z.record(z.string(), z.unknown()))]).optional(),
  abort: AbortSection.optional(),
  rollback: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type RawRunbook = z.infer<typeof RawRunbook>;

/** Fields every step may carry besides its own. */
export const STEP_COMMON_KEYS = ['action', 'label', 'at', 'when'] as const;
export const StepCommon = z.strictObject({
  label: z.string().optional(),
  /** Do not start before this offset from the first step. */
  at: Duration.optional(),
  /** Run only when every variable listed has (one of) the given value(s). */
  when: z.record(z.string(), z.union([VarValue, z.array(VarValue)])).optional(),
});
