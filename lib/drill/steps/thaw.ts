/** SIGCONT the selected node(s). */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const thawStep = defineStep({
  action: 'thaw',
  summary: 'SIGCONT frozen node(s)',
  destructive: false,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('thaw'), node: NodeSelector.default('all') }),
  describe: (p) => `thaw ${p.node} (SIGCONT)`,
  run: (ctx, p) => ctx.actions.thaw(p.node),
});
