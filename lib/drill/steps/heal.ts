/** Remove network faults (from the selected node, or from every node); without a node also a partition's address cuts (--target). */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const healStep = defineStep({
  action: 'heal',
  summary: 'remove network faults (one node or all; all also heals a partition cut by address against --target)',
  destructive: false,
  needsOwnedTopology: false,
  schema: z.strictObject({ action: z.literal('heal'), node: NodeSelector.optional() }),
  describe: (p) => `heal network faults on ${p.node ?? 'every node'}`,
  run: (ctx, p) => ctx.actions.heal(p.node),
});
