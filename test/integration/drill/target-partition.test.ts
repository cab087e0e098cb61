/**
 * Partition drills with `drill run --target` against a Sentinel group this test started
 * itself (every node and Sentinel on a loopback address of its own, no fault proxies): the
 * drill cuts by address with nftables, the drill's writer leaves from an address of its own,
 * and the figures are those of the embedded runs — exactly N lost with default settings, a
 * loss bounded by min-replicas-max-lag when mitigated, none with the writer on the majority
 * side. The group stays running, and no cut is left on the machine, after a pass and after
 * SIGINT in the middle of the partition.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import type { DrillReport } from '../../../lib/drill/index.js';
import { addressCutTable, addressCutTables } from '../../../lib/netfault/address-cut.js';
import { redisOnce } from '../../../lib/redis/once.js';
import type { Topology } from '../../../lib/topology/types.js';
import { addressBlock, namespace, tmpDir } from '../../support/namespace.js';
import { announceAddressCuts, runTargetDrill, startTestTopology } from '../../support/topology.js';
import { waitUntil } from '../../support/wait.js';

let group: Topology;
let target: string;

/** Every node replicating from one primary again, each link up: the group is whole. */
async function groupWhole(): Promise<void> {
  await waitUntil(
    'every replica linked to the current primary',
    async () => {
      const roles = await Promise.all(
        group.nodes.map(async (n) => String(await redisOnce(n.port, ['INFO', 'replication'], { host: n.host, timeoutMs: 1000 }))),
      );
      return (
        roles.filter((r) => r.includes('role:master')).length === 1 && roles.filter((r) => r.includes('master_link_status:up')).length === 2
      );
    },
    30_000,
    100,
  );
}

async function setOnEveryNode(name: string, value: string): Promise<void> {
  for (const n of group.nodes) await redisOnce(n.port, ['CONFIG', 'SET', name, value], { host: n.host });
}

/** A variant on the whole group: the cut was real and whole, and healed. */
async function drill(variant: string): Promise<DrillReport> {
  await groupWhole();
  const report = await runTargetDrill(group, 'sentinel-split-brain', target, variant, [`variant=${variant}`]);
  // every member on the majority side cut from the old primary (and the clients' address)
  const cuts = report.events.filter((e) => e.kind === 'cut');
  expect(cuts.map((e) => e.node).sort()).toEqual(['primary', 'replica-1', 'replica-2', 'sentinel-1', 'sentinel-2', 'sentinel-3']);
  expect(report.partition?.healedAtMs).not.toBeNull();
  expect(report.partition?.links.every((l) => l.healedAtMs !== null)).toBe(true);
  return report;
}

const cuts = await announceAddressCuts('sentinel-split-brain with --target');

describe.skipIf(!cuts)('sentinel-split-brain with --target, cut by address', () => {
  beforeAll(async () => {
    group = await startTestTopology({
      kind: 'sentinel',
      replicas: 2,
      sentinels: 3,
      downAfterMs: 3000,
      failoverTimeoutMs: 5000,
      faultProxies: false,
      addressBlock,
    });
    if (group.spec.kind !== 'sentinel') throw new Error('not a sentinel topology');
    const s = group.sentinels[0] as { host: string; port: number };
    target = `redis-sentinel://${s.host}:${s.port}/${group.spec.masterName}`;
  });

  it('default: exactly the N writes the cut-off old primary acknowledged are lost', async () => {
    const report = await drill('default');
    expect(report.ackedLost).toBe(300);
    expect(report.checks.find((c) => c.name === 'ackedLost')).toMatchObject({ ok: true, measured: 300 });
    const primary = group.nodes.find((n) => n.name === 'primary');
    const clients = `${primary?.host.split('.').slice(0, 3).join('.')}.254`;
    expect(report.events.find((e) => e.kind === 'cut' && e.node === 'sentinel-1')?.detail).toContain(`clients (${clients})`);
    expect(report.splitBrainMs).toBeGreaterThan(0);
  });

  it.each([5, 10])('lag-%is: with the target set to min-replicas-to-write 1 and that lag, the loss stays within it', async (lagS) => {
    await setOnEveryNode('min-replicas-to-write', '1');
    await setOnEveryNode('min-replicas-max-lag', String(lagS));
    try {
      const report = await drill(`lag-${lagS}s`);
      expect(report.checks.find((c) => c.name === 'ackedLostWithinLag')?.ok).toBe(true);
      expect(report.checks.find((c) => c.name === 'refusedWithinLag')?.ok).toBe(true);
      expect(report.partitionEffect).toMatch(
        new RegExp(`^with min-replicas-to-write 1 and min-replicas-max-lag ${lagS} s the old primary \\(primary\\) refused writes`),
      );
      // the majority's reads (after the promotion) were never stale
      expect(report.staleReads?.sides.find((s) => s.side === 'majority')?.stale).toBe(0);
    } finally {
      await setOnEveryNode('min-replicas-to-write', '0');
    }
  });

  it('writer-majority: the writer follows +switch-master from its side and loses nothing', async () => {
    const report = await drill('writer-majority');
    expect(report.ackedLost).toBe(0);
    const cut = report.events.find((e) => e.kind === 'partition')?.atMs ?? 0;
    expect(report.events.some((e) => e.kind === 'client-moved' && e.atMs > cut)).toBe(true);
  });

  it('SIGINT in the middle of the partition heals the cut, exits 130 and leaves the group running and whole', async () => {
    await groupWhole();
    const dir = tmpDir('target-sigint');
    const runId = `${namespace.runId}-sigint`;
    const table = addressCutTable(runId);
    const child = execa(
      'node',
      [
        join(PROJECT_ROOT, 'bin/stormdrill.js'),
        'drill',
        'run',
        'sentinel-split-brain',
        '--target',
        target,
        '--allow-destructive',
        '--run-id',
        runId,
      ],
      { reject: false, cwd: dir },
    );
    await waitUntil('the partition to be cut', async () => (await addressCutTables()).includes(table), 30_000, 25);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(130);
    expect(await addressCutTables()).not.toContain(table);
    const report = JSON.parse(readFileSync(join(dir, `reports/${runId}/report.json`), 'utf8'));
    expect(report.status).toBe('interrupted');
    for (const n of group.nodes) expect(n.process?.running, n.name).toBe(true);
    await groupWhole();
  });
});
