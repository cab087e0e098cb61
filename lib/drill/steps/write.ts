/** Write exactly `count` keys with acknowledgement tracking (counted by the acked-loss check). */
import { z } from 'zod';
import { NodeSelector } from '../schema.js';
import { defineStep } from './types.js';

export const writeStep = defineStep({
  action: 'write',
  summary: 'write exactly N keys, each acknowledgement recorded in the ledger',
  destructive: false,
  needsOwnedTopology: false,
  schema: z.strictObject({
    action: z.literal('write'),
    count: z.number().int().min(1).max(10_000_000),
    valueSize: z.number().int().min(1).max(1_000_000).default(64),
    /**
     * Write to this node through its fault proxy, as a client connected to it would (e.g. a
     * client left with the old primary in a partition), instead of through the topology's
     * endpoint. Resolved when the step starts.
     */
    node: NodeSelector.optional(),
    /** Writes per second, one at a time (default: as fast as 8 in flight allow). */
    rate: z.number().int().min(1).max(100_000).optional(),
    /** Read probes per second alongside (GET of a recently written key); counted in the report. */
    reads: z.number().int().min(1).max(10_000).optional(),
    /** Fail the step unless every write was acknowledged. */
    expectAllAcked: z.boolean().default(true),
  }),
  describe: (p) =>
    `write ${p.count} keys (${p.valueSize} B values)${p.node ? ` to ${p.node}` : ''}${p.rate ? ` at ${p.rate}/s` : ''}${p.reads ? `, ${p.reads} reads/s` : ''}`,
  run: async (ctx, p) => {
    const r = await ctx.actions.write(p.count, p.valueSize, p.node, { rate: p.rate, readRate: p.reads });
    const reads = r.reads && p.reads ? `; reads ${r.reads.ok} answered, ${r.reads.failed} failed` : '';
    ctx.note('write', `${r.acked} acked, ${r.failed} failed, ${r.unknown} unknown${reads}`);
    if (p.expectAllAcked && r.acked !== p.count) {
      throw new Error(`write: only ${r.acked} of ${p.count} writes were acknowledged (${r.failed} failed, ${r.unknown} unknown)`);
    }
  },
});
