/** Graceful SHUTDOWN of the selected node(s). */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const shutdownStep = defineStep({
  action: 'shutdown',
  summary: 'graceful shutdown (SIGTERM) of the selected node(s)',
  destructive: true,
  needsOwnedTopology: true,
  schema: z.strictObject({ action: z.literal('shutdown'), node: NodeSelector }),
  describe: (p) => `shutdown ${p.node}`,
  run: (ctx, p) => ctx.actions.shutdown(p.node),
});
