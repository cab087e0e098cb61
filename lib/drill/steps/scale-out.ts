/** Add replicas of the current primary (each full-syncs); resolves when their links are up. */
import { z } from 'zod';
import { defineStep } from './types.js';

export const scaleOutStep = defineStep({
  action: 'scale-out',
  summary: 'add replica(s) of the current primary; they full-sync',
  destructive: false,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('scale-out'), count: z.number().int().min(1).max(4).default(1) }),
  describe: (p) => `scale out: add ${p.count} replica(s)`,
  run: (ctx, p) => ctx.actions.scaleOut(p.count),
});
