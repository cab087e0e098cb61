/**
 * A network partition: the topology's members (nodes, Sentinels, clients) in sides; every
 * link between two sides is cut, links inside a side stay, members named in no side keep
 * every link. On a topology stormdrill started with fault proxies the cut is made at the
 * proxy in front of the member a link leads to (a `cut` fault naming the peers on the other
 * sides; on a Cluster node at its client proxy and at its bus proxy, whose links name their
 * sender node). Members without a proxy (`drill run --target`, or a topology started with
 * addresses of their own) are cut by address (lib/netfault/address-cut.ts): each member
 * needs a loopback address of its own, and the drill's clients take one more of the same
 * /24 (clientAddress). Healed by `heal` or the restore registry.
 */
import { UserError } from '../core/errors.js';
import {
  type AddressCut,
  addressCutTable,
  applyAddressCuts,
  isCuttableAddress,
  removeAddressCuts,
  removeStaleAddressCuts,
} from '../netfault/address-cut.js';
import { describeCutPeers, describeFault } from '../netfault/classify.js';
import type { CutPeers, FaultProxy } from '../netfault/types.js';
import { type OnceOptions, redisOnce } from '../redis/once.js';
import { nodeAuth, sentinelAuth } from '../topology/node-auth.js';
import { nodeProxies } from '../topology/node-proxies.js';
import { replicationPort } from '../topology/start.js';
import type { SentinelProc, Topology, TopoNode } from '../topology/types.js';
import { assertDestructiveAllowed, Recorder } from './common.js';
import { registerUndo } from './restore.js';
import type { ActionContext, ActionResult } from './types.js';

/** One side of a partition: node names, Sentinel names, and whether the clients (writer, readers) are on it. */
export interface PartitionSide {
  nodes: string[];
  sentinels: string[];
  clients: boolean;
}

export interface PartitionParams {
  sides: PartitionSide[];
}

/** Problems with sides (empty = valid): a member on two sides, fewer than two non-empty sides. Pure. */
export function partitionProblems(sides: PartitionSide[]): string[] {
  const p: string[] = [];
  const seen = new Map<string, number>();
  sides.forEach((s, i) => {
    const members = [...s.nodes, ...s.sentinels, ...(s.clients ? ['clients'] : [])];
    if (members.length === 0) p.push(`side ${i + 1} is empty: name at least one node, Sentinel or the writer`);
    for (const m of members) {
      const j = seen.get(m);
      if (j !== undefined && j !== i) p.push(`${m} is on side ${j + 1} and side ${i + 1}: put each member on one side`);
      seen.set(m, i);
    }
  });
  if (sides.length < 2) p.push('a partition needs at least two sides');
  return p;
}

/**
 * The peers each member must stop hearing: for every pair of sides, each member of one
 * side cuts every member of the other. Keys are node or Sentinel names. Pure.
 */
export function cutPlan(
  sides: PartitionSide[],
  replicaPortOf: (node: string) => number,
  sentinelIdOf: (sentinel: string) => string,
  busNodeIdOf?: (node: string) => string,
): Map<string, CutPeers> {
  const out = new Map<string, CutPeers>();
  sides.forEach((to, i) => {
    const from: CutPeers = { clients: false, replicaPorts: [], sentinelIds: [], ...(busNodeIdOf ? { busNodeIds: [] } : {}) };
    sides.forEach((other, j) => {
      if (j === i) return;
      if (other.clients) from.clients = true;
      for (const n of other.nodes) {
        from.replicaPorts?.push(replicaPortOf(n));
        if (busNodeIdOf) from.busNodeIds?.push(busNodeIdOf(n));
      }
      for (const s of other.sentinels) from.sentinelIds?.push(sentinelIdOf(s));
    });
    for (const m of [...to.nodes, ...to.sentinels]) out.set(m, from);
  });
  return out;
}

function sentinel(t: Topology, name: string): SentinelProc {
  const s = t.sentinels.find((x) => x.name === name);
  if (!s)
    throw new UserError(
      `no Sentinel '${name}' in this ${t.kind} topology: use one of ${t.sentinels.map((x) => x.name).join(', ') || '(none)'}`,
    );
  return s;
}

/**
 * A member's id as the fault proxies recognise it (SENTINEL MYID: the first 8 hex digits a
 * Sentinel's connection name `sentinel-<id8>-…` carries; CLUSTER MYID: the 40 of a bus
 * message's sender), asked on its real port, past the fault proxies.
 */
