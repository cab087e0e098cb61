/**
 * The drill runner (thin I/O): topology → preconditions (fill) → background workload →
 * steps with timestamps → abort criteria and rollback → restore (thaw, heal) → measure
 * (audit, verify, sync_full, errorstats) → checks → report files. Whatever happens
 * (a failed step, an abort, SIGINT), everything it started is stopped and a report is
 * written (partial when the drill did not finish).
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { UserError, userMessage } from '../core/errors.js';
import { registerCleanup } from '../core/lifecycle.js';
import { keyPrefix, newRunId, reportDir as reportDirOf, testId } from '../core/naming.js';
import { restoreTopology } from '../faults/index.js';
import { runAudit } from '../integrity/audit/audit.js';
import type { ConnectionOptions } from '../integrity/connection.js';
import { runFill } from '../integrity/fill/fill.js';
import { startWriter, type WriteResult, type Writer } from '../integrity/write/writer.js';
import { type RemoteWriteAuth, type RemoteWritePusher, startRemoteWritePush } from '../observability/index.js';
import { PortAllocator } from '../stack/ports.js';
import { redisOnce } from '../stack/probe.js';
import { makeWorkDir } from '../stack/workdir.js';
import { startTopology, waitClusterOk } from '../topology/start.js';
import type { TopoEvent, Topology, TopologySpecInput } from '../topology/types.js';
import { type ActionsDeps, makeDrillActions } from './actions.js';
import { type AttachTarget, attachTopology, describeAttachTarget } from './attach.js';
import { type DrillMeasurements, evaluateChecks, failoverSeconds, NEW_PRIMARY_EVENTS, type VerifyOutcome } from './checks.js';
import { DrillMetrics, DrillWriteMetrics } from './metrics.js';
import type { DrillPlan, PlannedStep } from './plan.js';
import { writeDrillReport } from './report/index.js';
import type { DrillReport, DrillStatus, EventSource, ReportEvent, ReportStep, ReportWindow } from './report/types.js';
import { stepDefinition } from './steps/index.js';
import type { StepContext, WriteBurstResult } from './steps/types.js';
import { Timeline } from './timeline.js';
import { verifyReplicas } from './verify-replicas.js';

export interface RunDrillOptions {
  plan: DrillPlan;
  runId?: string;
  /** Where report files go (default reports/<runId>). */
  reportDir?: string;
  ports?: PortAllocator;
  /** Parent of the drill's work dir (default the OS temp dir). */
  workRoot?: string;
  keepWorkDir?: boolean;
  remoteWrite?: { url: string } & RemoteWriteAuth;
  allowDestructive?: boolean;
  confirmNonLoopback?: boolean;
  log?: (line: string) => void;
  /** Run against an existing deployment instead of starting one (the safety gate must have passed). */
  target?: AttachTarget;
  /** Called with the topology once it is up (tests use it to look at processes). */
  onTopology?: (t: Topology) => void;
  /**
   * Awaited once the topology is up, before the preconditions: `stormdrill demo` uses it to
   * attach exporters, the demo service, a bench and a k6 run to the drill's topology.
   */
  beforeSteps?: (t: Topology) => Promise<void>;
}

export interface DrillOutcome {
  report: DrillReport;
  files: string[];
  /** 0 passed, 1 a check failed, 4 aborted (a step failed or an abort criterion hit), 130 interrupted. */
  exitCode: number;
}

/** Exit codes of a drill run. */
export const DRILL_EXIT = { passed: 0, failed: 1, error: 3, aborted: 4, interrupted: 130 } as const;

class AbortedError extends Error {}

