/** Network faults on a node's fault proxy (blackhole, latency, reset, bandwidth) and heal. */
import { UserError } from '../core/errors.js';
import { describeFault, validateFault } from '../netfault/classify.js';
import { nodeProxies } from '../topology/node-proxies.js';
import { peerAddress } from '../topology/start.js';
import type { TopoNode } from '../topology/types.js';
import { actionOn, Recorder, sleep } from './common.js';
import { ADDRESS_CUTS } from './partition.js';
import { clearUndo, registerUndo, undoNow } from './restore.js';
import type { ActionContext, ActionResult, HealParams, NetworkFaultParams } from './types.js';

/** Apply a network fault on the node's proxy; with durationMs, heal after that long. */
export async function networkFault(ctx: ActionContext, p: NetworkFaultParams): Promise<ActionResult> {
  const problems = validateFault(p.fault);
  if (problems.length > 0) throw new UserError(problems.join('; '));
  const { t, n, rec } = actionOn(ctx, p.node, 'inject a network fault on');
  const proxy = n.proxy;
  if (!proxy) throw new UserError(`${n.name} has no fault proxy: start the topology with fault proxies (the default)`);
  let fault = p.fault;
  if (p.peer) {
    const peer = t.node(p.peer);
    if (peer === n) throw new UserError(`peer ${peer.name} is the faulted node itself: name one of its replicas`);
    fault = { ...fault, peerPort: peerAddress(t.spec, peer).port };
  }
  registerUndo(t, n, 'network', () => proxy.heal());
  proxy.setFault(fault);
  rec.emit('fault', n.name, `${describeFault(fault)}${p.peer ? ` (link of ${p.peer})` : ''}`);
  if (p.durationMs) {
    try {
      await sleep(p.durationMs, ctx.signal);
    } finally {
      proxy.heal();
      clearUndo(t, n, 'network');
      rec.emit('heal', n.name);
    }
  }
  return rec.result();
}

/** Remove network faults (one node, or every node and Sentinel). */
export async function heal(ctx: ActionContext, p: HealParams = {}): Promise<ActionResult> {
  const t = ctx.topology;
  const rec = new Recorder(t);
  const nodes: Array<{ name: string; proxy?: TopoNode['proxy']; busProxy?: TopoNode['busProxy'] }> = p.node
    ? [t.node(p.node)]
    : [...t.nodes, ...t.sentinels];
  for (const n of nodes) {
    const proxies = nodeProxies(n);
    if (proxies.length === 0) continue;
    const had = proxies.map((x) => x.fault).find((f) => f !== null) ?? null;
    for (const x of proxies) x.heal();
    clearUndo(t, n, 'network');
    if (had) rec.emit('heal', n.name, describeFault(had));
  }
  // a partition by address is healed whole (its cuts are not one node's)
  if (!p.node) await undoNow(t, { name: ADDRESS_CUTS }, 'network');
  return rec.result();
}
