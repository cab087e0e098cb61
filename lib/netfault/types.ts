/**
 * Types of the TCP fault proxy: the network faults it applies, which connections they hit,
 * and its in-process handle. Below lib/topology (which puts a proxy in front of every node).
 */

/** Which way bytes flow: 'up' = client → server, 'down' = server → client. */
export type Direction = 'both' | 'up' | 'down';

/**
 * Which connections through a node's proxy a fault hits. The proxy classifies each
 * connection from its first bytes: a replica's sync link sends REPLCONF, a Sentinel names
 * itself `sentinel-...`; everything else (clients, HAProxy checks) is 'clients'.
 */
export type PeerScope = 'all' | 'clients' | 'replication' | 'sentinels';

/** 'bus': a Cluster node's link to another node's cluster bus port (proxies with protocol 'cluster-bus'). */
export type ConnClass = 'unknown' | 'client' | 'replication' | 'sentinel' | 'bus';

/**
 * What a proxy listens for: 'resp' (a node's or Sentinel's client port: commands) or
 * 'cluster-bus' (a Cluster node's bus port: binary cluster bus messages).
 */
export type ProxyProtocol = 'resp' | 'cluster-bus';

/**
 * Who is on the other end of a connection, as far as its first bytes tell: clients (the
 * workload), a replica by the listening port it announces, a Sentinel by the first 8
 * characters of its id (it names its links `sentinel-<id8>-cmd` / `-pubsub`), a Cluster node
 * by the sender id of the first message on its bus link.
 */
export interface CutPeers {
  clients?: boolean;
  replicaPorts?: number[];
  sentinelIds?: string[];
  /** Cluster nodes by their 40-character node id (CLUSTER MYID), as their bus messages name the sender. */
  busNodeIds?: string[];
}

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
    /**
     * A network partition seen from this node: connections from `peers` go silent both ways
     * (bytes held, as TCP would retransmit them, and delivered on heal), a close on either
     * end does not cross the cut until heal, and new connections from those peers go silent
     * as soon as they name themselves. Connections from everyone else pass.
     */
    | { kind: 'cut'; peers: CutPeers }
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
