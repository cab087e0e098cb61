/** DEBUG SLEEP on the selected node: the server blocks for `duration`. */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { Duration, NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const debugSleepStep = defineStep({
  action: 'debug-sleep',
  summary: 'DEBUG SLEEP: the node blocks for the duration',
  destructive: true,
  needsOwnedTopology: false,
  schema: z.strictObject({ action: z.literal('debug-sleep'), node: NodeSelector, duration: Duration }),
  describe: (p) => `DEBUG SLEEP ${formatDuration(p.duration)} on ${p.node}`,
  run: (ctx, p) => ctx.actions.debugSleep(p.node, p.duration),
});
