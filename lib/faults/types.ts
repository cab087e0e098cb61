/**
 * Types of the fault layer: network faults applied by the TCP fault proxy, and the
 * parameters of every fault action (lib/faults/actions.ts).
 */
import type { TopoEvent, Topology } from '../topology/types.js';

/** Which way bytes flow: 'up' = client → server, 'down' = server → client. */
export type Direction = 'both' | 'up' | 'down';

/**
 * Which connections through a node's proxy a fault hits. The proxy classifies each
 * connection from its first bytes: a replica's sync link sends REPLCONF, a Sentinel names
 * itself `sentinel-...`; everything else (clients, HAProxy checks) is 'clients'.
 */
export type PeerScope = 'all' | 'clients' | 'replication' | 'sentinels';

export type ConnClass = 'unknown' | 'client' | 'replication' | 'sentinel';

/**
 * Narrow a fault to one replica's replication link: the listening port the replica
 * announces (REPLCONF listening-port; with fault proxies, its proxy port). Implies scope
 * 'replication'. Actions take the replica's name as `peer` instead.
 */
export interface PeerFilter {
  peerPort?: number;
}

export type NetworkFault = PeerFilter &
  /**
   * Keep connections open but stop delivering bytes (TCP stays up, the peer sees silence).
   * By default bytes are held, as TCP would retransmit them, and delivered on heal (the
   * proxy stops reading, so senders feel backpressure). `drop: true` discards them
   * instead, which desynchronises request/reply streams: use it only on connections that
   * will be closed.
   */
  (
    | { kind: 'blackhole'; direction?: Direction; scope?: PeerScope; drop?: boolean }
    /** Delay every chunk by `ms` (± jitterMs). */
    | { kind: 'latency'; ms: number; jitterMs?: number; direction?: Direction; scope?: PeerScope }
    /** Destroy matching connections (RST) and refuse new ones. */
    | { kind: 'reset'; scope?: PeerScope }
    /** Limit throughput to bytesPerSec per connection and direction. */
    | { kind: 'bandwidth'; bytesPerSec: number; direction?: Direction; scope?: PeerScope }
  );

export interface ProxyStats {
  /** Connections open now. */
  open: number;
  accepted: number;
  refused: number;
  bytesUp: number;
  bytesDown: number;
  droppedUp: number;
  droppedDown: number;
  /** Bytes held by a blackhole (cumulative; delivered on heal). */
  heldUp: number;
  heldDown: number;
}

/** A TCP proxy in front of one node, controllable in-process. */
export interface FaultProxy {
  readonly host: string;
  readonly listenPort: number;
  readonly target: { host: string; port: number };
  readonly fault: NetworkFault | null;
  /** Replace the active fault (null = pass-through). */
  setFault(f: NetworkFault | null): void;
  /** Back to pass-through; bytes queued by latency/bandwidth are flushed. */
  heal(): void;
  stats(): ProxyStats;
  /** The class of every connection open now. */
  connectionClasses(): ConnClass[];
  /** Close the listener and every connection. */
  stop(): Promise<void>;
}

/** Options every action accepts. */
export interface ActionContext {
  topology: Topology;
  /** Allow destructive actions on nodes this process did not start. */
  allowDestructive?: boolean;
  /** Additionally required for non-loopback nodes. */
  confirmNonLoopback?: boolean;
  /** Abort waits early (e.g. SIGINT). */
  signal?: AbortSignal;
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
