/**
 * Start a topology from local binaries on loopback: redis-server nodes (each behind a TCP
 * fault proxy by default), Sentinels, HAProxy or a Cluster. Built on lib/stack's
 * startRedisServer and sentinelConfig; everything is stopped by topology.stop() or, on
 * SIGINT/SIGTERM, by the registered cleanup.
 */

import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { StartError, UserError } from '../core/errors.js';
import { registerCleanup } from '../core/lifecycle.js';
import { startFaultProxy, type TcpFaultProxy } from '../netfault/proxy.js';
import { redisOnce } from '../redis/once.js';
import { requireBinary } from '../stack/binaries.js';
import { clusterInfo } from '../stack/cluster.js';
import { redisInfo, waitUntil } from '../stack/info.js';
import { spawnManaged, waitReady } from '../stack/process.js';
import { isPortTaken, type RedisServerOptions, serverPid, startRedisServer } from '../stack/redis.js';
import { sentinelConfig, sentinelMasterInfo } from '../stack/sentinel.js';
import { type ClusterWatch, splitAddr, watchTopologyCluster } from './cluster-watch.js';
import { type HaproxyHandle, haproxyRoutesTo, startHaproxy } from './haproxy.js';
import { nodeAuth } from './node-auth.js';
import { nodeProxies } from './node-proxies.js';
import { memberAddress, redisDirectives, resolveSpec } from './options.js';
import { type SentinelWatch, watchTopologySentinels } from './sentinel-watch.js';
import { collectStatus, findPrimary } from './status.js';
import type {
  SentinelProc,
  StartTopologyOptions,
  TopoEvent,
  TopoEventBus,
  Topology,
  TopologyEndpoint,
  TopologySpec,
  TopologySpecInput,
  TopoNode,
} from './types.js';

const HOST = '127.0.0.1';
/** Starts tried on fresh ports when a chosen port was taken before it was bound. */
const PORT_ATTEMPTS = 5;

/** Internal per-node start options (kept for restart). */
const nodeOptions = new WeakMap<TopoNode, RedisServerOptions>();

/** The redis-server options a node was started with (for restart). */
export function startOptionsOf(n: TopoNode): RedisServerOptions | undefined {
  return nodeOptions.get(n);
}

/**
 * The listening port a replica announces on its replication link (REPLCONF listening-port):
 * its proxy's with replicas through the proxies, except on a Cluster (no replica-announce-port
 * there: its real port).
 */
export function replicationPort(spec: TopologySpec, n: TopoNode): number {
  return spec.kind === 'cluster' ? n.port : peerAddress(spec, n).port;
}

/** The address peers (replicas, Sentinels) use to reach a node. */
export function peerAddress(spec: TopologySpec, n: TopoNode): { host: string; port: number } {
  return { host: n.host, port: spec.faultProxies && spec.replicationVia === 'proxy' ? n.proxyPort : n.port };
}

class RunningTopology implements Topology {
  readonly kind;
  readonly nodes: TopoNode[] = [];
  readonly sentinels: SentinelProc[] = [];
  haproxy?: Topology['haproxy'];
  endpoint: TopologyEndpoint = { kind: 'direct', host: HOST, port: 0 };
  readonly password?: string;
  readonly username?: string;
  readonly events: TopoEventBus = new EventEmitter();
  private haHandle: HaproxyHandle | null = null;
  private watch: SentinelWatch | null = null;
  private clusterWatch: ClusterWatch | null = null;
  private stopped = false;
  private unregister: () => void = () => {};
  private replicaSeq = 0;

  constructor(
    readonly spec: TopologySpec,
    readonly dir: string,
    private readonly o: StartTopologyOptions,
  ) {
    this.kind = spec.kind;
    this.password = spec.password;
    this.username = spec.aclUser;
    this.events.setMaxListeners(50);
    if (o.onEvent) this.events.on('event', o.onEvent);
    this.unregister = registerCleanup(`stop ${spec.kind} topology`, () => this.stop());
  }

