/**
 * Can a planned variant run at all? Checked before anything starts (validate, and run):
 * node names against the nodes the variant's topology has (plus those its scale-out steps
 * add), events and conditions against the topology kind (Sentinel events need Sentinels,
 * cluster events and conditions a cluster), switchover methods against the kind, and every
 * `at:` and timeout against abort.maxDuration. Pure: returns every problem.
 */

import type { z } from 'zod';
import { formatDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { CLUSTER_EVENTS } from '../topology/cluster-watch.js';
import { nodeNames, resolveSpec } from '../topology/options.js';
import type { TopologyKind } from '../topology/types.js';
import type { FieldPath, PlannedStep, PlanProblem } from './plan-types.js';
import type { AbortSection, TopologySection } from './schema.js';
import { specOf } from './spec.js';

/** Without abort.maxDuration, no step may wait longer than this. */
export const MAX_DRILL_MS = 3_600_000;

/** Selectors resolved when the step runs (lib/drill/selectors.ts): never a node name. */
const SELECTORS = new Set(['primary', 'replica', 'replicas', 'all', 'new', 'old', 'down']);

const SENTINEL_KINDS: TopologyKind[] = ['sentinel', 'haproxy'];

export interface FeasibleInput {
  topology: TopologySection;
  abort: z.infer<typeof AbortSection>;
  steps: PlannedStep[];
  rollback: PlannedStep[];
}

export function feasibilityProblems(p: FeasibleInput): PlanProblem[] {
  const problems: PlanProblem[] = [];
  let names: string[];
  try {
    names = nodeNames(resolveSpec(specOf(p.topology)));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return err.message.split('\n').map((message) => ({ path: ['topology'], message }));
  }
  const kind = p.topology.kind;
  const all = [...p.steps.map((s) => ({ s, base: ['steps', s.index] })), ...p.rollback.map((s) => ({ s, base: ['rollback', s.index] }))];
  // replicas a scale-out adds are named on from the last one
  let added = 0;
  for (const { s } of all) if (s.params.action === 'scale-out') added += s.params.count;
  const replicaCount = names.filter((n) => n.startsWith('replica-')).length;
  const known = [...names, ...Array.from({ length: added }, (_, i) => `replica-${replicaCount + i + 1}`)];
  const maxMs = p.abort.maxDuration ?? MAX_DRILL_MS;
  const bound =
    p.abort.maxDuration !== undefined
      ? `abort.maxDuration (${formatDuration(maxMs)})`
      : `${formatDuration(maxMs)} (set abort.maxDuration to allow more)`;
  for (const { s, base } of all) {
    for (const [field, node] of nodeRefs(s)) {
      if (SELECTORS.has(node) || known.includes(node)) continue;
      problems.push({
        path: [...base, ...field],
        message: `no node '${node}' in this ${kind} topology (it has ${known.join(', ')}): name one of those or use a selector such as primary or replicas`,
      });
    }
    problems.push(...kindProblems(s, base, kind));
    if (s.atMs !== undefined && s.atMs > maxMs)
      problems.push({ path: [...base, 'at'], message: `at ${formatDuration(s.atMs)} is after ${bound}: the step would never run` });
    const wait = s.params.action === 'wait-for' ? s.params.timeout : undefined;
    if (wait !== undefined && wait > maxMs)
      problems.push({ path: [...base, 'timeout'], message: `timeout ${formatDuration(wait)} is longer than ${bound}` });
  }
  return problems;
}

/** Every node a step names, with the field it is in. */
function nodeRefs(s: PlannedStep): Array<[FieldPath, string]> {
  const p = s.params;
  const out: Array<[FieldPath, string]> = [];
  if ('node' in p && typeof p.node === 'string') out.push([['node'], p.node]);
  if (p.action === 'switchover' && p.to) out.push([['to'], p.to]);
  if (p.action === 'wait-for') {
    if (p.role) out.push([['role', 'node'], p.role.node]);
    if (p.linkUp) out.push([['linkUp'], p.linkUp]);
    if (p.caughtUp) out.push([['caughtUp'], p.caughtUp]);
  }
  return out;
}

/** Events, conditions and switchover methods the topology kind cannot produce. */
function kindProblems(s: PlannedStep, base: FieldPath, kind: TopologyKind): PlanProblem[] {
  const p = s.params;
  const out: PlanProblem[] = [];
  const add = (field: string, message: string) => out.push({ path: [...base, field], message });
  const sentinels = SENTINEL_KINDS.includes(kind);
  if (p.action === 'wait-for') {
    const e = p.event;
    if (e !== undefined && /^[+-]/.test(e)) {
      if (kind === 'cluster' && !CLUSTER_EVENTS.has(e))
        add('event', `${e} is a Sentinel event: a cluster reports ${[...CLUSTER_EVENTS].join(', ')}`);
      else if (sentinels && CLUSTER_EVENTS.has(e) && e !== 'cluster-state')
        add('event', `${e} is a cluster event: a ${kind} topology has Sentinels, which report e.g. +switch-master`);
      else if (!sentinels && kind !== 'cluster')
        add('event', `${e} comes from Sentinels or a cluster: a ${kind} topology has neither (use kind sentinel, haproxy or cluster)`);
    }
    if (p.clusterOk && kind !== 'cluster') add('clusterOk', `clusterOk needs topology.kind: cluster (this one is ${kind})`);
  }
  if (p.action === 'switchover') {
    if (p.method === 'sentinel' && !sentinels) add('method', `method sentinel needs Sentinels (kind sentinel or haproxy), not ${kind}`);
    if (p.method === 'cluster' && kind !== 'cluster') add('method', `method cluster needs topology.kind: cluster (this one is ${kind})`);
    if (p.method === 'failover' && (sentinels || kind === 'cluster'))
      add(
        'method',
        `method failover is for replicas/standalone kinds: on ${kind} use method ${kind === 'cluster' ? 'cluster' : 'sentinel'} (or auto)`,
      );
  }
  return out;
}
