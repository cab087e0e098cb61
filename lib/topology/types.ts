/**
 * Local topologies for drills: what is asked for (TopologySpec) and what runs (Topology).
 *
 * Every node can sit behind a TCP fault proxy (lib/netfault/proxy.ts). Clients connect to
 * `proxyPort`; with `replicationVia: 'proxy'` (the default) replicas, Sentinels and the
 * Cluster announce/replicate through the proxies too, so a network fault on a node's proxy
 * also cuts its replication and Sentinel links (narrow it with a fault's `scope`).
 */
import type { EventEmitter } from 'node:events';
import type { FaultProxy } from '../netfault/types.js';
import type { Endpoint } from '../redis/endpoint.js';
import type { TlsSettings } from '../redis/tls.js';
import type { ManagedProcess } from '../stack/process.js';

export type TopologyKind = 'standalone' | 'replicas' | 'sentinel' | 'haproxy' | 'cluster';
export const TOPOLOGY_KINDS: readonly TopologyKind[] = ['standalone', 'replicas', 'sentinel', 'haproxy', 'cluster'];

/** Options every kind accepts. */
export interface CommonSpec {
  /** e.g. '64mb'; unset = no limit. */
  maxmemory?: string;
  /** maxmemory-policy, e.g. 'noeviction', 'allkeys-lru'. */
  maxmemoryPolicy?: string;
  /** appendonly yes with appendfsync everysec. */
  aof: boolean;
  /** repl-backlog-size, e.g. '1mb'. */
  replBacklogSize?: string;
  /** requirepass (and masterauth). Never put on argv or in logs. */
  password?: string;
  /** An extra ACL user (same password, full rights) clients authenticate as. Needs `password`. */
  aclUser?: string;
  /** min-replicas-to-write (0 = off). */
  minReplicasToWrite: number;
  /** min-replicas-max-lag in seconds. */
  minReplicasMaxLagS: number;
  /** Put a TCP fault proxy in front of every redis node (default true). */
  faultProxies: boolean;
  /**
   * With proxies: whether replicas/Sentinels/Cluster peers reach a node through its proxy
   * ('proxy': network faults cut replication too) or its real port ('direct': faults hit
   * clients only).
   */
  replicationVia: 'proxy' | 'direct';
  /**
   * A loopback /24 such as '127.0.9.0/24': every node and Sentinel gets its own address in it
   * (.2, .3, ... in start order), binds it and 127.0.0.1, connects out from it and is known to
   * its peers by it, like separate machines, so a partition can be cut by address pair.
   * Needs `faultProxies: false`; not for 'haproxy'.
   */
  addressBlock?: string;
}

export interface StandaloneSpec extends CommonSpec {
  kind: 'standalone';
}

export interface ReplicasSpec extends CommonSpec {
  kind: 'replicas';
  /** 1..4 */
  replicas: number;
}

export interface SentinelSettings {
  replicas: number;
  /** number of redis-sentinel processes (default 3). */
  sentinels: number;
  /** default: majority of sentinels. */
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  parallelSyncs: number;
  masterName: string;
}

export interface SentinelSpec extends CommonSpec, SentinelSettings {
  kind: 'sentinel';
}

/** HAProxy in front of a Sentinel group; clients talk to HAProxy as to a standalone server. */
export interface HaproxySpec extends CommonSpec, SentinelSettings {
  kind: 'haproxy';
  /** tcp-check interval (default 1000 ms). */
  checkIntervalMs: number;
}

export interface ClusterSpec extends CommonSpec {
  kind: 'cluster';
  masters: number;
  replicasPerMaster: number;
  /** cluster-node-timeout (default 2000 ms). */
  nodeTimeoutMs: number;
  /** cluster-allow-reads-when-down (default false: a node that sees the cluster down refuses reads too). */
  allowReadsWhenDown: boolean;
}

export type TopologySpec = StandaloneSpec | ReplicasSpec | SentinelSpec | HaproxySpec | ClusterSpec;

/** What a caller may pass: `kind` plus any subset of the options (DEFAULTS fill the rest). */
export type TopologySpecInput = { kind: TopologyKind } & Partial<Omit<StandaloneSpec, 'kind'>> &
  Partial<Omit<SentinelSettings, never>> &
  Partial<Pick<HaproxySpec, 'checkIntervalMs'>> &
  Partial<Pick<ClusterSpec, 'masters' | 'replicasPerMaster' | 'nodeTimeoutMs' | 'allowReadsWhenDown'>>;

/** One redis-server of a topology. Mutable: restart() replaces `process`. */
export interface TopoNode {
  /** 'primary', 'replica-1', ... (replicas/sentinel/haproxy); 'master-1', 'replica-1', ... (cluster). */
  name: string;
  /** Role when started (the current role: status() or currentPrimary()). */
  role: 'master' | 'replica';
  host: string;
  /** The real port redis-server listens on. */
  port: number;
  /** The client-facing port (the fault proxy's), = port without proxies. */
  proxyPort: number;
  /** The cluster bus port (cluster only). */
  busPort?: number;
  /**
   * Cluster with fault proxies (replication via proxy): the fault proxy in front of the bus
   * port, which the node announces (cluster-announce-bus-port), so the other nodes' bus
   * links pass through it and a partition cuts them for real.
   */
  busProxy?: FaultProxy | null;
  dir: string;
  /** null for nodes this process did not start (attached deployments). */
  process: ManagedProcess | null;
  proxy: FaultProxy | null;
  /** True when this process started the node (destructive actions are allowed on it). */
  owned: boolean;
}

