/**
 * Fault actions on a running topology, by kind: process (crash, freeze, shutdown, restart,
 * DEBUG SLEEP, CLIENT PAUSE), network (through the fault proxy), switchover, scale, wait.
 * Node params are node names; the drill resolves its selectors (primary, replicas, ...).
 */
export { assertDestructiveAllowed, firstLiveReplica } from './common.js';
export { heal, networkFault } from './network.js';
export { cutPlan, describeSides, type PartitionParams, type PartitionSide, partition, partitionProblems } from './partition.js';
export { clientPause, crash, debugSleep, freeze, restart, shutdown, thaw } from './process.js';
export { activeFaults, clearUndo, registerUndo, restoreTopology } from './restore.js';
export { scaleIn, scaleOut } from './scale.js';
export { clusterFailover, failover, sentinelFailover } from './switchover.js';
export * from './types.js';
export { replicasCaughtUp, waitFor, waitNewPrimary } from './wait.js';
