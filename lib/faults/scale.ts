/** Scaling: add a replica of the current primary (it full-syncs) or remove one. */
import { UserError } from '../core/errors.js';
import { redisInfo } from '../stack/info.js';
import { nodeAuth } from '../topology/node-auth.js';
import { assertDestructiveAllowed, Recorder } from './common.js';
import type { ActionContext, ActionResult, ScaleInParams } from './types.js';

/** Add a replica of the current primary; it full-syncs. detail.syncFullDelta = the primary's sync_full increase. */
export async function scaleOut(ctx: ActionContext): Promise<ActionResult> {
  const t = ctx.topology;
  const primary = await t.currentPrimary();
  const before = Number((await redisInfo(primary.port, 'stats', nodeAuth(t, primary))).sync_full ?? 0);
  const started = Date.now();
  const n = await t.addReplica();
  const after = Number((await redisInfo(primary.port, 'stats', nodeAuth(t, primary))).sync_full ?? 0);
  const rec = new Recorder(t);
  rec.detail.node = n.name;
  rec.detail.syncFullDelta = after - before;
  rec.detail.tookMs = Date.now() - started;
  return rec.result();
}

/** Remove a replica (default: the newest one that is not the primary). */
export async function scaleIn(ctx: ActionContext, p: ScaleInParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  let name = p.node;
  if (!name) {
    const primary = await t.currentPrimary();
    const cand = [...t.nodes].reverse().find((n) => n !== primary);
    if (!cand) throw new UserError('no replica left to remove');
    name = cand.name;
  }
  const n = t.node(name);
  assertDestructiveAllowed(ctx, n, 'remove');
  await t.removeReplica(n.name);
  const rec = new Recorder(t);
  rec.detail.node = n.name;
  return rec.result();
}
