/**
 * DrillActions over lib/faults: resolves the runbook's node selectors (lib/drill/selectors.ts)
 * to node names, then calls the fault actions.
 * Selectors naming several nodes act on all of them at once (a simultaneous failure).
 * `wait-for event` also accepts events already seen since the previous step started.
 */
import { UserError } from '../core/errors.js';
import * as faults from '../faults/index.js';
import type { WaitCondition as FaultWaitCondition } from '../faults/types.js';
import type { NetworkFault } from '../netfault/types.js';
import type { Topology } from '../topology/types.js';
import { resolveSelector } from './selectors.js';
import { isClientMember, isSentinelMember } from './steps/partition.js';
import type { DrillActions, NetworkFaultParams, SwitchoverMethod, WaitCondition, WriteBurstResult, WritePace } from './steps/types.js';

export interface ActionsDeps {
  topology: Topology;
  signal: AbortSignal;
  /** Names of the nodes the drill started with. */
  initialNodes: string[];
  /** Name of the primary when the steps began. */
  initialPrimary: string;
  allowDestructive: boolean;
  confirmNonLoopback: boolean;
  /** The run's id (names what faults put on the machine). */
  runId?: string;
  /** Events seen so far (for wait-for event since the previous step). */
  seenEvents(): Array<{ atMs: number; kind: string; node?: string }>;
  /** The `write` step (to `node`, a node name, when given). */
  write(count: number, valueSize: number, node?: string, pace?: WritePace): Promise<WriteBurstResult>;
}

/**
 * Wait for every node's condition at once, each with the step's whole timeout (so a timeout
 * names the step's figure), and fail with the first failure only after all have settled:
 * no poll outlives the step.
 */
async function allWithin(waits: Array<Promise<unknown>>): Promise<void> {
  const settled = await Promise.allSettled(waits);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

export function makeDrillActions(d: ActionsDeps): DrillActions {
  const t = d.topology;
  const ctx: faults.ActionContext = {
    topology: t,
    signal: d.signal,
    allowDestructive: d.allowDestructive,
    confirmNonLoopback: d.confirmNonLoopback,
    runId: d.runId,
  };
  const each = async (sel: string, fn: (node: string) => Promise<unknown>) => {
    const names = await resolveSelector(t, sel, d.initialNodes);
    await Promise.all(names.map((n) => fn(n)));
  };
  const one = async (sel: string): Promise<string> => {
    const names = await resolveSelector(t, sel, d.initialNodes);
    if (names.length !== 1) throw new UserError(`'${sel}' names ${names.length} nodes here; this step acts on one node`);
    return names[0] as string;
  };
  return {
    crash: (sel) => each(sel, (node) => faults.crash(ctx, { node })),
    freeze: (sel) => each(sel, (node) => faults.freeze(ctx, { node })),
    thaw: (sel) =>
      each(sel, async (node) => {
        const n = t.node(node);
        if (n.process?.status === 'frozen') await faults.thaw(ctx, { node });
      }),
    shutdown: (sel) => each(sel, (node) => faults.shutdown(ctx, { node })),
    restart: (sel) => each(sel, (node) => faults.restart(ctx, { node })),
    debugSleep: (sel, ms) => each(sel, (node) => faults.debugSleep(ctx, { node, seconds: ms / 1000 })),
    clientPause: (sel, ms, mode) => each(sel, (node) => faults.clientPause(ctx, { node, ms, mode })),
    network: (sel, f: NetworkFaultParams) =>
      each(sel, (node) => {
        const scope = f.scope;
        const fault: NetworkFault =
          f.fault === 'latency'
            ? { kind: 'latency', ms: f.latencyMs ?? 0, scope }
            : f.fault === 'bandwidth'
              ? { kind: 'bandwidth', bytesPerSec: f.bytesPerSecond ?? 1, scope }
              : f.fault === 'reset'
                ? { kind: 'reset', scope }
                : { kind: 'blackhole', scope };
        return faults.networkFault(ctx, { node, fault });
      }),
    partition: async (sides) => {
      const resolved: faults.PartitionSide[] = [];
      for (const side of sides) {
        const r: faults.PartitionSide = { nodes: [], sentinels: [], clients: false };
        for (const m of side) {
          if (isClientMember(m)) r.clients = true;
          else if (m === 'sentinels') r.sentinels.push(...t.sentinels.map((s) => s.name));
          else if (isSentinelMember(m)) r.sentinels.push(m);
          else r.nodes.push(...(await resolveSelector(t, m, d.initialNodes)));
        }
        resolved.push(r);
      }
      await faults.partition(ctx, { sides: resolved });
    },
    heal: async (sel) => {
      if (sel === undefined) await faults.heal(ctx, {});
      else await each(sel, (node) => faults.heal(ctx, { node }));
    },
    switchover: async (method: SwitchoverMethod, to?: string, pauseWrites = true) => {
      const target = to ? await one(to) : undefined;
      const m =
        method !== 'auto'
          ? method
          : t.kind === 'cluster'
            ? 'cluster'
            : t.kind === 'sentinel' || t.kind === 'haproxy'
              ? 'sentinel'
              : 'failover';
      if (m === 'sentinel') {
        if (target) throw new UserError("switchover method sentinel picks its own replica: remove 'to' or use method: failover");
        await faults.sentinelFailover(ctx, { pauseWrites });
      } else if (m === 'failover') await faults.failover(ctx, { to: target });
      else await faults.clusterFailover(ctx, { to: target });
    },
    scaleOut: async (count) => {
      for (let i = 0; i < count; i++) await faults.scaleOut(ctx);
    },
    scaleIn: (sel) => each(sel, (node) => faults.scaleIn(ctx, { node })),
    waitFor: async (c: WaitCondition, timeoutMs: number, sinceMs: number) => {
      const wait = (condition: FaultWaitCondition) => faults.waitFor(ctx, { condition, timeoutMs });
      if (c.kind === 'event') {
        const node = c.node ? await one(c.node) : undefined;
        if (d.seenEvents().some((e) => e.atMs >= sinceMs && e.kind === c.event && (!node || e.node === node))) return;
        await wait({ kind: 'event', event: c.event, node });
      } else if (c.kind === 'primary-changed') await wait({ kind: 'new-primary', from: d.initialPrimary });
      else if (c.kind === 'cluster-ok') await wait({ kind: 'cluster-ok' });
      else if (c.kind === 'caught-up' && (c.node === 'replicas' || c.node === 'all')) await wait({ kind: 'caught-up' });
      else {
        const names = await resolveSelector(t, c.node, d.initialNodes);
        await allWithin(names.map((node) => wait(c.kind === 'role' ? { kind: 'role', node, role: c.role } : { kind: c.kind, node })));
      }
    },
    write: async (count, valueSize, sel, pace) => d.write(count, valueSize, sel === undefined ? undefined : await one(sel), pace),
  };
}
