/** Wait until a condition holds, or fail the step after `timeout`. */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { Duration, NodeSelector } from '../schema.js';
import { defineStep, type WaitCondition } from './types.js';

const CONDITION_KEYS = ['event', 'role', 'linkUp', 'caughtUp', 'clusterOk', 'primaryChanged'] as const;

const WaitForSchema = z
  .strictObject({
    action: z.literal('wait-for'),
    /** A Sentinel/Cluster/drill event seen since the previous step started, e.g. +switch-master. */
    event: z.string().min(1).optional(),
    /** With event: only events naming this node. */
    node: NodeSelector.optional(),
    role: z.strictObject({ node: NodeSelector, is: z.enum(['master', 'replica']) }).optional(),
    /** Every selected replica has master_link_status:up. */
    linkUp: NodeSelector.optional(),
    /** Every selected replica's offset reached the primary's. */
    caughtUp: NodeSelector.optional(),
    clusterOk: z.literal(true).optional(),
    /** The primary is not the one the drill started with. */
    primaryChanged: z.literal(true).optional(),
    timeout: Duration,
  })
  .superRefine((p, ctx) => {
    const set = CONDITION_KEYS.filter((k) => p[k] !== undefined);
    if (set.length !== 1)
      ctx.addIssue({
        code: 'custom',
        message: `wait-for needs exactly one of ${CONDITION_KEYS.join(', ')} (got ${set.length ? set.join(', ') : 'none'})`,
      });
  });

export const waitForStep = defineStep({
  action: 'wait-for',
  summary: 'wait for a condition (event, role, linkUp, caughtUp, clusterOk, primaryChanged) with a timeout',
  destructive: false,
  needsOwnedTopology: false,
  schema: WaitForSchema,
  describe: (p) => `wait for ${describeCondition(toCondition(p))} (timeout ${formatDuration(p.timeout)})`,
  run: (ctx, p) => ctx.actions.waitFor(toCondition(p), p.timeout, ctx.sinceMs),
});

export function toCondition(p: z.infer<typeof WaitForSchema>): WaitCondition {
  if (p.event !== undefined) return { kind: 'event', event: p.event, node: p.node };
  if (p.role !== undefined) return { kind: 'role', node: p.role.node, role: p.role.is };
  if (p.linkUp !== undefined) return { kind: 'link-up', node: p.linkUp };
  if (p.caughtUp !== undefined) return { kind: 'caught-up', node: p.caughtUp };
  if (p.clusterOk) return { kind: 'cluster-ok' };
  return { kind: 'primary-changed' };
}

export function describeCondition(c: WaitCondition): string {
  switch (c.kind) {
    case 'event':
      return `event ${c.event}${c.node ? ` on ${c.node}` : ''}`;
    case 'role':
      return `${c.node} to be ${c.role}`;
    case 'link-up':
      return `replication link up on ${c.node}`;
    case 'caught-up':
      return `${c.node} to catch up with the primary`;
    case 'cluster-ok':
      return 'cluster_state:ok';
    case 'primary-changed':
      return 'a new primary';
  }
}