async function memberId(who: { name: string; port: number }, command: 'SENTINEL' | 'CLUSTER', options: OnceOptions): Promise<string> {
  const r = await redisOnce(who.port, [command, 'MYID'], { ...options, timeoutMs: 2000 }).catch(() => null);
  const id = (typeof r === 'string' || Buffer.isBuffer(r) ? r.toString() : '').toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(id)) throw new UserError(`${who.name} (port ${who.port}) did not answer ${command} MYID: is it running?`);
  return command === 'SENTINEL' ? id.slice(0, 8) : id;
}

/** Cut every link between the sides; returns after the cuts are in place. */
export async function partition(ctx: ActionContext, p: PartitionParams): Promise<ActionResult> {
  const t = ctx.topology;
  const problems = partitionProblems(p.sides);
  if (problems.length > 0) throw new UserError(`partition: ${problems.join('; ')}`);
  if (partitionsByAddress(t)) return partitionByAddress(ctx, p);
  const proxies = new Map<string, { target: TopoNode | SentinelProc; proxies: FaultProxy[] }>();
  const ids = new Map<string, string>();
  const busIds = new Map<string, string>();
  const cluster = t.kind === 'cluster';
  for (const side of p.sides) {
    for (const name of side.nodes) {
      const n = t.node(name);
      assertDestructiveAllowed(ctx, n, 'partition');
      if (!n.proxy) throw new UserError(`${n.name} has no fault proxy: start the topology with fault proxies (the default)`);
      if (cluster && !n.busProxy)
        throw new UserError(
          `${n.name} has no fault proxy on its cluster bus: start the cluster with fault proxies and replication through them (the defaults)`,
        );
      proxies.set(name, { target: n, proxies: nodeProxies(n) });
      if (cluster) busIds.set(name, await memberId(n, 'CLUSTER', nodeAuth(t, n)));
    }
    for (const name of side.sentinels) {
      const s = sentinel(t, name);
      assertDestructiveAllowed(ctx, s, 'partition');
      if (!s.proxy) throw new UserError(`${s.name} has no fault proxy: partitions need a topology stormdrill started with fault proxies`);
      proxies.set(name, { target: s, proxies: [s.proxy] });
      ids.set(name, await memberId(s, 'SENTINEL', sentinelAuth(t, s)));
    }
  }
  const plan = cutPlan(
    p.sides,
    (n) => replicationPort(t.spec, t.node(n)),
    (s) => ids.get(s) as string,
    cluster ? (n) => busIds.get(n) as string : undefined,
  );
  const rec = new Recorder(t);
  for (const [name, peers] of plan) {
    const { target, proxies: its } = proxies.get(name) as { target: TopoNode | SentinelProc; proxies: FaultProxy[] };
    // The undo (an interrupt, the restore) says what it healed, like `heal` does.
    registerUndo(t, target, 'network', () => {
      const had = its.map((x) => x.fault).find((f) => f !== null) ?? null;
      for (const x of its) x.heal();
      if (had) t.emit({ kind: 'heal', node: name, detail: `${describeFault(had)} (undone)` });
    });
    for (const x of its) x.setFault({ kind: 'cut', peers });
    rec.emit('cut', name, describeCutPeers(peers));
  }
  rec.emit('partition', undefined, describeSides(p.sides));
  return rec.result();
}

/** e.g. '[primary, clients] | [replica-1, replica-2, sentinel-1, sentinel-2, sentinel-3]'. Pure. */
export function describeSides(sides: PartitionSide[]): string {
  return sides.map((s) => `[${[...s.nodes, ...s.sentinels, ...(s.clients ? ['clients'] : [])].join(', ')}]`).join(' | ');
}

/** Whether partitions of `t` cut by address: a Sentinel group or Cluster whose nodes have no fault proxy. */
export function partitionsByAddress(t: Pick<Topology, 'kind' | 'nodes'>): boolean {
  return (t.kind === 'sentinel' || t.kind === 'cluster') && t.nodes.length > 0 && t.nodes.every((n) => !n.proxy);
}

/** The drill's own connections (probes, watches) leave from this address; no member may use it. */
const OWN_ADDRESS = '127.0.0.1';

/**
 * The address the drill's clients (writer, readers) bind to when partitions cut by address:
 * .254 of the first member's /24 (distinct from the drill's own 127.0.0.1, so its probes
 * stay connected to both sides). Pure.
 */
export function clientAddress(t: Pick<Topology, 'nodes'>): string {
  const first = t.nodes[0]?.host ?? OWN_ADDRESS;
  const m = /^(127\.\d+\.\d+)\.\d+$/.exec(first);
  return `${m ? m[1] : '127.0.0'}.254`;
}

