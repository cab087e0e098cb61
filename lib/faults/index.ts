/**
 * Fault actions on a running topology, by kind: process (crash, freeze, shutdown, restart,
 * DEBUG SLEEP, CLIENT PAUSE), network (through the fault proxy), switchover, scale, wait.
 * Node params are node names; the drill resolves its selectors (primary, replicas, ...).
 */
export { firstLiveReplica } from './common.js';
export { heal, networkFault } from './network.js';
export { type PartitionSide, partition } from './partition.js';
export { clientPause, crash, debugSleep, freeze, restart, shutdown, thaw } from './process.js';
export { activeFaults, restoreTopology } from './restore.js';
export { scaleIn, scaleOut } from './scale.js';
export { clusterFailover, failover, sentinelFailover } from './switchover.js';
export type { ActionContext } from './types.js';
export { replicasCaughtUp, waitFor } from './wait.js';