export interface SentinelProc {
  name: string;
  host: string;
  /** The real port redis-sentinel listens on (stormdrill's own watches use it). */
  port: number;
  /**
   * With fault proxies: the port of the TCP fault proxy in front of it, which clients and
   * the other Sentinels (announce-port) use, so a partition cuts Sentinel links for real.
   */
  proxyPort?: number;
  proxy?: FaultProxy | null;
  dir: string;
  process: ManagedProcess | null;
  owned: boolean;
}

export interface HaproxyProc {
  host: string;
  port: number;
  configFile: string;
  process: ManagedProcess | null;
  owned: boolean;
}

export type TopologyEndpoint =
  | { kind: 'direct'; host: string; port: number }
  | { kind: 'sentinel'; sentinels: Endpoint[]; masterName: string }
  | { kind: 'cluster'; seeds: Endpoint[] };

/** A timestamped event: actions, Sentinel pub/sub (+sdown, +odown, +switch-master, ...), topology changes. */
export interface TopoEvent {
  /** Date.now() when it happened. */
  atMs: number;
  /** e.g. 'crash', 'freeze', 'thaw', 'fault', 'heal', '+switch-master', '+sdown', 'failover-end', 'scale-out'. */
  kind: string;
  /** The node's name when known (sentinel events: the instance they name). */
  node?: string;
  detail?: string;
}

/** Emits 'event' with a TopoEvent. */
export type TopoEventBus = EventEmitter<{ event: [TopoEvent] }>;

export interface NodeStatus {
  name: string;
  host: string;
  port: number;
  proxyPort: number;
  /** Answered INFO within the timeout. */
  up: boolean;
  process: 'running' | 'frozen' | 'exited' | 'external';
  role: 'master' | 'replica' | 'unknown';
  /** For replicas: 'host:port' of their master as they see it. */
  masterAddr?: string;
  masterLinkStatus?: 'up' | 'down';
  /** master_repl_offset (masters) or slave_repl_offset (replicas). */
  offset?: number;
  /** Bytes behind the current primary (replicas, when known). */
  lagBytes?: number;
  connectedReplicas?: number;
  syncFull?: number;
  syncPartialOk?: number;
  syncPartialErr?: number;
  loading?: boolean;
  usedMemory?: number;
  maxmemory?: number;
  /** used_memory / maxmemory * 100, null without maxmemory. */
  memoryPct?: number | null;
  keys?: number;
  /** Active network fault on the node's proxy, e.g. 'blackhole(both)'. */
  fault?: string;
  error?: string;
}

export interface TopologyStatus {
  kind: TopologyKind;
  atMs: number;
  /** Name of the node that is master now (the Sentinels' view for sentinel/haproxy), null if none. */
  primary: string | null;
  nodes: NodeStatus[];
  sentinels: Array<{ name: string; port: number; up: boolean; master?: string }>;
  haproxy?: { port: number; up: boolean; routesTo?: string };
  cluster?: { state: string; slotsOk: number; knownNodes: number };
}

export interface Topology {
  kind: TopologyKind;
  spec: TopologySpec;
  /** Live list (scale out/in change it). */
  nodes: TopoNode[];
  sentinels: SentinelProc[];
  /** While a partition cut by address is in place: each cut member's name and how many members it is cut from. */
  addressCuts?: Map<string, number>;
  haproxy?: HaproxyProc;
  /** What clients use (for 'haproxy': direct to HAProxy). */
  endpoint: TopologyEndpoint;
  password?: string;
  /** ACL user clients authenticate as (with `password`), when set. */
  username?: string;
  /** TLS settings for every connection to its nodes and Sentinels (attached TLS deployments). */
  tls?: TlsSettings;
  /** Working directory of the topology. */
  dir: string;
  events: TopoEventBus;
  /** Emit an event (timestamped now unless atMs is given). */
  emit(e: Omit<TopoEvent, 'atMs'> & { atMs?: number }): void;
  /** The node by name; throws a UserError listing the names otherwise. */
  node(name: string): TopoNode;
  /** The node whose real or proxy address is host:port, if any. */
  nodeByAddress(host: string, port: number): TopoNode | undefined;
  /** The master now (Sentinels' view for sentinel/haproxy; INFO for others; cluster: first master found). */
  currentPrimary(): Promise<TopoNode>;
  status(): Promise<TopologyStatus>;
  /** Start one more replica of the current primary (it full-syncs); resolves when its link is up. Not for cluster. */
  addReplica(): Promise<TopoNode>;
  /** Stop a replica and forget it (Sentinels are told with SENTINEL RESET). */
  removeReplica(name: string): Promise<void>;
  /** Heal every fault, thaw, and stop everything started (idempotent). */
  stop(): Promise<void>;
}

export interface StartTopologyOptions {
  ports: import('../stack/ports.js').PortAllocator;
  dir: string;
  /** Receive events from the start on (also available later as topology.events). */
  onEvent?: (e: TopoEvent) => void;
  /** Per-step readiness timeout (default 30 s). */
  readyTimeoutMs?: number;
  /** Abort the start (e.g. SIGINT): what started is stopped, nothing more starts, the start rejects. */
  signal?: AbortSignal;
}
