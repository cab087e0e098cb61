/** Planned switchover: SENTINEL FAILOVER, FAILOVER (6.2+) or CLUSTER FAILOVER. */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const switchoverStep = defineStep({
  action: 'switchover',
  summary: 'planned switchover: SENTINEL FAILOVER, FAILOVER or CLUSTER FAILOVER (auto picks by topology)',
  destructive: true,
  needsOwnedTopology: false,
  schema: z.strictObject({
    action: z.literal('switchover'),
    method: z.enum(['auto', 'sentinel', 'failover', 'cluster']).default('auto'),
    /** The replica to promote (default: the topology's choice). */
    to: NodeSelector.optional(),
    /**
     * Sentinel only: pause writes on the old primary until the replicas caught up, then
     * demote it (default). false = bare SENTINEL FAILOVER, which can lose acknowledged writes.
     */
    pauseWrites: z.boolean().default(true),
  }),
  describe: (p) => `switchover (${p.method})${p.to ? ` to ${p.to}` : ''}${p.pauseWrites ? '' : ' without pausing writes'}`,
  run: (ctx, p) => ctx.actions.switchover(p.method, p.to, p.pauseWrites),
});