function specOf(plan: DrillPlan, password: string | undefined): TopologySpecInput {
  const t = plan.topology;
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

/** How clients reach the topology (the workload, fill and audit use it). */
export function connectionOf(t: Topology): ConnectionOptions {
  const e = t.endpoint;
  const auth = { password: t.password, user: t.username };
  if (e.kind === 'direct') return { host: e.host, port: e.port, ...auth };
  if (e.kind === 'sentinel') return { sentinels: e.sentinels.map((s) => `${s.host}:${s.port}`), masterName: e.masterName, ...auth };
  const live = t.nodes.find((n) => n.process === null || n.process.status === 'running');
  const seed = live ? { host: live.host, port: live.proxyPort } : (e.seeds[0] as { host: string; port: number });
  return { host: seed.host, port: seed.port, cluster: true, ...auth };
}

function sourceOf(e: TopoEvent, kind: string): EventSource {
  if (e.kind.startsWith('cluster')) return 'cluster';
  if (/^[+-]/.test(e.kind) || e.kind === 'failover-end') return kind === 'cluster' ? 'cluster' : 'sentinel';
  return 'topology';
}

interface NodeCounters {
  syncFull: number;
  oom: number;
  loading: number;
  evicted: number;
}

async function nodeCounters(t: Topology): Promise<Map<string, NodeCounters>> {
  const out = new Map<string, NodeCounters>();
  await Promise.all(
    t.nodes.map(async (n) => {
      if (n.process && n.process.status !== 'running') return;
      const r = await redisOnce(n.port, ['INFO', 'stats', 'errorstats'], { host: n.host, password: t.password, timeoutMs: 2000 }).catch(
        () => null,
      );
      if (r === null || r instanceof Error || Array.isArray(r)) return;
      const f: Record<string, string> = {};
      for (const line of String(r).split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i > 0) f[line.slice(0, i)] = line.slice(i + 1);
      }
      const errCount = (k: string) => Number(/count=(\d+)/.exec(f[`errorstat_${k}`] ?? '')?.[1] ?? 0);
      out.set(n.name, {
        syncFull: Number(f.sync_full ?? 0),
        oom: errCount('OOM'),
        loading: errCount('LOADING'),
        evicted: Number(f.evicted_keys ?? 0),
      });
    }),
  );
  return out;
}

/** Growth of a counter between two readings; a node restarted in between counts from 0. */
function growth(
  before: Map<string, NodeCounters>,
  after: Map<string, NodeCounters>,
  k: keyof NodeCounters,
): { total: number; byNode: Array<{ node: string; count: number }> } {
  let total = 0;
  const byNode: Array<{ node: string; count: number }> = [];
  for (const [name, a] of after) {
    const b = before.get(name)?.[k] ?? 0;
    const d = a[k] >= b ? a[k] - b : a[k];
    if (d > 0) byNode.push({ node: name, count: d });
    total += d;
  }
  return { total, byNode };
}

