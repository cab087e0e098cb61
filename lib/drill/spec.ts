/** A runbook's topology section as the topology layer's spec. Pure. */
import type { TopologySpecInput } from '../topology/types.js';
import type { TopologySection } from './schema.js';

/** The spec lib/topology starts for a runbook's topology section (`password` when auth is on). */
export function specOf(t: TopologySection, password?: string): TopologySpecInput {
  return {
    kind: t.kind,
    replicas: t.replicas,
    sentinels: t.sentinels,
    quorum: t.quorum,
    downAfterMs: t.downAfter,
    failoverTimeoutMs: t.failoverTimeout,
    parallelSyncs: t.parallelSyncs,
    masters: t.masters,
    replicasPerMaster: t.replicasPerMaster,
    nodeTimeoutMs: t.nodeTimeout,
    allowReadsWhenDown: t.allowReadsWhenDown,
    maxmemory: t.maxmemory,
    maxmemoryPolicy: t.maxmemoryPolicy,
    aof: t.appendonly,
    replBacklogSize: t.replBacklogSize,
    minReplicasToWrite: t.minReplicasToWrite,
    minReplicasMaxLagS: t.minReplicasMaxLag,
    checkIntervalMs: t.checkInterval,
    replicationVia: t.replicationVia,
    password,
  };
}
