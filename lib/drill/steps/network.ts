/** A network fault on the selected node's fault proxy: blackhole, latency, reset, bandwidth. */
import { z } from 'zod';
import { formatDuration } from '../../core/duration.js';
import { Duration, NodeSelector } from '../schema.js';
import { defineStep, undoAfter } from './types.js';

export const networkStep = defineStep({
  action: 'network',
  summary: 'network fault through the fault proxy: blackhole, latency, reset or bandwidth; with duration, healed after it',
  destructive: true,
  needsOwnedTopology: true,
  schema: z
    .strictObject({
      action: z.literal('network'),
      node: NodeSelector,
      fault: z.enum(['blackhole', 'latency', 'reset', 'bandwidth']),
      /** clients: client connections only; replication: replica links only; sentinels: Sentinel links only; all: every connection. */
      scope: z.enum(['clients', 'replication', 'sentinels', 'all']).default('all'),
      latency: Duration.optional(),
      bytesPerSecond: z.number().int().min(1).optional(),
      duration: Duration.optional(),
    })
    .superRefine((p, ctx) => {
      if (p.fault === 'latency' && p.latency === undefined)
        ctx.addIssue({ code: 'custom', path: ['latency'], message: 'fault: latency needs latency: e.g. 200ms' });
      if (p.fault === 'bandwidth' && p.bytesPerSecond === undefined)
        ctx.addIssue({ code: 'custom', path: ['bytesPerSecond'], message: 'fault: bandwidth needs bytesPerSecond: e.g. 10000' });
    }),
  describe: (p) =>
    `network ${p.fault}${p.fault === 'latency' ? ` ${formatDuration(p.latency ?? 0)}` : ''}${p.fault === 'bandwidth' ? ` ${p.bytesPerSecond} B/s` : ''} on ${p.node} (${p.scope})${p.duration !== undefined ? ` for ${formatDuration(p.duration)}` : ''}`,
  run: async (ctx, p) => {
    await ctx.actions.network(p.node, { fault: p.fault, scope: p.scope, latencyMs: p.latency, bytesPerSecond: p.bytesPerSecond });
    await undoAfter(ctx, p.duration, () => ctx.actions.heal(p.node));
  },
});
