/**
 * Bench over a Redis Cluster: the slot map (lib/redis) read with bench's flags. Redirections
 * and the slot map refresh after MOVED are in cluster-router.ts.
 */
import { UserError } from '../core/errors.js';
import { type Endpoint, readSlotMap, type SlotMap } from '../redis/index.js';
import { benchSettings, type ConnectOptions } from './connection.js';

/** Ask one node for the cluster's masters. Errors name the node and bench's flags. */
export async function discoverCluster(seed: Endpoint, o: ConnectOptions): Promise<SlotMap> {
  try {
    return await readSlotMap(seed, benchSettings(o));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw new UserError(`--cluster: ${e.message}`);
  }
}
