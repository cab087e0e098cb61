/** kill -9 of the selected node(s). */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const crashStep = defineStep({
  action: 'crash',
  summary: 'kill -9 the selected node(s)',
  destructive: true,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('crash'), node: NodeSelector }),
  describe: (p) => `crash ${p.node} (kill -9)`,
  run: (ctx, p) => ctx.actions.crash(p.node),
});