export async function runDrill(o: RunDrillOptions): Promise<DrillOutcome> {
  const plan = o.plan;
  const log = o.log ?? (() => {});
  const runId = o.runId ?? newRunId();
  const testid = testId(runId);
  const startMs = Date.now();
  const events: ReportEvent[] = [];
  const steps: ReportStep[] = [];
  const timeline = new Timeline(startMs);
  const metrics = new DrillMetrics(testid, plan.runbook);
  const abort = new AbortController();
  let status: DrillStatus = 'passed';
  let reason: string | null = null;
  let interrupted = false;

  // Set once the topology is up: keeps the drill's SIGINT cleanup the most recent one.
  let rearmInterrupt: (() => void) | null = null;
  const addEvent = (source: EventSource, kind: string, node?: string, detail?: string, atMs = Date.now()) => {
    events.push({ atMs, at: new Date(atMs).toISOString(), t: (atMs - startMs) / 1000, source, kind, node, detail });
    metrics.event(source, kind);
    // A fault just registered its own undo: re-register ours after it, so on SIGINT the drill
    // restores (and records) everything before the bare undos and the process stops run.
    if (kind === 'freeze' || kind === 'fault' || kind === 'client-pause') rearmInterrupt?.();
  };
  const abortDrill = (why: string) => {
    if (abort.signal.aborted) return;
    reason = why;
    addEvent('drill', 'abort', undefined, why);
    abort.abort(new AbortedError(why));
  };

  let pusher: RemoteWritePusher | null = null;
  if (o.remoteWrite) {
    pusher = startRemoteWritePush({
      ...o.remoteWrite,
      registry: metrics.registry,
      intervalMs: 1000,
      labels: { testid },
      onError: (m) => log(`remote write: ${m}`),
    });
  }

  const work = makeWorkDir(`drill-${plan.runbook}`, o.workRoot);
  const ports = o.ports ?? new PortAllocator();
  const password = plan.topology.auth ? randomBytes(18).toString('base64url') : undefined;
  let topology: Topology | null = null;
  let writer: Writer | null = null;
  let writeResult: WriteResult | null = null;
  const ledgers: Array<{ path: string; prefix: string }> = [];
  const burstResults: WriteBurstResult[] = [];
  const timers: NodeJS.Timeout[] = [];
  let primaryAtStart: string | null = null;
  let primaryAtEnd: string | null = null;
  let faultAtMs: number | null = null;
  let before = new Map<string, NodeCounters>();
  let unregisterInterrupt: (() => void) | null = null;
  let finished: Promise<void> = Promise.resolve();
  let resolveFinished: () => void = () => {};

  const sleep = (ms: number) =>
    new Promise<void>((res, rej) => {
      if (abort.signal.aborted) return rej(abort.signal.reason);
      const timer = setTimeout(() => {
        abort.signal.removeEventListener('abort', onAbort);
        res();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        rej(abort.signal.reason);
      };
      abort.signal.addEventListener('abort', onAbort, { once: true });
    });

  try {
    // 1. topology
    log(
      `drill ${plan.runbook}${plan.variant ? ` (${plan.variant})` : ''}: ${o.target ? `attaching to ${describeAttachTarget(o.target)}` : `starting a ${plan.topology.kind} topology`}`,
    );
    try {
      if (o.target) {
        const attached = await attachTopology(o.target);
        topology = attached;
        attached.events.on('event', (e) => addEvent(sourceOf(e, attached.kind), e.kind, e.node, e.detail, e.atMs));
      } else {
        topology = await startTopology(specOf(plan, password), {
          ports,
          dir: join(work.path, 'topology'),
          onEvent: (e) => addEvent(sourceOf(e, plan.topology.kind), e.kind, e.node, e.detail, e.atMs),
        });
      }
    } catch (err) {
      if (o.target) throw err;
      throw new UserError(
        `drill ${plan.runbook}: the ${plan.topology.kind} topology could not start: ${userMessage(err).split('\n')[0]}`,
        3,
      );
    }
    const t = topology;
    o.onTopology?.(t);
    finished = new Promise<void>((r) => {
      resolveFinished = r;
    });
    // SIGINT/SIGTERM: abort the drill, then let this function restore (thaw, heal), stop and
    // report. Cleanups run last-registered first, so this is re-registered before every step:
    // it must run before the processes' own stops and the faults' bare undos.
    const armInterrupt = () => {
      unregisterInterrupt?.();
      unregisterInterrupt = registerCleanup(`drill ${plan.runbook}`, async () => {
        interrupted = true;
        abortDrill('interrupted (SIGINT/SIGTERM)');
        await finished;
      });
    };
    armInterrupt();
    rearmInterrupt = armInterrupt;
    const connection = connectionOf(t);

    const initialNodes = t.nodes.map((n) => n.name);

    if (o.beforeSteps) await o.beforeSteps(t);
    // 2. preconditions
    const pre = plan.preconditions;
    if (pre.fillPercent !== undefined || pre.fillKeys !== undefined) {
      log(`filling ${pre.fillPercent !== undefined ? `to ${pre.fillPercent}% of maxmemory` : `${pre.fillKeys} keys`}`);
      const fill = await runFill({
        connection,
        runId,
        keyPrefix: keyPrefix(runId),
        keys: pre.fillKeys ?? 0,
        untilMemory: pre.fillPercent !== undefined ? `${pre.fillPercent}%` : undefined,
        valueSize: pre.fillValueSize ?? 100,
        allowEviction: plan.topology.maxmemoryPolicy !== undefined && plan.topology.maxmemoryPolicy !== 'noeviction',
        maxSeconds: 300,
      });
      addEvent(
        'drill',
        'fill',
        undefined,
        `${fill.keys} keys, used_memory ${fill.usedMemory ?? '?'} of ${fill.maxmemory ?? '?'} (${fill.stoppedBy})`,
      );
      if (t.kind !== 'standalone') {
        await makeDrillActions({
          topology: t,
          signal: abort.signal,
          initialNodes,
          initialPrimary: '',
          allowDestructive: true,
          confirmNonLoopback: false,
          seenEvents: () => events,
          write: async () => ({ acked: 0, failed: 0, unknown: 0 }),
        }).waitFor({ kind: 'caught-up', node: 'replicas' }, 60_000, Date.now());
      }
    }
    before = await nodeCounters(t);
    primaryAtStart = (await t.currentPrimary()).name;

    // 3. background workload
    const writeMetricsFor = () => new DrillWriteMetrics(testid, metrics.registry, timeline);
    if (plan.workload.kind === 'write') {
      const ledger = join(work.path, 'workload.ledger');
      const prefix = `${keyPrefix(runId)}w:`;
      writer = await startWriter(
        {
          connection,
          runId,
          keyPrefix: prefix,
          ledgerPath: ledger,
          rate: plan.workload.rate ?? 1000,
          valueSize: plan.workload.valueSize ?? 64,
          readRate: plan.workload.reads ? Math.min(1000, Math.max(20, Math.round((plan.workload.rate ?? 1000) / 2))) : 0,
          timeoutMs: plan.workload.opTimeout ?? 500,
          concurrency: 16,
          // Reconnect quickly: the window closes at the first success after the fault, so a
          // long backoff would be measured as unavailability.
          backoffMinMs: 5,
          backoffMaxMs: 50,
        },
        writeMetricsFor(),
      );
      ledgers.push({ path: ledger, prefix });
      addEvent('writer', 'workload-start', undefined, `write ${plan.workload.rate ?? 1000}/s`);
      const w = writer;
      let last = { acked: 0, bad: 0 };
      const sample = () => {
        const s = w.snapshot();
        const now = Date.now();
        timeline.ops(now, s.acked - last.acked);
        timeline.errors(now, s.failed + s.unknown - last.bad);
        last = { acked: s.acked, bad: s.failed + s.unknown };
        const max = plan.abort.maxWriteUnavailable;
        if (max !== undefined && s.writeWindow && now - s.writeWindow.startMs > max)
          abortDrill(`writes unavailable for more than ${max} ms (abort.maxWriteUnavailable)`);
      };
      timers.push(setInterval(sample, 100));
      w.on('window', ({ op, window }) =>
        addEvent(
          'writer',
          `${op}-window`,
          undefined,
          `${window.durationMs} ms: ${Object.entries(window.errors)
            .map(([k, n]) => `${k}=${n}`)
            .join(', ')}`,
          window.endMs,
        ),
      );
      w.on('masterChanged', ({ from, to }) => addEvent('writer', 'client-moved', undefined, `${from} → ${to}`));
    }
    if (plan.abort.maxDuration !== undefined) {
      const max = plan.abort.maxDuration;
      timers.push(setTimeout(() => abortDrill(`the drill ran longer than ${max} ms (abort.maxDuration)`), max));
    }
    // Watch roles: a replica turning master is a 'promoted' event (failover time without
    // Sentinel events, e.g. Cluster or FAILOVER); the Sentinels' choice changing is 'primary-changed'.
    let lastPrimary = primaryAtStart;
    const roles = new Map<string, string>();
    let polling = false;
    timers.push(
      setInterval(() => {
        if (polling) return;
        polling = true;
        const polls: Array<Promise<unknown>> = t.nodes.map(async (n) => {
          if (n.process && n.process.status !== 'running') {
            roles.set(n.name, 'down');
            return;
          }
          const r = await redisOnce(n.port, ['ROLE'], { host: n.host, password: t.password, timeoutMs: 500 }).catch(() => null);
          const role = Array.isArray(r) ? String(r[0]) : 'unknown';
          const prev = roles.get(n.name);
          if (prev === 'slave' && role === 'master') addEvent('topology', 'promoted', n.name, 'replica → master');
          if (role !== 'unknown') roles.set(n.name, role);
        });
        if (t.kind !== 'cluster')
          polls.push(
            t.currentPrimary().then((p) => {
              if (p.name !== lastPrimary) {
                addEvent('topology', 'primary-changed', p.name, `${lastPrimary} → ${p.name}`);
                lastPrimary = p.name;
              }
            }),
          );
        void Promise.allSettled(polls).finally(() => {
          polling = false;
        });
      }, 100),
    );
    if (pre.warmup) await sleep(pre.warmup);

    // 4. steps
    /** The step actions over this drill's topology (the steps' and the rollback's). */
    const initialPrimary = primaryAtStart;
    const actionsFor = (signal: AbortSignal, write: ActionsDeps['write']) =>
      makeDrillActions({
        topology: t,
        signal,
        initialNodes,
        initialPrimary,
        allowDestructive: o.allowDestructive ?? false,
        confirmNonLoopback: o.confirmNonLoopback ?? false,
        seenEvents: () => events,
        write,
      });
    const actions = actionsFor(abort.signal, async (count, valueSize) => {
      const ledger = join(work.path, `step-${ledgers.length}.ledger`);
      const prefix = `${keyPrefix(runId)}s${ledgers.length}:`;
      ledgers.push({ path: ledger, prefix });
      const w = await startWriter({
        connection,
        runId,
        keyPrefix: prefix,
        ledgerPath: ledger,
        maxWrites: count,
        valueSize,
        concurrency: 8,
        timeoutMs: 2000,
      });
      const onAbort = () => void w.stop();
      abort.signal.addEventListener('abort', onAbort, { once: true });
      const r = await w.done;
      abort.signal.removeEventListener('abort', onAbort);
      const res = { acked: r.acked, failed: r.failed, unknown: r.unknown };
      burstResults.push(res);
      return res;
    });
    const aborted = new Promise<never>((_, reject) => {
      abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true });
    });
    aborted.catch(() => undefined);
    const stepsStart = Date.now();
    let prevStart = stepsStart;
    const runStep = async (s: PlannedStep, list: ReportStep[], phase: 'step' | 'rollback') => {
      if (s.atMs !== undefined && phase === 'step') {
        const wait = stepsStart + s.atMs - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const def = stepDefinition(s.action);
      if (!def) throw new UserError(`unknown step ${s.action}`);
      armInterrupt();
      const started = Date.now();
      const rs: ReportStep = {
        index: s.index,
        action: s.action,
        label: phase === 'rollback' ? `rollback: ${s.label}` : s.label,
        startMs: started,
        endMs: null,
        ok: null,
      };
      list.push(rs);
      if (s.destructive && faultAtMs === null && phase === 'step') faultAtMs = started;
      addEvent('step', s.action, undefined, rs.label, started);
      log(`  ${((started - startMs) / 1000).toFixed(1)} s  ${rs.label}`);
      const ctx: StepContext = {
        actions,
        sleep,
        note: (kind, detail) => addEvent('drill', kind, undefined, detail),
        startedMs: started,
        sinceMs: prevStart,
      };
      prevStart = started;
      try {
        // A step that does not watch the abort signal (e.g. a scale-out waiting for a sync)
        // must not hold up the abort: race it, and let the topology's stop end it.
        await Promise.race([def.run(ctx, s.params as never), aborted]);
        rs.ok = true;
      } catch (err) {
        rs.ok = false;
        rs.error = err instanceof AbortedError ? `aborted: ${err.message}` : userMessage(err).split('\n')[0];
        throw err;
      } finally {
        rs.endMs = Date.now();
      }
    };
    try {
      for (const s of plan.steps) await runStep(s, steps, 'step');
    } catch (err) {
      if (!abort.signal.aborted)
        abortDrill(`step ${steps.length} (${steps[steps.length - 1]?.label ?? '?'}) failed: ${userMessage(err).split('\n')[0]}`);
      status = interrupted ? 'interrupted' : 'aborted';
    }

    // 5. rollback (only when aborted) and restore (always)
    if (status !== 'passed' && plan.rollback.length > 0 && !interrupted) {
      const rb = new AbortController();
      const rbActions = actionsFor(rb.signal, async () => ({ acked: 0, failed: 0, unknown: 0 }));
      const timer = setTimeout(() => rb.abort(new AbortedError('rollback took longer than 60 s')), 60_000);
      for (const s of plan.rollback) {
        const def = stepDefinition(s.action);
        if (!def) continue;
        const rs: ReportStep = {
          index: s.index,
          action: s.action,
          label: `rollback: ${s.label}`,
          startMs: Date.now(),
          endMs: null,
          ok: null,
        };
        steps.push(rs);
        addEvent('step', s.action, undefined, rs.label);
        try {
          await def.run(
            {
              actions: rbActions,
              sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
              note: (k, d) => addEvent('drill', k, undefined, d),
              startedMs: rs.startMs,
              sinceMs: rs.startMs,
            },
            s.params as never,
          );
          rs.ok = true;
        } catch (err) {
          rs.ok = false;
          rs.error = userMessage(err).split('\n')[0];
        } finally {
          rs.endMs = Date.now();
        }
      }
      clearTimeout(timer);
    }
    const restored = await restoreTopology(t).catch(() => [] as string[]);
    if (restored.length) addEvent('drill', 'restore', undefined, restored.join(', '));

    // 6. let the workload recover, then stop it
    if (writer) {
      if (!interrupted) {
        const until = Date.now() + 5000;
        while (Date.now() < until && writer.snapshot().writeWindow !== null) await new Promise((r) => setTimeout(r, 50));
        await new Promise((r) => setTimeout(r, 300));
      }
      writeResult = await writer.stop();
      writer = null;
      addEvent(
        'writer',
        'workload-stop',
        undefined,
        `${writeResult.acked} acked, ${writeResult.failed} failed, ${writeResult.unknown} unknown`,
      );
    }
    for (const x of timers) clearInterval(x);
    timers.length = 0;

    // 7. measure
    let audit: DrillReport['audit'] = null;
    let ackedLost: number | null = null;
    let verify: VerifyOutcome | null = null;
    let clusterOk: boolean | null = null;
    if (!interrupted) {
      if (ledgers.length > 0) {
        try {
          const a = { acked: 0, ackedLost: 0, ackedCorrupt: 0, unknownPresent: 0, failedPresent: 0 };
          for (const l of ledgers) {
            const r = await runAudit({ ledgerPath: l.path, connection: connectionOf(t), runId, allowLoss: Number.MAX_SAFE_INTEGER });
            a.acked += r.acked;
            a.ackedLost += r.ackedLost;
            a.ackedCorrupt += r.ackedCorrupt;
            a.unknownPresent += r.unknownPresent;
            a.failedPresent += r.failedPresent;
          }
          audit = a;
          ackedLost = a.ackedLost + a.ackedCorrupt;
          addEvent('check', 'audit', undefined, `${a.acked} acknowledged, ${a.ackedLost} lost, ${a.ackedCorrupt} corrupt`);
        } catch (err) {
          addEvent('check', 'audit-failed', undefined, userMessage(err).split('\n')[0]);
        }
      }
      if (plan.checks.verify) verify = await verifyReplicas(t, runId, (k, d) => addEvent('check', k, undefined, d));
      if (t.kind === 'cluster') {
        clusterOk = await waitClusterOk(t, 10_000).then(
          () => true,
          () => false,
        );
      }
    }
    primaryAtEnd = await t
      .currentPrimary()
      .then((p) => p.name)
      .catch(() => null);
    const after = await nodeCounters(t);
    const fullSync = growth(before, after, 'syncFull');
    const oom = growth(before, after, 'oom');
    const evicted = growth(before, after, 'evicted');
    const loadingErrors = writeResult ? (writeResult.errors.LOADING ?? 0) : growth(before, after, 'loading').total;
    const fo = failoverSeconds(faultAtMs, events, NEW_PRIMARY_EVENTS);
    const m: DrillMeasurements = {
      writeUnavailableMs: writeResult ? Math.round(writeResult.writeUnavailableMs) : null,
      readUnavailableMs: writeResult && plan.workload.reads ? Math.round(writeResult.readUnavailableMs) : null,
      ackedLost,
      verify,
      fullSyncs: fullSync.total,
      loadingErrors,
      failoverSeconds: fo,
      primaryChanged: primaryAtEnd !== null && primaryAtEnd !== primaryAtStart,
      clusterStateOk: clusterOk,
      oomErrors: Math.max(oom.total, writeResult?.errors.OOM ?? 0),
      evictions: evicted.total,
    };
    const checks = interrupted ? [] : evaluateChecks(plan.checks, m);
    if (status === 'passed' && checks.some((c) => !c.ok)) status = 'failed';
    const report: DrillReport = {
      ...reportHead(Date.now(), status === 'aborted' || status === 'interrupted', t.kind),
      topology: { kind: t.kind, nodes: t.nodes.map((n) => n.name), primaryAtStart, primaryAtEnd },
      checks,
      writeUnavailableMs: m.writeUnavailableMs,
      readUnavailableMs: m.readUnavailableMs,
      ackedLost,
      fullSyncs: m.fullSyncs,
      loadingErrors,
      failoverSeconds: fo,
      oomErrors: m.oomErrors,
      evictions: m.evictions,
      writeWindows: roundWindows(writeResult?.writeWindows ?? []),
      readWindows: plan.workload.reads ? roundWindows(writeResult?.readWindows ?? []) : [],
      loadingPeriods: (writeResult?.writeWindows ?? [])
        .filter((w) => (w.errors.LOADING ?? 0) > 0)
        .map((w) => ({ startMs: w.startMs, endMs: w.endMs })),
      fullSyncNodes: fullSync.byNode,
      workload: writeResult
        ? {
            kind: plan.workload.kind,
            attempted: writeResult.attempted,
            acked: writeResult.acked,
            failed: writeResult.failed,
            unknown: writeResult.unknown,
            errors: writeResult.errors,
            p99Ms: writeResult.latencyMs.p99,
          }
        : null,
      audit,
      steps,
      events: events.slice().sort((a, b) => a.atMs - b.atMs),
      series: timeline.points(),
    };
    metrics.finish(report);
    return finish(report);
  } catch (err) {
    if (!topology) throw err;
    // An unexpected failure after the topology started: still a (partial) report.
    status = interrupted ? 'interrupted' : 'error';
    reason = reason ?? userMessage(err).split('\n')[0] ?? 'error';
    const report = emptyReport(Date.now());
    metrics.finish(report);
    return finish(report);
  } finally {
    for (const x of timers) {
      clearInterval(x);
      clearTimeout(x);
    }
    if (writer) await writer.stop().catch(() => undefined);
    if (topology) {
      await restoreTopology(topology).catch(() => undefined);
      await topology.stop().catch((err: Error) => log(`stopping the topology: ${err.message}`));
      await stopLeftovers(topology, log);
    }
    if (pusher) await pusher.stop().catch(() => undefined);
    if (!o.keepWorkDir) work.remove();
    (unregisterInterrupt as (() => void) | null)?.();
    resolveFinished();
  }

  /** What every report starts with: the run's identity, verdict so far and times. */
  function reportHead(endMs: number, partial: boolean, kind: string) {
    return {
      runbook: plan.runbook,
      variant: plan.variant,
      vars: plan.vars,
      description: plan.description,
      testid,
      runId,
      status,
      partial,
      reason,
      startedAt: new Date(startMs).toISOString(),
      endedAt: new Date(endMs).toISOString(),
      startMs,
      endMs,
      durationSeconds: (endMs - startMs) / 1000,
      target: o.target ? describeAttachTarget(o.target) : `embedded ${kind}`,
    };
  }

  /** The report of a run that failed before it could measure anything. */
  function emptyReport(endMs: number): DrillReport {
    return {
      ...reportHead(endMs, true, plan.topology.kind),
      topology: { kind: plan.topology.kind, nodes: topology?.nodes.map((n) => n.name) ?? [], primaryAtStart, primaryAtEnd },
      checks: [],
      writeUnavailableMs: writeResult ? Math.round(writeResult.writeUnavailableMs) : null,
      readUnavailableMs: null,
      ackedLost: null,
      fullSyncs: null,
      loadingErrors: writeResult?.errors.LOADING ?? 0,
      failoverSeconds: failoverSeconds(faultAtMs, events, NEW_PRIMARY_EVENTS),
      oomErrors: null,
      evictions: null,
      writeWindows: roundWindows(writeResult?.writeWindows ?? []),
      readWindows: [],
      loadingPeriods: [],
      fullSyncNodes: [],
      workload: null,
      audit: null,
      steps,
      events: events.slice().sort((a, b) => a.atMs - b.atMs),
      series: timeline.points(),
    };
  }

  function finish(report: DrillReport): DrillOutcome {
    const dir = o.reportDir ?? resolve(reportDirOf(runId));
    const files = writeDrillReport(dir, report, o.log);
    report.files = files;
    const exitCode =
      report.status === 'passed'
        ? DRILL_EXIT.passed
        : report.status === 'failed'
          ? DRILL_EXIT.failed
          : report.status === 'interrupted'
            ? DRILL_EXIT.interrupted
            : report.status === 'aborted'
              ? DRILL_EXIT.aborted
              : DRILL_EXIT.error;
    return { report, files, exitCode };
  }
}

/** Belt and braces: whatever the topology's stop() left running is stopped here. */
async function stopLeftovers(t: Topology, log: (line: string) => void): Promise<void> {
  const procs = [...t.nodes.map((n) => n.process), ...t.sentinels.map((s) => s.process), t.haproxy?.process ?? null];
  const left = procs.filter((p) => p?.running);
  if (left.length > 0) {
    log(`stopping ${left.length} process(es) the topology left running: ${left.map((p) => p?.name).join(', ')}`);
    await Promise.all(left.map((p) => p?.stop(3000)));
  }
  for (const n of t.nodes) await n.proxy?.stop().catch(() => undefined);
}

function roundWindows(ws: ReportWindow[]): ReportWindow[] {
  const r = (x: number) => Math.round(x * 10) / 10;
  return ws.map((w) => ({ ...w, startMs: r(w.startMs), endMs: r(w.endMs), durationMs: r(w.durationMs) }));
}
