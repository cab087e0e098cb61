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
import { loadRunbook } from '../../../lib/drill/load.js';
import { runDrill } from '../../../lib/drill/runner.js';
import { activeFaults } from '../../../lib/faults/index.js';
import type { Topology } from '../../../lib/topology/types.js';
import { ports, tmpDir } from '../../support/namespace.js';

function assertNothingLeft(t: Topology | null): void {
  expect(t).not.toBeNull();
  const topo = t as Topology;
  for (const n of topo.nodes) {
    expect(n.process?.running, `${n.name} still running`).toBe(false);
    expect(n.proxy?.fault ?? null, `${n.name} proxy fault`).toBeNull();
  }
  for (const s of topo.sentinels) expect(s.process?.running, `${s.name} still running`).toBe(false);
  expect(activeFaults(topo)).toEqual([]);
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
    expect(r.report.failoverSeconds).not.toBeNull();
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
    expect(r.report.failoverSeconds).not.toBeNull();
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
    expect(bare.report.ackedLost).toBeGreaterThan(0);
    expect(bare.report.checks.find((c) => c.name === 'ackedLost')?.ok).toBe(false);
    assertNothingLeft(topo);
  });
});
