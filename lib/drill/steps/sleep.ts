/** Wait a fixed time (the workload keeps running). */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { Duration } from '../schema.js';
import { defineStep } from './types.js';

export const sleepStep = defineStep({
  action: 'sleep',
  summary: 'wait a fixed time while the workload keeps running',
  destructive: false,
  needsOwnedTopology: false,
  schema: z.strictObject({ action: z.literal('sleep'), duration: Duration }),
  describe: (p) => `sleep ${formatDuration(p.duration)}`,
  run: (ctx, p) => ctx.sleep(p.duration),
});
