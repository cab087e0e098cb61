/** Remove replica(s): stop them and let the Sentinels forget them. */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const scaleInStep = defineStep({
  action: 'scale-in',
  summary: 'remove replica(s) (stop them; Sentinels forget them)',
  destructive: true,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('scale-in'), node: NodeSelector }),
  describe: (p) => `scale in: remove ${p.node}`,
  run: (ctx, p) => ctx.actions.scaleIn(p.node),
});
