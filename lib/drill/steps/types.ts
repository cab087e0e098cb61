/**
 * What a step may do. The runner implements DrillActions over lib/topology and lib/faults
 * (and the integrity writer for `write`); steps only map their typed params onto it, so
 * each step stays a few lines and is testable with a recording fake.
 */
import type { z } from 'zod';

export interface NetworkFaultParams {
  fault: 'blackhole' | 'latency' | 'reset' | 'bandwidth';
  /** Which traffic a network fault hits: clients, replication/Sentinel/Cluster links, or both. */
  scope: 'clients' | 'replication' | 'sentinels' | 'all';
  /** latency: added delay per chunk, ms. */
  latencyMs?: number;
  /** bandwidth: bytes per second. */
  bytesPerSecond?: number;
}

export type SwitchoverMethod = 'auto' | 'sentinel' | 'failover' | 'cluster';

/** Conditions `wait-for` can wait on (exactly one per step). */
export type WaitCondition =
  | { kind: 'event'; event: string; node?: string }
  | { kind: 'role'; node: string; role: 'master' | 'replica' }
  | { kind: 'link-up'; node: string }
  | { kind: 'caught-up'; node: string }
  | { kind: 'cluster-ok' }
  | { kind: 'primary-changed' };

export interface WriteBurstResult {
  acked: number;
  failed: number;
  unknown: number;
  /** The node it wrote to (a write step with `node`). */
  node?: string;
  /** Date.now() when it started and ended. */
  startMs?: number;
  endMs?: number;
  /** When the first write failed (the node refused), null when none failed. */
  firstFailedMs?: number | null;
  /** Read probes (a write step with `reads`): answered and failed. */
  reads?: { ok: number; failed: number };
  /** When the first read probe failed, null when none failed. */
  firstReadFailedMs?: number | null;
}

/** How fast a write step writes and probes reads (default: as fast as it can, no reads). */
export interface WritePace {
  /** Writes per second. */
  rate?: number;
  /** Read probes per second (GET of a recently written key). */
  readRate?: number;
}

export interface DrillActions {
  crash(node: string): Promise<void>;
  freeze(node: string): Promise<void>;
  thaw(node: string): Promise<void>;
  shutdown(node: string): Promise<void>;
  restart(node: string): Promise<void>;
  debugSleep(node: string, ms: number): Promise<void>;
  clientPause(node: string, ms: number, mode: 'write' | 'all'): Promise<void>;
  network(node: string, fault: NetworkFaultParams): Promise<void>;
  /** Cut every link between the sides (members: node selectors, sentinels, sentinel-N, writer). */
  partition(sides: string[][]): Promise<void>;
  /** Remove network faults (all nodes and Sentinels when `node` is undefined). */
  heal(node?: string): Promise<void>;
  /** pauseWrites (sentinel only, default true): no write acknowledged by the old primary is lost. */
  switchover(method: SwitchoverMethod, to?: string, pauseWrites?: boolean): Promise<void>;
  scaleOut(count: number): Promise<void>;
  scaleIn(node: string): Promise<void>;
  /** Resolves when the condition holds; rejects with a UserError naming it after `timeoutMs`. */
  waitFor(condition: WaitCondition, timeoutMs: number, sinceMs: number): Promise<void>;
  /** Write exactly `count` keys with acknowledgement tracking (the ledger counts them); to one node (through its proxy) when given. */
  write(count: number, valueSize: number, node?: string, pace?: WritePace): Promise<WriteBurstResult>;
}

export interface StepContext {
  actions: DrillActions;
  /** Sleep that ends early (rejecting) when the drill is aborted. */
  sleep(ms: number): Promise<void>;
  note(kind: string, detail?: string): void;
  /** Date.now() when this step started. */
  startedMs: number;
  /** Date.now() when the previous step started (this step's start for the first): wait-for looks at events from here on. */
  sinceMs: number;
}

/** One step type: its params schema (with `action`), whether it is destructive, and how it runs. */
export interface StepDefinition<S extends z.ZodType = z.ZodType> {
  action: string;
  summary: string;
  /** Destructive steps run only against topologies stormdrill started (or with --allow-destructive). */
  destructive: boolean;
  /** Needs a process stormdrill started (signals, proxies, new processes): never against --target. */
  needsOwnedTopology: boolean;
  schema: S;
  /** A one-line description of the step with its params, for plans and reports. */
  describe(params: z.infer<S>): string;
  run(ctx: StepContext, params: z.infer<S>): Promise<void>;
}

/** Keep a fault for `duration` (when given), then undo it, also when the sleep is cut short by an abort. */
export async function undoAfter(ctx: StepContext, duration: number | undefined, undo: () => Promise<void>): Promise<void> {
  if (duration === undefined) return;
  try {
    await ctx.sleep(duration);
  } finally {
    await undo();
  }
}

export function defineStep<S extends z.ZodType>(d: StepDefinition<S>): StepDefinition<S> {
  return d;
}
