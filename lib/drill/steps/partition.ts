/**
 * A network partition with sides: every link between two sides is cut for real, links
 * inside a side stay; with duration, healed after it (otherwise by a later `heal`). On the
 * embedded topology at the fault proxies (nodes, Sentinels, cluster bus ports); against
 * --target by address, with nftables rules on this machine (each member on a loopback
 * address of its own). A side lists node selectors (primary, replicas,
 * replica-2, ...), `sentinels` or a Sentinel's name (sentinel-1), and `writer` for the
 * drill's clients (the writer and its readers).
 */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { DEFAULTS, SENTINEL_DEFAULTS } from '../../topology/options.js';
import { Duration, NODE_SELECTOR_HELP, NodeSelector, type TopologySection } from '../schema.js';
import { defineStep, undoAfter } from './types.js';

export const PARTITION_MEMBER_HELP = `${NODE_SELECTOR_HELP}; sentinels (every Sentinel) or a Sentinel name such as sentinel-2; writer (the drill's writer and readers)`;

const SENTINEL_MEMBER = /^(sentinels|sentinel-\d+)$/;
const CLIENT_MEMBER = /^(writer|clients)$/;

export const PartitionMember = z
  .string()
  .refine((m) => SENTINEL_MEMBER.test(m) || CLIENT_MEMBER.test(m) || NodeSelector.safeParse(m).success, {
    message: `bad partition member: use ${PARTITION_MEMBER_HELP}`,
  });

export function isSentinelMember(m: string): boolean {
  return SENTINEL_MEMBER.test(m);
}

export function isClientMember(m: string): boolean {
  return CLIENT_MEMBER.test(m);
}

export const partitionStep = defineStep({
  action: 'partition',
  summary:
    'cut every link between sides of nodes, Sentinels and the writer (real TCP cuts at the fault proxies, cluster bus included, or by address against --target); with duration, healed after it',
  destructive: true,
  needsOwnedTopology: false,
  schema: z.strictObject({
    action: z.literal('partition'),
    /** e.g. [[primary, writer], [sentinels, replicas]] */
    sides: z.array(z.array(PartitionMember).min(1)).min(2),
    duration: Duration.optional(),
  }),
  describe: (p) =>
    `partition ${p.sides.map((s) => `[${s.join(', ')}]`).join(' | ')}${p.duration !== undefined ? ` for ${formatDuration(p.duration)}` : ''}`,
  run: async (ctx, p) => {
    await ctx.actions.partition(p.sides);
    await undoAfter(ctx, p.duration, () => ctx.actions.heal());
  },
});

/**
 * Problems with a partition's sides for the runbook's topology (empty = valid): partitions
 * need a sentinel or a cluster topology, and every named node or Sentinel must exist in it
 * (node names beyond the starting ones are allowed when the drill scales out). Pure.
 */
export function partitionSideProblems(sides: string[][], topology: TopologySection, scalesOut: boolean): string[] {
  if (topology.kind !== 'sentinel' && topology.kind !== 'cluster')
    return [`partition steps need topology.kind: sentinel or cluster (got ${topology.kind})`];
  const all = sides.flat();
  const p = memberProblems(all, topology, scalesOut);
  const dup = all.filter((m, i) => all.indexOf(m) !== i);
  for (const m of new Set(dup)) p.push(`${m} is on more than one side: put each member on one side`);
  return p;
}

/**
 * Members the topology does not have. A sentinel topology has primary, replica-N and
 * sentinel-N; a cluster master-1..master-M and replica-1..replica-M×R (lib/topology
 * nodeNames) and no Sentinels.
 */
function memberProblems(all: string[], topology: TopologySection, scalesOut: boolean): string[] {
  const cluster = topology.kind === 'cluster';
  const where = cluster ? 'this cluster' : 'this topology';
  const masters = topology.masters ?? DEFAULTS.cluster.masters;
  const replicas = cluster
    ? masters * (topology.replicasPerMaster ?? DEFAULTS.cluster.replicasPerMaster)
    : (topology.replicas ?? SENTINEL_DEFAULTS.replicas);
  const sentinels = topology.sentinels ?? SENTINEL_DEFAULTS.sentinels;
  /** N of `name-N` when `m` is one, outside 1..max. */
  const outside = (m: string, name: string, max: number) => {
    const n = new RegExp(`^${name}-(\\d+)$`).exec(m)?.[1];
    return n !== undefined && (Number(n) < 1 || Number(n) > max);
  };
  const p: string[] = [];
  for (const m of all) {
    if (!scalesOut && outside(m, 'replica', replicas))
      p.push(`unknown node '${m}': ${where} has ${cluster && replicas === 0 ? 'no replicas' : `replica-1..replica-${replicas}`}`);
    if ((m === 'replica' || m === 'replicas') && replicas === 0) p.push(`'${m}' names no node: ${where} has no replicas`);
    if (cluster) {
      if (outside(m, 'master', masters)) p.push(`unknown node '${m}': this cluster has master-1..master-${masters}`);
      if (isSentinelMember(m)) p.push(`unknown member '${m}': a cluster has no Sentinels (its nodes are master-N and replica-N)`);
      if (/^primary-?\d+$/.test(m)) p.push(`unknown node '${m}': a cluster has master-1..master-${masters} and replica-N`);
    } else {
      if (outside(m, 'sentinel', sentinels)) p.push(`unknown Sentinel '${m}': this topology has sentinel-1..sentinel-${sentinels}`);
      if (/^master-\d+$/.test(m) || /^primary-?\d+$/.test(m)) p.push(`unknown node '${m}': a sentinel topology has primary and replica-N`);
    }
  }
  return p;
}
