/** CLIENT PAUSE on the selected node (WRITE or ALL) for `duration`. */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { Duration, NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const clientPauseStep = defineStep({
  action: 'client-pause',
  summary: 'CLIENT PAUSE (write or all) for the duration',
  destructive: true,
  needsOwnedTopology: false,
  schema: z.strictObject({
    action: z.literal('client-pause'),
    node: NodeSelector.default('primary'),
    duration: Duration,
    mode: z.enum(['write', 'all']).default('all'),
  }),
  describe: (p) => `CLIENT PAUSE ${formatDuration(p.duration)} ${p.mode.toUpperCase()} on ${p.node}`,
  run: async (ctx, p) => {
    await ctx.actions.clientPause(p.node, p.duration, p.mode);
    // CLIENT PAUSE returns at once; the step lasts as long as the pause.
    await ctx.sleep(p.duration);
  },
});
