/**
 * A hash tag for keys that land on one Cluster master: `{tag}` of the first slot the node
 * owns (CLUSTER SLOTS asked on its real port, past the fault proxies), so a write step
 * aimed at that master writes keys it serves rather than MOVED redirections.
 */

import { slotTags } from '../../bench/slots.js';
import { UserError } from '../../core/errors.js';
import { redisOnce } from '../../redis/once.js';
import { parseClusterSlots } from '../../redis/slot-map.js';
import { nodeAuth } from '../../topology/node-auth.js';
import type { Topology, TopoNode } from '../../topology/types.js';

/** The hash tag (with braces) of the first slot `n` owns. */
export async function slotTagOfNode(t: Topology, n: TopoNode): Promise<string> {
  const reply = await redisOnce(n.port, ['CLUSTER', 'SLOTS'], { ...nodeAuth(t, n), timeoutMs: 2000 });
  const map = parseClusterSlots(reply as never, n.host);
  const own = map.masters.find((m) => m.port === n.proxyPort || m.port === n.port);
  const first = own?.slots[0]?.[0];
  if (first === undefined) throw new UserError(`write to ${n.name}: it serves no slots (a replica?): name a master, e.g. master-1`);
  return `{${slotTags()[first]}}`;
}
