/**
 * Shipped runbooks end to end with their default variables (the accuracy, window and CLI
 * tests run known-loss, planned-switchover, freeze-window and maxmemory-policy).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../../lib/drill/load.js';
import { runDrill } from '../../../lib/drill/runner.js';
import type { Topology } from '../../../lib/topology/types.js';
import { ports, tmpDir } from '../../support/namespace.js';

describe('shipped runbooks', () => {
  it('primary-fails: Sentinel fails over on its own, the old primary rejoins, replicas verify equal', async () => {
    const [plan] = loadRunbook('primary-fails').plans;
    const dir = tmpDir('primary-fails');
    let topo: Topology | null = null;
    const r = await runDrill({ plan: plan!, ports, reportDir: dir, onTopology: (t) => (topo = t) });
    const rep = r.report;
    // the verdict the runbook is written to reach: passed, no acknowledged write lost
    expect(rep.status, JSON.stringify(rep.checks)).toBe('passed');
    expect(r.exitCode).toBe(0);
    expect(rep.ackedLost).toBe(0);
    expect(rep.audit?.acked).toBeGreaterThan(0);
    expect(rep.reason).toBeNull();
    expect(rep.events.some((e) => e.kind === 'fill')).toBe(true);
    expect(rep.events.some((e) => e.kind === '+switch-master')).toBe(true);
    expect(rep.events.some((e) => e.kind === 'restart' && e.node === 'primary')).toBe(true);
    expect(rep.failoverSeconds).toBeGreaterThan(0.5);
    expect(rep.failoverSeconds).toBeLessThan(15);
    // writes stopped when the primary died and resumed on the new one
    expect(rep.writeUnavailableMs).toBeGreaterThan(0);
    expect(rep.writeWindows.length).toBeGreaterThan(0);
    expect(rep.checks.find((c) => c.name === 'verify')?.ok).toBe(true);
    expect(rep.topology.primaryAtEnd).not.toBe('primary');
    expect(rep.checks.map((c) => c.name).sort()).toEqual([
      'ackedLost',
      'failoverWithin',
      'maxReadUnavailable',
      'maxWriteUnavailable',
      'verify',
    ]);
    expect(rep.checks.every((c) => c.ok)).toBe(true);
    for (const n of (topo as unknown as Topology).nodes) expect(n.process?.running).toBe(false);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('| time to failover |');
  });

  it('cluster-master-fails: a replica takes over the slots and the cluster returns to ok', async () => {
    const [plan] = loadRunbook('cluster-master-fails').plans;
    const r = await runDrill({ plan: plan!, ports, reportDir: tmpDir('cluster') });
    const rep = r.report;
    // passed, with the loss inside the runbook's limit (asynchronous replication may lose the
    // crashed master's last writes; the audit counts them)
    expect(rep.status, JSON.stringify(rep.checks)).toBe('passed');
    expect(r.exitCode).toBe(0);
    expect(rep.checks.find((c) => c.name === 'ackedLost')).toMatchObject({ ok: true, limit: '<= 1000' });
    expect(rep.ackedLost).toBe(rep.audit?.ackedLost);
    expect(rep.ackedLost).toBeLessThanOrEqual(1000);
    expect(rep.reason).toBeNull();
    expect(rep.events.some((e) => e.kind === 'crash' && e.node === 'master-1')).toBe(true);
    expect(rep.events.some((e) => e.kind === 'promoted')).toBe(true);
    // the cluster's own view (cluster-watch: +pfail/+fail/cluster-state) is on the timeline
    expect(rep.events.some((e) => e.source === 'cluster')).toBe(true);
    expect(rep.checks.find((c) => c.name === 'clusterStateOk')).toMatchObject({ ok: true, measured: true });
    // every shard's master against its replica, the restarted master-1 included
    const verify = rep.checks.find((c) => c.name === 'verify');
    expect(verify, JSON.stringify(rep.checks)).toMatchObject({ ok: true, measured: 0 });
    const shards = verify?.detail?.split(' | ') ?? [];
    expect(shards).toHaveLength(3);
    for (const s of shards) expect(s).toMatch(/^\w+-\d vs \w+-\d: 0 conflict\(s\) in [1-9]\d* keys$/);
    // master-1's replica is master now, the restarted master-1 its replica
    expect(
      shards.filter((s) => /^replica-\d vs master-1: /.test(s)),
      shards.join('\n'),
    ).toHaveLength(1);
    expect(rep.failoverSeconds).toBeGreaterThan(1);
    expect(rep.writeUnavailableMs).toBeGreaterThan(0);
    expect(rep.series.some((p) => p.ops > 0)).toBe(true);
  });
});
