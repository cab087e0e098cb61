/**
 * Accuracy on real processes: a drill that destroys a known number of acknowledged writes
 * reports exactly that number; a planned switchover (CLUSTER FAILOVER, or SENTINEL FAILOVER
 * with writes paused) reports zero while a bare SENTINEL FAILOVER loses writes; and
 * after each drill no process is left running and no fault is left applied.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { NEW_PRIMARY_EVENTS } from '../../../lib/drill/checks.js';
import { loadRunbook } from '../../../lib/drill/load.js';
import { runDrill } from '../../../lib/drill/runner.js';
import type { Topology } from '../../../lib/topology/types.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { assertNothingLeft } from '../../support/topology.js';

type Report = Awaited<ReturnType<typeof runDrill>>['report'];

/**
 * failoverSeconds is what the timeline says: from the first destructive step (`faultAction`)
 * to the first event after it that means a new primary is in place.
 */
function expectFailoverFromTimeline(r: Report, faultAction: string): number {
  const fault = r.steps.find((s) => s.action === faultAction);
  expect(fault, r.steps.map((s) => s.action).join(', ')).toBeDefined();
  const from = fault?.startMs as number;
  const promoted = r.events.find((e) => e.atMs >= from && (NEW_PRIMARY_EVENTS as readonly string[]).includes(e.kind));
  expect(promoted, JSON.stringify(r.events.map((e) => e.kind))).toBeDefined();
  expect(r.failoverSeconds).toBe(((promoted?.atMs as number) - from) / 1000);
  return promoted?.atMs as number;
}

describe('drill accuracy', () => {
  it('reports exactly N acknowledged writes lost when N writes never reached the winning replica', async () => {
    const N = 237;
    const rb = loadRunbook('known-loss', { set: { count: String(N) } });
    let topo: Topology | null = null;
    const r = await runDrill({ plan: rb.plans[0]!, ports, reportDir: tmpDir('known-loss'), onTopology: (t) => (topo = t) });
    expect(r.report.reason).toBeNull();
    expect(r.report.ackedLost).toBe(N);
    expect(r.report.audit?.acked).toBe(N);
    expect(r.report.checks.find((c) => c.name === 'ackedLost')).toMatchObject({ ok: true, measured: N, limit: `== ${N}` });
    // the fault is the replication blackhole; Sentinel can only promote after the crash plus down-after (1 s)
    const promotedAt = expectFailoverFromTimeline(r.report, 'network');
    const crashStep = r.report.steps.find((s) => s.action === 'crash');
    expect(promotedAt - (crashStep?.startMs as number)).toBeGreaterThanOrEqual(1000);
    expect(r.report.topology.primaryAtEnd).toBe('replica-1');
    expect(r.report.events.some((e) => e.kind === 'fault' && e.node === 'primary')).toBe(true);
    expect(r.report.events.some((e) => e.kind === '+switch-master')).toBe(true);
    expect(r.exitCode).toBe(0);
    assertNothingLeft(topo);
  });

  it('a planned switchover (CLUSTER FAILOVER) under continuous writes loses no acknowledged write', async () => {
    const rb = loadRunbook('planned-switchover', { set: { kind: 'cluster' } });
    let topo: Topology | null = null;
    const r = await runDrill({ plan: rb.plans[0]!, ports, reportDir: tmpDir('switchover'), onTopology: (t) => (topo = t) });
    expect(r.report.workload?.acked ?? 0).toBeGreaterThan(500);
    expect(r.report.ackedLost).toBe(0);
    expect(r.report.events.some((e) => e.kind === 'switchover-done')).toBe(true);
    expect(r.report.events.some((e) => e.kind === 'promoted')).toBe(true);
    // CLUSTER FAILOVER waits for the replica to catch up: the promotion follows the switchover step
    expectFailoverFromTimeline(r.report, 'switchover');
    expect(r.report.failoverSeconds).toBeLessThan(10);
    expect(r.report.status, JSON.stringify(r.report.checks)).toBe('passed');
    assertNothingLeft(topo);
  });

  it('a planned SENTINEL FAILOVER loses no acknowledged write with writes paused, and loses some without', async () => {
    const safe = await runDrill({
      plan: loadRunbook('planned-switchover', { set: { kind: 'sentinel' } }).plans[0]!,
      ports,
      reportDir: tmpDir('switchover-sentinel'),
    });
    expect(safe.report.workload?.acked ?? 0).toBeGreaterThan(500);
    expect(safe.report.ackedLost).toBe(0);
    expect(safe.report.events.some((e) => e.kind === 'client-pause')).toBe(true);
    expect(safe.report.status, JSON.stringify(safe.report.checks)).toBe('passed');

    // the same runbook with bare SENTINEL FAILOVER: the old primary acknowledges writes
    // until Sentinel demotes it, and they are gone after it resyncs
    const yaml = readFileSync(join(PROJECT_ROOT, 'runbooks/planned-switchover.yaml'), 'utf8').replace(
      '    method: auto\n',
      '    method: auto\n    pauseWrites: false\n',
    );
    const file = join(tmpDir('switchover-bare'), 'bare.yaml');
    writeFileSync(file, yaml);
    let topo: Topology | null = null;
    const bare = await runDrill({
      plan: loadRunbook(file, { set: { kind: 'sentinel' } }).plans[0]!,
      ports,
      reportDir: tmpDir('switchover-bare-report'),
      onTopology: (t) => (topo = t),
    });
    const rep = bare.report;
    expect(rep.ackedLost).toBeGreaterThan(0);
    expect(rep.checks.find((c) => c.name === 'ackedLost')?.ok).toBe(false);
    // the writer left the old primary once Sentinel announced the new one (within 2 s, on a
    // busy machine) ...
    const switched = rep.events.find((e) => e.kind === '+switch-master');
    const moved = rep.events.find((e) => e.kind === 'client-moved' && e.atMs >= (switched?.atMs ?? 0) - 2000);
    expect(switched, JSON.stringify(rep.events.map((e) => e.kind))).toBeDefined();
    expect(moved, JSON.stringify(rep.events.map((e) => `${e.kind} ${e.detail ?? ''}`))).toBeDefined();
    expect((moved?.atMs as number) - (switched?.atMs as number)).toBeLessThan(2000);
    // ... so the loss is only what the old master acknowledged between the switchover and the
    // move (the workload writes at 500/s), not a writer stuck on the demoted node
    const switchStep = rep.steps.find((s) => s.action === 'switchover');
    const splitMs = (moved?.atMs as number) - (switchStep?.startMs as number);
    expect(rep.ackedLost).toBeLessThanOrEqual(Math.ceil((500 * splitMs) / 1000) + 50);
    expect(rep.audit?.ackedLost).toBe(rep.ackedLost);
    assertNothingLeft(topo);
  });
});
