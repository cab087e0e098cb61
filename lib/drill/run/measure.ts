/**
 * Phase 6, measure: audit every ledger against the topology, verify the replicas, wait
 * for cluster ok, read the counters again (full syncs, OOM, LOADING, evictions) and the
 * failover time. An interrupted run measures nothing it would have to wait for.
 */
import { userMessage } from '../../core/errors.js';
import { runAudit } from '../../integrity/audit/audit.js';
import { redisOnce } from '../../redis/once.js';
import { parseInfo } from '../../stack/info.js';
import { nodeAuth } from '../../topology/node-auth.js';
import { waitClusterOk } from '../../topology/start.js';
import type { Topology } from '../../topology/types.js';
import { type DrillMeasurements, failoverSeconds, NEW_PRIMARY_EVENTS, type VerifyOutcome } from '../checks.js';
import { type ServiceFigures, serviceFigures } from '../game-day/figures.js';
import { lagMeasurementsOf } from '../lag-checks.js';
import type { DrillReport } from '../report/types.js';
import { pairs } from '../report/windows.js';
import { verifyReplicas } from '../verify-replicas.js';
import { connectionOf } from './connection.js';
import { serviceRecording } from './service.js';
import type { NodeCounters, RunState } from './state.js';
import { measuresSplitBrain } from './write-acceptance.js';

export interface Measured {
  m: DrillMeasurements;
  audit: DrillReport['audit'];
  fullSyncNodes: Array<{ node: string; count: number }>;
  service: ServiceFigures | null;
}

export async function measurePhase(s: RunState): Promise<Measured> {
  const { t, plan } = s;
  let audit: DrillReport['audit'] = null;
  let verify: VerifyOutcome | null = null;
  let clusterOk: boolean | null = null;
  if (!s.interrupted) {
    if (s.ledgers.length > 0) audit = await auditLedgers(s);
    if (plan.checks.verify) verify = await verifyReplicas(t, s.runId, (k, d) => s.addEvent('check', k, undefined, d));
    if (t.kind === 'cluster')
      clusterOk = await waitClusterOk(t, 10_000)
        .then(() => true)
        .catch(() => false);
  }
  s.primaryAtEnd = (await t.currentPrimary().catch(() => null))?.name ?? null;
  const after = await nodeCounters(t);
  const fullSync = growth(s.before, after, 'syncFull');
  const wr = s.writeResult;
  const ackedLost = audit ? audit.ackedLost + audit.ackedCorrupt : null;
  const m: DrillMeasurements = {
    writeUnavailableMs: wr ? Math.round(wr.writeUnavailableMs) : null,
    readUnavailableMs: wr && plan.workload.reads ? Math.round(wr.readUnavailableMs) : null,
    ackedLost,
    writeStepsAcked: s.burstResults.length > 0 ? s.burstResults.reduce((a, r) => a + r.acked, 0) : null,
    verify,
    fullSyncs: fullSync.total,
    loadingErrors: wr ? (wr.errors.LOADING ?? 0) : growth(s.before, after, 'loading').total,
    failoverSeconds: failoverSeconds(s.faultAtMs, s.events, NEW_PRIMARY_EVENTS),
    primaryChanged: s.primaryAtEnd !== null && s.primaryAtEnd !== s.primaryAtStart,
    clusterStateOk: clusterOk,
    oomErrors: Math.max(growth(s.before, after, 'oom').total, wr?.errors.OOM ?? 0),
    evictions: growth(s.before, after, 'evicted').total,
  };
  if (measuresSplitBrain(s)) {
    const spec = s.t.spec;
    m.lag = lagMeasurementsOf(s.events, {
      oldPrimary: s.primaryAtStart,
      lagS: spec.minReplicasToWrite > 0 ? spec.minReplicasMaxLagS : null,
      noReplicas: wr?.errors.NOREPLICAS ?? 0,
      ackSamples: s.ackSamples,
    });
  }
  const service = s.service?.log ? serviceFigures(serviceRecording(s, s.service)) : null;
  if (service) {
    m.service = service.measurements;
    serviceEvents(s, service);
  }
  return { m, audit, fullSyncNodes: fullSync.byNode, service };
}

/** The alerts' and the service's moments on the drill's timeline. */
function serviceEvents(s: RunState, f: ServiceFigures): void {
  for (const a of f.alerts) {
    const labels = Object.keys(a.labels).length ? ` ${pairs(a.labels, ' ')}` : '';
    const what = `${a.severity ?? 'no severity'}${labels}${a.forSeconds !== null ? `; for: ${a.forSeconds}s` : ''}`;
    if (a.pendingAtMs !== null) s.addEvent('alert', 'alert-pending', a.name, what, a.pendingAtMs);
    if (a.firingAtMs !== null) s.addEvent('alert', 'alert-firing', a.name, what, a.firingAtMs);
    if (a.resolvedAtMs !== null) s.addEvent('alert', 'alert-resolved', a.name, what, a.resolvedAtMs);
  }
  const r = f.report;
  if (r.firstFailureAtMs !== null)
    s.addEvent('service', 'first-failed-request', undefined, 'the first request after the fault that failed', r.firstFailureAtMs);
  if (r.firstGoodResponseAtMs !== null)
    s.addEvent('service', 'first-good-response', undefined, 'the first good answer after the first failure', r.firstGoodResponseAtMs);
  if (r.recoveredAtMs !== null)
    s.addEvent('service', 'recovered', undefined, `success ratio >= ${r.slo} for ${r.recoverForMs / 1000} s from here`, r.recoveredAtMs);
}

/** Audit every ledger (the workload's and each write step's); null when the audit could not run. */
async function auditLedgers(s: RunState): Promise<DrillReport['audit']> {
  try {
    const a = { acked: 0, ackedLost: 0, ackedCorrupt: 0, unknownPresent: 0, failedPresent: 0 };
    for (const l of s.ledgers) {
      const r = await runAudit({ ledgerPath: l.path, connection: connectionOf(s.t), runId: s.runId, allowLoss: Number.MAX_SAFE_INTEGER });
      for (const k of Object.keys(a) as Array<keyof typeof a>) a[k] += r[k];
    }
    s.addEvent('check', 'audit', undefined, `${a.acked} acknowledged, ${a.ackedLost} lost, ${a.ackedCorrupt} corrupt`);
    return a;
  } catch (err) {
    s.addEvent('check', 'audit-failed', undefined, userMessage(err).split('\n')[0]);
    return null;
  }
}

/** sync_full, OOM and LOADING error counts and evicted_keys of every running node. */
export async function nodeCounters(t: Topology): Promise<Map<string, NodeCounters>> {
  const out = new Map<string, NodeCounters>();
  await Promise.all(
    t.nodes.map(async (n) => {
      if (n.process && n.process.status !== 'running') return;
      const r = await redisOnce(n.port, ['INFO', 'stats', 'errorstats'], { ...nodeAuth(t, n), timeoutMs: 2000 }).catch(() => null);
      if (r === null || r instanceof Error || Array.isArray(r)) return;
      const f = parseInfo(String(r));
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
