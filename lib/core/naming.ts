/**
 * The one place where run identities, key namespaces, metric labels and test-worker
 * namespaces are derived.
 *
 * Pure TypeScript: no Node and no k6 APIs, so both the Node library and the k6
 * scenarios (tsconfig.k6.json) import it.
 */

/** Every key stormdrill writes starts with this. */
export const KEY_ROOT = 'sd';

/** A run id: lower-case letters, digits and dashes, at most 48 characters. */
const RUN_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,47}$/;

export function isValidRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id);
}

/**
 * A new run id such as `20261125-084012-k3f9`: sortable by start time, short enough
 * for a Prometheus label and a key prefix, unique enough for parallel runs.
 */
export function newRunId(now: Date = new Date(), random: () => number = Math.random): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 36)];
  return `${stamp}-${suffix}`;
}

/**
 * The key namespace of a run: `sd:<runId>:`. No `{hash tag}` on purpose, so keys of a
 * run spread over every slot of a cluster.
 */
export function keyPrefix(runId: string): string {
  return `${KEY_ROOT}:${runId}:`;
}

/** The SCAN pattern matching every key of a run. */
export function keyPattern(runId: string): string {
  return `${keyPrefix(runId)}*`;
}

/** A key of a run, under a sub-space such as `w` (writer) or `fill`. */
export function runKey(runId: string, space: string, id: string | number): string {
  return `${keyPrefix(runId)}${space}:${id}`;
}

/** The `testid` label/tag value of a run (the k6 tag and every Prometheus series). */
export function testId(runId: string): string {
  return runId;
}

/** Where a run's reports go, relative to the project or working directory. */
export function reportDir(runId: string): string {
  return `reports/${runId}`;
}

/**
 * The namespace of one parallel test worker: its ports, key prefix and run id.
 * `worker` is vitest's pool id (1..N); `suite` tells apart two suites running at once;
 * `slot` tells apart test files that run one after another in the same worker.
 */
export interface WorkerNamespace {
  worker: number;
  runId: string;
  keyPrefix: string;
  /** First port of the worker's block; the block is PORTS_PER_WORKER wide. */
  portBase: number;
  portLimit: number;
  /** The worker's own loopback /24 (127.1.<block>.0/24) for topologies whose members each have an address. */
  addressBlock: string;
}

export const PORTS_PER_WORKER = 400;
export const TEST_PORT_FLOOR = 20000;
/** 30 worker blocks of 400 ports fit between 20000 and 32000, below Linux's ephemeral range (32768+). */
export const MAX_WORKER_BLOCKS = 30;

export function workerNamespace(worker: number, suite: string, slot?: string): WorkerNamespace {
  if (!Number.isInteger(worker) || worker < 0) throw new Error(`worker id must be a non-negative integer, got ${worker}`);
  // Offset by the suite, so two suites running at once (two developers' runs on one
  // machine) start their workers in different blocks.
  let offset = 0;
  for (let i = 0; i < suite.length; i++) offset = (offset * 31 + suite.charCodeAt(i)) % MAX_WORKER_BLOCKS;
  const block = (worker + offset) % MAX_WORKER_BLOCKS;
  const portBase = TEST_PORT_FLOOR + block * PORTS_PER_WORKER;
  const runId = slot ? `t-${suite}-w${worker}-${slot}` : `t-${suite}-w${worker}`;
  return {
    worker,
    runId,
    keyPrefix: keyPrefix(runId),
    portBase,
    portLimit: portBase + PORTS_PER_WORKER - 1,
    addressBlock: `127.1.${block}.0/24`,
  };
}
