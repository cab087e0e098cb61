/**
 * Types of the fault actions (crash, freeze, network faults, switchovers, scaling, waits)
 * on a running topology: their context, result and parameters.
 */
import type { NetworkFault } from '../netfault/types.js';
import type { TopoEvent, Topology } from '../topology/types.js';

/** Options every action accepts. */
export interface ActionContext {
  topology: Topology;
  /** Allow destructive actions on nodes this process did not start. */
  allowDestructive?: boolean;
  /** Additionally required for non-loopback nodes. */
  confirmNonLoopback?: boolean;
  /** Abort waits early (e.g. SIGINT). */
  signal?: AbortSignal;
  /** The run's id: names what the run puts on the machine (the nftables table of address cuts). */
  runId?: string;
}

export interface ActionResult {
  /** The events the action emitted (also sent to topology.events). */
  events: TopoEvent[];
  /** Action-specific figures, e.g. { newPrimary: 'replica-1', tookMs: 812 }. */
  detail: Record<string, string | number | boolean | null>;
}

// Parameters of each action (node = TopoNode name, or the special 'primary-now' = the current master).
export interface NodeParams {
  node: string;
}
export interface FreezeParams extends NodeParams {
  /** Thaw automatically after this long (the action returns after thawing). */
  durationMs?: number;
}
export interface ShutdownParams extends NodeParams {
  /** 'nosave' = SHUTDOWN NOSAVE; 'sigterm' = SIGTERM to the process. */
  mode?: 'nosave' | 'sigterm';
}
export interface DebugSleepParams extends NodeParams {
  seconds: number;
}
export interface ClientPauseParams extends NodeParams {
  ms: number;
  mode?: 'write' | 'all';
}
export interface NetworkFaultParams extends NodeParams {
  fault: NetworkFault;
  /** Only the replication link of this replica (a node name) to `node`. */
  peer?: string;
  /** Heal automatically after this long (the action returns after healing). */
  durationMs?: number;
}
export interface HealParams {
  /** A node name; omit for every node. */
  node?: string;
}
export interface SwitchoverParams {
  /** FAILOVER / CLUSTER FAILOVER target replica; SENTINEL FAILOVER picks its own. */
  to?: string;
  timeoutMs?: number;
  /** FAILOVER FORCE / CLUSTER FAILOVER FORCE. */
  force?: boolean;
  /** SENTINEL FAILOVER: pause writes on the old primary until the replicas caught up (default true). */
  pauseWrites?: boolean;
}
export interface ScaleInParams {
  /** A replica's name; default: the newest replica. */
  node?: string;
}

export type WaitCondition =
  /** A Sentinel (or action) event of this kind, e.g. '+switch-master', after the wait started. */
  | { kind: 'event'; event: string; node?: string }
  /** A node reports this role. */
  | { kind: 'role'; node: string; role: 'master' | 'replica' }
  /** A replica's master_link_status is up. */
  | { kind: 'link-up'; node: string }
  /** Every replica of the current primary has its offset equal to the primary's. */
  | { kind: 'caught-up'; node?: string }
  /** Every cluster node reports cluster_state:ok. */
  | { kind: 'cluster-ok' }
  /** The Sentinels name a master different from `from` (a node name). */
  | { kind: 'new-primary'; from?: string };

export interface WaitForParams {
  condition: WaitCondition;
  timeoutMs: number;
}