  emit(e: Omit<TopoEvent, 'atMs'> & { atMs?: number }): void {
    this.events.emit('event', { ...e, atMs: e.atMs ?? Date.now() });
  }

  node(name: string): TopoNode {
    const n = this.nodes.find((x) => x.name === name);
    if (!n) throw new UserError(`no node '${name}' in this ${this.kind} topology: use one of ${this.nodes.map((x) => x.name).join(', ')}`);
    return n;
  }

  nodeByAddress(host: string, port: number): TopoNode | undefined {
    const h = host === 'localhost' ? HOST : host;
    return this.nodes.find((n) => n.host === h && (n.port === port || n.proxyPort === port));
  }

  /** Refuse to go on once stop() ran (an aborted start): nothing new is created after it. */
  private throwIfStopped(): void {
    if (this.stopped) throw new StartError(`the ${this.kind} topology was stopped while it was starting`);
  }

  get readyTimeoutMs(): number {
    return this.o.readyTimeoutMs ?? 30_000;
  }

  /**
   * Start one redis-server (+ its proxy). The proxy binds a port the kernel picks; the
   * server's port is chosen free and bound later, so another process may take it in
   * between: then the start is tried again on fresh ports.
   */
  async startNode(name: string, role: 'master' | 'replica', replicaOf?: TopoNode): Promise<TopoNode> {
    const own = this.takeAddress();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startNodeOnce(name, role, replicaOf, own);
      } catch (err) {
        if (!isPortTaken(err) || attempt >= PORT_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * With an address block: the lowest member address no running node or Sentinel holds
   * (start order gives .2, .3, ...; a node added later takes the next free one).
   */
  private takeAddress(): string | undefined {
    const block = this.spec.addressBlock;
    if (block === undefined) return undefined;
    const used = new Set([...this.nodes.map((n) => n.host), ...this.sentinels.map((s) => s.host)]);
    for (let i = 0; ; i++) {
      const a = memberAddress(block, i);
      if (a === null) throw new StartError(`the address block ${block} has no free address left: use fewer nodes`);
      if (!used.has(a)) return a;
    }
  }

  private async startNodeOnce(name: string, role: 'master' | 'replica', replicaOf: TopoNode | undefined, own: string | undefined) {
    this.throwIfStopped();
    const spec = this.spec;
    const cluster = spec.kind === 'cluster';
    const port = await this.o.ports.take();
    const busPort = cluster ? await this.o.ports.take() : undefined;
    let proxy: TcpFaultProxy | null = null;
    if (spec.faultProxies) proxy = await startFaultProxy({ listenPort: 0, target: { host: HOST, port } });
    const proxyPort = proxy ? proxy.listenPort : port;
    const viaProxy = spec.faultProxies && spec.replicationVia === 'proxy';
    let busProxy: TcpFaultProxy | null = null;
    if (cluster && viaProxy && busPort !== undefined)
      busProxy = await startFaultProxy({ listenPort: 0, target: { host: HOST, port: busPort }, protocol: 'cluster-bus' }).catch(
        async (err) => {
          await proxy?.stop();
          throw err;
        },
      );
    const config: Record<string, string | number> = { ...redisDirectives(spec) };
    if (viaProxy && !cluster) {
      config['replica-announce-ip'] = HOST;
      config['replica-announce-port'] = proxyPort;
    }
    // an own address: the cluster announces it (replicas are known by their connection's source address)
    if (own !== undefined && cluster) config['cluster-announce-ip'] = own;
    if (cluster && busPort !== undefined) {
      config['cluster-port'] = busPort;
      if (viaProxy) {
        config['cluster-announce-ip'] = HOST;
        config['cluster-announce-port'] = proxyPort;
        config['cluster-announce-bus-port'] = busProxy ? busProxy.listenPort : busPort;
      }
    }
    const dir = join(this.dir, `${name}-${port}`);
    const opts: RedisServerOptions = {
      port,
      dir,
      host: own ?? HOST,
      ownAddress: own,
      password: spec.password,
      maxmemory: spec.maxmemory,
      maxmemoryPolicy: spec.maxmemoryPolicy,
      appendonly: spec.aof,
      cluster,
      clusterNodeTimeoutMs: spec.kind === 'cluster' ? spec.nodeTimeoutMs : undefined,
      replicaOf: replicaOf ? peerAddress(spec, replicaOf) : undefined,
      config,
      readyTimeoutMs: this.readyTimeoutMs,
    };
    let rn: Awaited<ReturnType<typeof startRedisServer>> | null = null;
    try {
      this.throwIfStopped();
      rn = await startRedisServer(opts);
      this.throwIfStopped();
    } catch (err) {
      await proxy?.stop();
      await busProxy?.stop();
      await rn?.stop();
      throw err;
    }
    const node: TopoNode = {
      name,
      role,
      host: own ?? HOST,
      port,
      proxyPort,
      busPort,
      dir,
      process: rn.process,
      proxy,
      busProxy,
      owned: true,
    };
    nodeOptions.set(node, opts);
    this.nodes.push(node);
    return node;
  }

  async waitLinkUp(n: TopoNode): Promise<void> {
    await waitUntil(
      `${n.name} (port ${n.port}) to finish its sync with the primary`,
      async () =>
        this.stopped || (await redisInfo(n.port, 'replication', { host: n.host, password: this.password })).master_link_status === 'up',
      this.readyTimeoutMs,
      50,
    );
    this.throwIfStopped();
  }

  nextReplicaName(): string {
    this.replicaSeq++;
    let name = `replica-${this.replicaSeq}`;
    while (this.nodes.some((n) => n.name === name)) name = `replica-${++this.replicaSeq}`;
    return name;
  }

  async startSentinels(primary: TopoNode): Promise<void> {
    if (this.spec.kind !== 'sentinel' && this.spec.kind !== 'haproxy') return;
    const s = this.spec;
    const bin = requireBinary('redis-sentinel');
    for (let i = 1; i <= s.sentinels; i++) {
      const own = this.takeAddress();
      const host = own ?? HOST;
      for (let attempt = 1; ; attempt++) {
        this.throwIfStopped();
        const port = await this.o.ports.take();
        // the proxy binds a port the kernel picks; the Sentinel announces it
        const proxy = s.faultProxies ? await startFaultProxy({ listenPort: 0, target: { host: HOST, port } }) : null;
        const proxyPort = proxy ? proxy.listenPort : undefined;
        const dir = join(this.dir, `sentinel-${i}-${port}`);
        mkdirSync(dir, { recursive: true });
        const conf = join(dir, 'sentinel.conf');
        writeFileSync(
          conf,
          sentinelConfig({
            ...s,
            port,
            dir,
            primary: peerAddress(s, primary),
            ownAddress: own,
            announce: proxyPort !== undefined ? { host: HOST, port: proxyPort } : undefined,
          }),
          { mode: 0o600 },
        );
        chmodSync(conf, 0o600);
        const proc = spawnManaged({
          name: `redis-sentinel:${port}`,
          command: bin,
          args: [conf],
          cwd: dir,
          logFile: join(dir, 'sentinel.log'),
        });
        const sp: SentinelProc = { name: `sentinel-${i}`, host, port, dir, process: proc, owned: true, proxyPort, proxy };
        this.sentinels.push(sp);
        try {
          // ready when the Sentinel answering on the port is this process
          await waitReady(proc, async () => (await serverPid(port, { host })) === proc.pid, this.readyTimeoutMs);
          break;
        } catch (err) {
          // the port was taken between choosing and binding it: again on a fresh one
          if (!isPortTaken(err) || attempt >= PORT_ATTEMPTS) throw err;
          await proc.stop();
          await proxy?.stop();
          this.sentinels.splice(this.sentinels.indexOf(sp), 1);
        }
      }
    }
    this.throwIfStopped();
    this.watch = watchTopologySentinels(this);
    await this.waitSentinelsKnow(s.replicas);
    this.throwIfStopped();
  }

  async waitSentinelsKnow(replicas: number): Promise<void> {
    if (this.spec.kind !== 'sentinel' && this.spec.kind !== 'haproxy') return;
    const s = this.spec;
    for (const sn of this.sentinels) {
      await waitUntil(
        `sentinel ${sn.port} to see ${replicas} replica(s) and ${s.sentinels - 1} other sentinel(s)`,
        async () => {
          if (this.stopped) return true;
          const m = await sentinelMasterInfo(sn.port, s.masterName, sn.host);
          return Number(m['num-slaves']) === replicas && Number(m['num-other-sentinels']) === s.sentinels - 1;
        },
        this.readyTimeoutMs,
        100,
      );
    }
  }

  haproxyServers(): Array<{ name: string; host: string; port: number }> {
    return this.nodes.map((n) => ({ name: n.name, host: n.host, port: n.proxyPort }));
  }

  async startHaproxy(): Promise<void> {
    if (this.spec.kind !== 'haproxy') return;
    this.throwIfStopped();
    const port = await this.o.ports.take();
    this.haHandle = await startHaproxy({
      host: HOST,
      port,
      servers: this.haproxyServers(),
      password: this.spec.password,
      checkIntervalMs: this.spec.checkIntervalMs,
      dir: join(this.dir, `haproxy-${port}`),
      expectPort: async () => (await this.currentPrimary()).port,
      readyTimeoutMs: this.readyTimeoutMs,
    });
    this.haproxy = { host: HOST, port, configFile: this.haHandle.configFile, process: this.haHandle.process, owned: true };
    if (this.stopped) {
      await this.haHandle.stop();
      this.throwIfStopped();
    }
  }

  async startCluster(): Promise<void> {
    if (this.spec.kind !== 'cluster') return;
    const s = this.spec;
    for (let i = 1; i <= s.masters; i++) await this.startNode(`master-${i}`, 'master');
    for (let i = 1; i <= s.masters * s.replicasPerMaster; i++) await this.startNode(`replica-${i}`, 'replica');
    this.replicaSeq = s.masters * s.replicasPerMaster;
    const cli = requireBinary('redis-cli');
    const env: Record<string, string> = {};
    if (s.password) env.REDISCLI_AUTH = s.password;
    const create = await execa(
      cli,
      [
        '--cluster',
        'create',
        ...this.nodes.map((n) => `${n.host}:${n.port}`),
        '--cluster-replicas',
        String(s.replicasPerMaster),
        '--cluster-yes',
      ],
      { env, reject: false, timeout: 60_000 },
    );
    this.throwIfStopped();
    if (create.exitCode !== 0)
      throw new StartError(`redis-cli --cluster create failed: ${(create.stderr || create.stdout).split('\n').slice(-3).join(' | ')}`);
    await waitClusterOk(this, this.readyTimeoutMs, true);
    for (const n of this.nodes) {
      const rep = await redisInfo(n.port, 'replication', { host: n.host, password: this.password });
      n.role = rep.role === 'slave' ? 'replica' : 'master';
      if (n.role === 'replica') await this.waitLinkUp(n);
    }
    this.throwIfStopped();
    this.clusterWatch = watchTopologyCluster(this);
  }

  currentPrimary(): Promise<TopoNode> {
    return findPrimary(this);
  }

  status() {
    return collectStatus(this);
  }

  async addReplica(): Promise<TopoNode> {
    if (this.kind === 'cluster' || this.kind === 'standalone')
      throw new UserError(`scale out adds a replica to a replicas/sentinel/haproxy topology, not to a ${this.kind} one`);
    const primary = await this.currentPrimary();
    const before = this.nodes.length - 1;
    const n = await this.startNode(this.nextReplicaName(), 'replica', primary);
    try {
      await this.waitLinkUp(n);
      await this.waitSentinelsKnow(before + 1);
    } catch (err) {
      await this.dropNode(n);
      throw new StartError(`scale out failed: ${(err as Error).message}`);
    }
    if (this.haHandle) this.haHandle.reload(this.haproxyServers());
    this.emit({ kind: 'scale-out', node: n.name, detail: `replica of ${primary.name} on port ${n.port} (proxy ${n.proxyPort})` });
    return n;
  }

  private async dropNode(n: TopoNode): Promise<void> {
    for (const p of nodeProxies(n)) p.heal();
    await n.process?.stop(2000);
    for (const p of nodeProxies(n)) await p.stop();
    const i = this.nodes.indexOf(n);
    if (i >= 0) this.nodes.splice(i, 1);
  }

  async removeReplica(name: string): Promise<void> {
    if (this.kind === 'cluster' || this.kind === 'standalone')
      throw new UserError(`scale in removes a replica from a replicas/sentinel/haproxy topology, not from a ${this.kind} one`);
    const n = this.node(name);
    const primary = await this.currentPrimary();
    if (n === primary) throw new UserError(`${name} is the primary now: switch over first, then remove it`);
    if (!n.owned) throw new UserError(`${name} was not started by stormdrill: it cannot be removed`);
    if (this.spec.kind === 'sentinel' || this.spec.kind === 'haproxy') await waitSentinelsAgree(this, primary, 20_000);
    await this.dropNode(n);
    if (this.spec.kind === 'sentinel' || this.spec.kind === 'haproxy') {
      for (const s of this.sentinels)
        await redisOnce(s.port, ['SENTINEL', 'RESET', this.spec.masterName], { host: s.host, timeoutMs: 1000 }).catch(() => null);
      await this.waitSentinelsKnow(this.nodes.length - 1).catch(() => undefined);
    }
    if (this.haHandle) this.haHandle.reload(this.haproxyServers());
    this.emit({ kind: 'scale-in', node: name, detail: `removed (port ${n.port})` });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unregister();
    this.watch?.stop();
    this.clusterWatch?.stop();
    for (const m of [...this.nodes, ...this.sentinels]) for (const p of nodeProxies(m)) p.heal();
    const errors: string[] = [];
    const attempt = async (what: string, fn: () => Promise<void> | undefined) => {
      try {
        await fn();
      } catch (e) {
        errors.push(`${what}: ${(e as Error).message}`);
      }
    };
    if (this.haHandle) await attempt('haproxy', () => this.haHandle?.stop());
    // In parallel: a master's graceful shutdown waits for its replicas, which are going too.
    await Promise.all(this.sentinels.filter((s) => s.owned).map((s) => attempt(s.name, () => s.process?.stop(3000))));
    await Promise.all(this.nodes.filter((n) => n.owned).map((n) => attempt(n.name, () => n.process?.stop(3000))));
    for (const m of [...this.nodes, ...this.sentinels]) for (const p of nodeProxies(m)) await attempt(`${m.name} proxy`, () => p.stop());
    if (errors.length > 0) throw new Error(`stopping the topology: ${errors.join('; ')}`);
  }
}

/** Start a topology; on any failure everything already started is stopped. */
export async function startTopology(input: TopologySpecInput | TopologySpec, o: StartTopologyOptions): Promise<Topology> {
  const spec = resolveSpec(input as TopologySpecInput);
  mkdirSync(o.dir, { recursive: true });
  const t = new RunningTopology(spec, o.dir, o);
  const onAbort = () => void t.stop().catch(() => undefined);
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    o.signal?.throwIfAborted();
    if (spec.kind === 'cluster') {
      await t.startCluster();
      t.endpoint = { kind: 'cluster', seeds: t.nodes.map((n) => ({ host: n.host, port: n.proxyPort })) };
    } else {
      const primary = await t.startNode('primary', 'master');
      const replicas = spec.kind === 'standalone' ? 0 : spec.replicas;
      for (let i = 0; i < replicas; i++) await t.startNode(t.nextReplicaName(), 'replica', primary);
      for (const n of t.nodes) if (n.role === 'replica') await t.waitLinkUp(n);
      t.endpoint = { kind: 'direct', host: primary.host, port: primary.proxyPort };
      if (spec.kind === 'sentinel' || spec.kind === 'haproxy') {
        await t.startSentinels(primary);
        t.endpoint = {
          kind: 'sentinel',
          sentinels: t.sentinels.map((s) => ({ host: s.host, port: s.proxyPort ?? s.port })),
          masterName: spec.masterName,
        };
      }
      if (spec.kind === 'haproxy') {
        await t.startHaproxy();
        const h = t.haproxy as NonNullable<Topology['haproxy']>;
        t.endpoint = { kind: 'direct', host: h.host, port: h.port };
      }
    }
    t.emit({ kind: 'topology-up', detail: `${spec.kind}: ${t.nodes.length} node(s), ${t.sentinels.length} sentinel(s)` });
    return t;
  } catch (err) {
    await t.stop().catch(() => undefined);
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Wait until HAProxy routes a new connection to the current master (after a failover). */
export async function waitHaproxyFollows(t: Topology, timeoutMs: number): Promise<void> {
  const h = t.haproxy;
  if (!h) return;
  const p = await t.currentPrimary();
  await waitUntil(
    `HAProxy ${h.host}:${h.port} to route a connection to the master on port ${p.port}`,
    async () => (await haproxyRoutesTo(h, t.password)).port === p.port,
    timeoutMs,
    50,
  );
}

/** Wait until every running Sentinel names `primary` as the master with no failover in progress (started or attached). */
export async function waitSentinelsAgree(t: Topology, primary: TopoNode, timeoutMs: number): Promise<void> {
  if (t.spec.kind !== 'sentinel' && t.spec.kind !== 'haproxy') return;
  const name = t.spec.masterName;
  const want = peerAddress(t.spec, primary);
  await waitUntil(
    `every Sentinel to name ${primary.name} as the master`,
    async () => {
      for (const s of t.sentinels) {
        if (s.process && s.process.status !== 'running') continue;
        const m = await sentinelMasterInfo(s.port, name, s.host, t.tls);
        if (Number(m.port) !== want.port || (m.flags ?? '').includes('failover_in_progress')) return false;
      }
      return true;
    },
    timeoutMs,
    100,
  );
}

/**
 * Every live node reports cluster_state:ok with all slots ok, and no slot is owned by a
 * master whose process is down (right after a crash the survivors still say ok until they
 * detect the failure). At start, every node must also know every other. Started or
 * attached clusters (nodes on any host).
 */
export async function waitClusterOk(t: Topology, timeoutMs: number, atStart = false): Promise<void> {
  if (t.kind !== 'cluster') throw new UserError(`cluster-ok needs a cluster topology, not ${t.kind}`);
  const total = t.nodes.length;
  await waitUntil(
    'every live cluster node to report cluster_state:ok with all 16384 slots served by live masters',
    async () => {
      const live = t.nodes.filter((n) => n.process?.status !== 'exited');
      for (const n of live) {
        const info = await clusterInfo(n.port, nodeAuth(t, n));
        if (info.cluster_state !== 'ok' || info.cluster_slots_ok !== '16384') return false;
        if (atStart && Number(info.cluster_known_nodes) !== total) return false;
      }
      const first = live[0];
      if (!first) return false;
      const r = await redisOnce(first.port, ['CLUSTER', 'NODES'], { ...nodeAuth(t, first), timeoutMs: 1000 });
      for (const line of String(r).split('\n')) {
        const f = line.trim().split(' ');
        if (f.length < 9 || !(f[2] ?? '').includes('master')) continue;
        if ((f[2] ?? '').includes('fail')) return false;
        const addr = splitAddr((f[1] ?? '').split('@')[0] ?? '');
        const owner = addr ? t.nodeByAddress(addr.host, addr.port) : undefined;
        if (owner?.process && owner.process.status !== 'running') return false;
      }
      return true;
    },
    timeoutMs,
    100,
  );
}
