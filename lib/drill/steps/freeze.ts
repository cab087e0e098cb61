/** SIGSTOP the selected node(s); with `duration`, SIGCONT after it. */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { Duration, NodeSelector } from '../schema.js';
import { defineStep, undoAfter } from './types.js';

export const freezeStep = defineStep({
  action: 'freeze',
  summary: 'SIGSTOP the selected node(s); with duration, thaw after it',
  destructive: true,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('freeze'), node: NodeSelector, duration: Duration.optional() }),
  describe: (p) => `freeze ${p.node}${p.duration !== undefined ? ` for ${formatDuration(p.duration)}` : ''} (SIGSTOP)`,
  run: async (ctx, p) => {
    await ctx.actions.freeze(p.node);
    await undoAfter(ctx, p.duration, () => ctx.actions.thaw(p.node));
  },
});
