/** Start a stopped or crashed node again with the same config and port. */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const restartStep = defineStep({
  action: 'restart',
  summary: 'start a stopped or crashed node again (same port, same data dir)',
  destructive: true,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('restart'), node: NodeSelector }),
  describe: (p) => `restart ${p.node}`,
  run: (ctx, p) => ctx.actions.restart(p.node),
});