/**
 * Problems with cutting these sides by address (empty = cuttable): every member on a side
 * needs a loopback IPv4 address other than the drill's own and the clients', and members on
 * different sides need different addresses. Pure.
 */
export function addressPartitionProblems(sides: Array<Array<{ name: string; host: string }>>, clients: string): string[] {
  const p: string[] = [];
  const sideOf = new Map<string, { side: number; name: string }>();
  const fix = 'give each node and Sentinel a loopback address of its own (e.g. `stormdrill topology up --addresses 127.0.9.0/24`)';
  sides.forEach((side, i) => {
    for (const m of side) {
      if (m.name === 'clients') continue;
      if (!isCuttableAddress(m.host))
        p.push(`${m.name} is at ${m.host}: a partition by address cuts loopback IPv4 addresses on this machine only`);
      else if (m.host === OWN_ADDRESS || m.host === clients)
        p.push(`${m.name} is at ${m.host}, the address of the drill's own ${m.host === OWN_ADDRESS ? 'probes' : 'clients'}: ${fix}`);
      const other = sideOf.get(m.host);
      if (other && other.side !== i) p.push(`${other.name} and ${m.name} share ${m.host} but are on different sides: ${fix}`);
      sideOf.set(m.host, { side: i, name: m.name });
    }
  });
  return [...new Set(p)];
}

async function partitionByAddress(ctx: ActionContext, p: PartitionParams): Promise<ActionResult> {
  const t = ctx.topology;
  const clients = clientAddress(t);
  const sides = p.sides.map((side) => [
    ...side.nodes.map((name) => {
      const n = t.node(name);
      assertDestructiveAllowed(ctx, n, 'partition');
      return { name, host: n.host };
    }),
    ...side.sentinels.map((name) => {
      const s = sentinel(t, name);
      assertDestructiveAllowed(ctx, s, 'partition');
      return { name, host: s.host };
    }),
    ...(side.clients ? [{ name: 'clients', host: clients }] : []),
  ]);
  const problems = addressPartitionProblems(sides, clients);
  if (problems.length > 0) throw new UserError(`partition: ${problems[0]}`);
  const cuts: AddressCut[] = [];
  for (let i = 0; i < sides.length; i++)
    for (let j = i + 1; j < sides.length; j++)
      cuts.push({ a: (sides[i] ?? []).map((m) => m.host), b: (sides[j] ?? []).map((m) => m.host) });
  const table = addressCutTable(ctx.runId ?? `p${process.pid}`);
  const rec = new Recorder(t);
  // The undo (an interrupt, the restore, `heal`) deletes the run's table: every cut healed.
  registerUndo(t, { name: ADDRESS_CUTS }, 'network', async () => {
    await removeAddressCuts(table);
    t.addressCuts = undefined;
    t.emit({ kind: 'heal', node: undefined, detail: `every address cut (${table})` });
  });
  await applyAddressCuts(table, cuts);
  t.addressCuts = new Map(
    sides.flatMap((side, i) => side.map((m) => [m.name, sides.reduce((n, other, j) => (j === i ? n : n + other.length), 0)] as const)),
  );
  for (const [i, side] of sides.entries()) {
    const across = sides.filter((_, j) => j !== i).flat();
    for (const m of side)
      if (m.name !== 'clients') rec.emit('cut', m.name, `${m.host} from ${across.map((x) => `${x.name} (${x.host})`).join(', ')}`);
  }
  rec.emit('partition', undefined, describeSides(p.sides));
  return rec.result();
}

/**
 * Before a drill that will partition `t` by address starts anything: every node and Sentinel
 * on a cuttable address of its own, and nftables usable here (the run's table added and
 * deleted). Throws one UserError naming the problem and the fix. Then removes the cuts of
 * drills whose process is gone (killed with -9), which would otherwise still cut the target,
 * and returns one line per table removed.
 */
export async function assertCanPartitionByAddress(t: Topology, runId: string): Promise<string[]> {
  const members = [...t.nodes, ...t.sentinels].map((m) => [{ name: m.name, host: m.host }]);
  const problems = addressPartitionProblems(members, clientAddress(t));
  if (problems.length > 0) throw new UserError(`partition by address: ${problems[0]}`);
  const table = addressCutTable(runId);
  await applyAddressCuts(table, []);
  await removeAddressCuts(table);
  return (await removeStaleAddressCuts()).map(
    (x) => `removed the address cuts of a drill that is no longer running (nftables table ${x.table}, pid ${x.pid})`,
  );
}

/** The restore registry's name for a topology's address cuts. */
export const ADDRESS_CUTS = 'address-cuts';
