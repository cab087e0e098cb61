/**
 * Partitions without I/O: who is cut from whom (cutPlan), how a fault proxy recognises the
 * peers of a cut from a connection's first bytes, and the sides a runbook may name.
 */
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '../../../lib/core/resp/encode.js';
import { ackedBetween, lagChecks, lagMeasurementsOf } from '../../../lib/drill/lag-checks.js';
import { planRunbook } from '../../../lib/drill/plan.js';
import { ACCEPTS, acceptingPeriods, partitionEffect, partitionLane, REFUSES, splitBrainMs } from '../../../lib/drill/split-brain.js';
import { staleReadsBySide } from '../../../lib/drill/stale-sides.js';
import { cutPlan, describeSides, partitionProblems } from '../../../lib/faults/partition.js';
import { chunkFate, classifyConnection, describeFault, faultApplies, validateFault } from '../../../lib/netfault/classify.js';
import { planProblems } from '../../support/plan.js';

const cmds = (...c: string[][]) => Buffer.concat(c.map((x) => encodeCommand(x)));

describe('cutPlan: every link between two sides, none inside a side', () => {
  const ports: Record<string, number> = { primary: 7000, 'replica-1': 7001, 'replica-2': 7002 };
  const ids: Record<string, string> = { 'sentinel-1': 'aaaaaaa1', 'sentinel-2': 'aaaaaaa2' };
  const plan = cutPlan(
    [
      { nodes: ['primary'], sentinels: [], clients: true },
      { nodes: ['replica-1', 'replica-2'], sentinels: ['sentinel-1', 'sentinel-2'], clients: false },
    ],
    (n) => ports[n] as number,
    (s) => ids[s] as string,
  );

  it('the old primary stops hearing the replicas and Sentinels, but keeps its clients', () => {
    expect(plan.get('primary')).toEqual({ clients: false, replicaPorts: [7001, 7002], sentinelIds: ['aaaaaaa1', 'aaaaaaa2'] });
  });

  it('the majority side stops hearing the clients and the old primary, and still hears itself', () => {
    for (const m of ['replica-1', 'replica-2', 'sentinel-1', 'sentinel-2'])
      expect(plan.get(m), m).toEqual({ clients: true, replicaPorts: [7000], sentinelIds: [] });
  });

  it('three sides: each member cuts both other sides', () => {
    const p3 = cutPlan(
      [
        { nodes: ['primary'], sentinels: [], clients: false },
        { nodes: ['replica-1'], sentinels: [], clients: true },
        { nodes: ['replica-2'], sentinels: ['sentinel-1'], clients: false },
      ],
      (n) => ports[n] as number,
      (s) => ids[s] as string,
    );
    expect(p3.get('replica-1')).toEqual({ clients: false, replicaPorts: [7000, 7002], sentinelIds: ['aaaaaaa1'] });
    expect(p3.get('sentinel-1')).toEqual({ clients: true, replicaPorts: [7000, 7001], sentinelIds: [] });
  });

  it('a member on two sides or a single side is refused', () => {
    expect(
      partitionProblems([
        { nodes: ['primary'], sentinels: [], clients: true },
        { nodes: ['primary'], sentinels: [], clients: false },
      ]),
    ).toEqual(['primary is on side 1 and side 2: put each member on one side']);
    expect(partitionProblems([{ nodes: ['primary'], sentinels: [], clients: false }])).toEqual(['a partition needs at least two sides']);
    expect(describeSides([{ nodes: ['primary'], sentinels: ['sentinel-1'], clients: true }])).toBe('[primary, sentinel-1, clients]');
  });
});

describe('a cut fault at a proxy: which connections it holds', () => {
  const cut = { kind: 'cut' as const, peers: { clients: true, replicaPorts: [7001], sentinelIds: ['0123abcd'] } };

  it("a Sentinel's link names the Sentinel by the first 8 characters of its id", () => {
    expect(classifyConnection(cmds(['AUTH', 'x'], ['CLIENT', 'SETNAME', 'sentinel-0123ABCD-cmd']))).toEqual({
      cls: 'sentinel',
      sentinelId: '0123abcd',
    });
    expect(classifyConnection(cmds(['CLIENT', 'SETNAME', 'sentinel-abc-cmd']))).toEqual({ cls: 'sentinel' });
  });

  it('holds the named peers both ways and passes everyone else', () => {
    expect(faultApplies(cut, { cls: 'client' })).toBe(true);
    expect(faultApplies(cut, { cls: 'replication', replicaPort: 7001 })).toBe(true);
    expect(faultApplies(cut, { cls: 'replication', replicaPort: 7002 })).toBe(false);
    expect(faultApplies(cut, { cls: 'sentinel', sentinelId: '0123abcd' })).toBe(true);
    expect(faultApplies(cut, { cls: 'sentinel', sentinelId: 'ffffffff' })).toBe(false);
    expect(faultApplies(cut, { cls: 'unknown' })).toBe(false);
    expect(chunkFate(cut, { cls: 'replication', replicaPort: 7001 }, 'down')).toEqual({ act: 'hold' });
    expect(chunkFate(cut, { cls: 'sentinel', sentinelId: '0123abcd' }, 'up')).toEqual({ act: 'hold' });
    expect(chunkFate({ kind: 'cut', peers: {} }, { cls: 'client' }, 'up')).toEqual({ act: 'pass' });
    expect(describeFault(cut)).toBe('cut(clients, replicas 7001, sentinels 0123abcd)');
  });

  it('validation names a bad peer list', () => {
    expect(validateFault(cut)).toEqual([]);
    expect(validateFault({ kind: 'cut' })[0]).toMatch(/needs peers/);
    expect(validateFault({ kind: 'cut', peers: { sentinelIds: ['xyz'] } })[0]).toMatch(/SENTINEL MYID/);
  });
});

describe('partition steps in a runbook', () => {
  const rb = (sides: unknown, topology: Record<string, unknown> = { kind: 'sentinel', replicas: 2 }) => ({
    name: 'x',
    description: 'x',
    topology,
    steps: [{ action: 'partition', sides }],
  });
  const problems = (input: unknown): string[] => planProblems(input);

  it('accepts node selectors, sentinels and the writer', () => {
    const [plan] = planRunbook(
      rb([
        ['primary', 'writer'],
        ['sentinels', 'replicas'],
      ]),
    );
    expect(plan?.steps[0]?.description).toBe('partition [primary, writer] | [sentinels, replicas]');
    expect(plan?.destructive).toBe(true);
  });

  it('refuses sides naming nodes or Sentinels the topology does not have', () => {
    expect(problems(rb([['primary', 'replica-3'], ['sentinel-4']]))).toEqual([
      "steps[0].sides: unknown node 'replica-3': this topology has replica-1..replica-2",
      "steps[0].sides: unknown Sentinel 'sentinel-4': this topology has sentinel-1..sentinel-3",
    ]);
    expect(problems(rb([['primary'], ['master-2']]))).toEqual([
      "steps[0].sides: unknown node 'master-2': a sentinel topology has primary and replica-N",
    ]);
    expect(problems(rb([['primary', 'writer'], ['writer']]))).toEqual([
      'steps[0].sides: writer is on more than one side: put each member on one side',
    ]);
    expect(problems(rb([['primary'], ['bogus']]))[0]).toMatch(/bad partition member: use primary/);
    expect(problems(rb([['primary']]))[0]).toMatch(/steps\[0\]\.sides/);
  });

  it('refuses topologies partitions do not support yet', () => {
    expect(problems(rb([['primary'], ['replica-1']], { kind: 'replicas', replicas: 1 }))).toEqual([
      'steps[0].sides: partition steps need topology.kind: sentinel or cluster (got replicas)',
    ]);
  });
});

describe('splitBrainMs from the write-acceptance events', () => {
  const ev = (atMs: number, kind: string, node: string) => ({ atMs, kind, node });

  it('is the time two nodes accepted writes at once; an open period ends at the end of the drill', () => {
    const events = [ev(0, ACCEPTS, 'primary'), ev(0, REFUSES, 'replica-1'), ev(4000, ACCEPTS, 'replica-1'), ev(15000, REFUSES, 'primary')];
    expect(splitBrainMs(events, 20000)).toBe(11000);
    expect(acceptingPeriods(events, 20000)).toEqual([
      { node: 'primary', startMs: 0, endMs: 15000 },
      { node: 'replica-1', startMs: 4000, endMs: 20000 },
    ]);
    // the old primary refused writes (min-replicas-to-write) before the promotion: no split brain
    expect(splitBrainMs([ev(0, ACCEPTS, 'primary'), ev(5100, REFUSES, 'primary'), ev(6000, ACCEPTS, 'replica-1')], 9000)).toBe(0);
    // still two at the end
    expect(splitBrainMs([ev(0, ACCEPTS, 'primary'), ev(6000, ACCEPTS, 'replica-1')], 9000)).toBe(3000);
  });

  it("states the mitigation's effect in one sentence", () => {
    const events = [
      ev(0, ACCEPTS, 'primary'),
      ev(1000, 'partition', ''),
      { atMs: 6100, kind: REFUSES, node: 'primary', detail: 'master with 0 good replica(s) < min-replicas-to-write 1' },
    ];
    expect(partitionEffect(events, { oldPrimary: 'primary', minReplicasToWrite: 1, minReplicasMaxLagS: 5, ackedLost: 865 })).toBe(
      'with min-replicas-to-write 1 and min-replicas-max-lag 5 s the old primary (primary) refused writes 5.1 s after the cut (master with 0 good replica(s) < min-replicas-to-write 1); 865 acknowledged writes lost.',
    );
    expect(
      partitionEffect(events.slice(0, 2), { oldPrimary: 'primary', minReplicasToWrite: 0, minReplicasMaxLagS: 10, ackedLost: 300 }),
    ).toBe(
      'without min-replicas-to-write the old primary (primary) accepted writes until the end of the drill; 300 acknowledged writes lost.',
    );
    // a Cluster's cut-off master, ended by cluster-node-timeout
    const cluster = [
      ev(0, ACCEPTS, 'master-2'),
      ev(1000, 'partition', ''),
      { atMs: 3700, kind: REFUSES, node: 'master-2', detail: 'master, cluster_state fail' },
    ];
    expect(
      partitionEffect(cluster, {
        oldPrimary: 'master-2',
        minReplicasToWrite: 0,
        minReplicasMaxLagS: 10,
        ackedLost: 117,
        clusterNodeTimeoutMs: 2000,
      }),
    ).toBe(
      'with cluster-node-timeout 2 s the cut-off master (master-2) refused writes 2.7 s after the cut (master, cluster_state fail); 117 acknowledged writes lost.',
    );
    expect(
      partitionEffect(events.slice(0, 1), { oldPrimary: 'primary', minReplicasToWrite: 0, minReplicasMaxLagS: 10, ackedLost: 0 }),
    ).toBeNull();
  });
});

describe('the partition lane from the events', () => {
  it('names each cut member, its peers, its heal, and the write-accepting periods of both primaries', () => {
    const events = [
      { atMs: 0, kind: ACCEPTS, node: 'primary' },
      { atMs: 990, kind: 'partition', source: 'step', detail: 'old primary | majority' },
      { atMs: 1000, kind: 'cut', node: 'primary', detail: 'clients, replicas 7001' },
      { atMs: 1000, kind: 'cut', node: 'replica-1', detail: 'replicas 7000' },
      { atMs: 1001, kind: 'partition', source: 'topology', detail: '[primary] | [replica-1, clients]' },
      { atMs: 5000, kind: ACCEPTS, node: 'replica-1' },
      { atMs: 9000, kind: 'heal', node: 'replica-1' },
      { atMs: 9002, kind: 'heal', node: 'primary' },
      { atMs: 12000, kind: REFUSES, node: 'primary' },
    ];
    expect(partitionLane(events, 15000)).toEqual({
      sides: '[primary] | [replica-1, clients]',
      cutAtMs: 1001,
      healedAtMs: 9002,
      links: [
        { member: 'primary', cut: 'clients, replicas 7001', cutAtMs: 1000, healedAtMs: 9002 },
        { member: 'replica-1', cut: 'replicas 7000', cutAtMs: 1000, healedAtMs: 9000 },
      ],
      acceptingPeriods: [
        { node: 'primary', startMs: 0, endMs: 12000 },
        { node: 'replica-1', startMs: 5000, endMs: 15000 },
      ],
    });
    // a member still cut at the end: not healed
    expect(partitionLane(events.slice(0, 7), 15000)?.healedAtMs).toBeNull();
    expect(partitionLane(events.slice(0, 1), 15000)).toBeNull();
  });

  it('a heal of the whole partition (cut by address) heals every link still cut, not the step that asked for it', () => {
    const events = [
      { atMs: 1000, kind: 'cut', node: 'primary', detail: '127.0.9.2 from replica-1 (127.0.9.3)' },
      { atMs: 1000, kind: 'cut', node: 'replica-1', detail: '127.0.9.3 from primary (127.0.9.2)' },
      { atMs: 1001, kind: 'partition', source: 'topology', detail: '[primary] | [replica-1]' },
      { atMs: 8000, kind: 'heal', source: 'step', detail: 'heal network faults on every node' },
      { atMs: 8004, kind: 'heal', source: 'topology', detail: 'every address cut (stormdrill_r1)' },
    ];
    const lane = partitionLane(events, 15000);
    expect(lane?.healedAtMs).toBe(8004);
    expect(lane?.links.map((l) => l.healedAtMs)).toEqual([8004, 8004]);
  });
});

describe('the mitigation checks (min-replicas-max-lag)', () => {
  // 100 acks per 100 ms sample, the cut at 1000 ms, the lag 5 s
  const ackSamples = Array.from({ length: 120 }, (_, i) => ({ atMs: i * 100, acked: i * 100 }));
  const events = [
    { atMs: 1000, kind: 'cut', node: 'primary' },
    { atMs: 900, kind: REFUSES, node: 'primary' },
    { atMs: 6500, kind: REFUSES, node: 'replica-1' },
    { atMs: 7200, kind: REFUSES, node: 'primary' },
  ];
  const lag = lagMeasurementsOf(events, { oldPrimary: 'primary', lagS: 5, noReplicas: 40, ackSamples });
  const checks = { ackedLostWithinLag: { margin: 2000 }, refusedWithinLag: { margin: 3000 } };

  it('takes the first cut and the old primary refusing after it', () => {
    expect(lag).toMatchObject({ cutAtMs: 1000, lagMs: 5000, refusedAtMs: 7200, noReplicas: 40 });
  });

  it('counts the acknowledgements from the sample at or before the start to the first at or after the end', () => {
    expect(ackedBetween(ackSamples, 1000, 8000)).toBe(7000);
    expect(ackedBetween(ackSamples, 1050, 7950)).toBe(7000);
    expect(ackedBetween(ackSamples, 11_000, 99_000)).toBe(900);
    expect(ackedBetween([], 0, 1)).toBe(0);
  });

  it('bounds the loss by the writes acknowledged within lag + margin of the cut, and wants NOREPLICAS in time', () => {
    expect(lagChecks(checks, lag, 7000)).toEqual([
      {
        name: 'ackedLostWithinLag',
        ok: true,
        limit: '<= 7000',
        measured: 7000,
        detail: '7000 acknowledged write(s) lost; 7000 acknowledged in the 7s after the cut',
      },
      {
        name: 'refusedWithinLag',
        ok: true,
        limit: 'NOREPLICAS <= 8s after the cut',
        measured: 6200,
        detail: 'the old primary refused writes 6.2s after the cut; the writer got 40 NOREPLICAS replies',
      },
    ]);
    expect(lagChecks(checks, lag, 7001)[0]?.ok).toBe(false);
    // refused too late, or never, or without a single NOREPLICAS reply
    expect(lagChecks({ refusedWithinLag: { margin: 1000 } }, lag, 0)[0]).toMatchObject({ ok: false, measured: 6200 });
    expect(lagChecks(checks, { ...lag, refusedAtMs: null }, 0)[1]).toMatchObject({ ok: false, measured: null });
    expect(lagChecks(checks, { ...lag, noReplicas: 0 }, 0)[1]?.ok).toBe(false);
  });

  it('fails with a reason without min-replicas-to-write or without a partition', () => {
    expect(lagChecks(checks, { ...lag, lagMs: null }, 0).map((c) => [c.ok, c.detail])).toEqual([
      [false, 'not measured: the topology has no min-replicas-to-write'],
      [false, 'not measured: the topology has no min-replicas-to-write'],
    ]);
    expect(lagChecks(checks, undefined, 0)[0]?.detail).toBe('not measured: no partition step cut the old primary off');
  });
});

describe('stale reads per side of the partition', () => {
  it('puts reads from the old primary on its side and every other node on the majority side', () => {
    const nodeOf = (ep: string) =>
      ({ '127.0.0.1:7000': 'primary', '127.0.0.1:7001': 'replica-1', '127.0.0.1:7002': 'replica-2' })[ep] ?? null;
    const r = staleReadsBySide(
      [
        { endpoint: '127.0.0.1:7001', reads: 10, stale: 0, firstMs: null, lastMs: null },
        { endpoint: '127.0.0.1:7000', reads: 50, stale: 7, firstMs: 2000, lastMs: 4000 },
        { endpoint: '127.0.0.1:7002', reads: 5, stale: 1, firstMs: 9000, lastMs: 9000 },
      ],
      nodeOf,
      'primary',
    );
    expect(r).toEqual({
      total: 8,
      sides: [
        { side: 'old-primary', nodes: ['primary'], reads: 50, stale: 7, firstMs: 2000, lastMs: 4000 },
        { side: 'majority', nodes: ['replica-1', 'replica-2'], reads: 15, stale: 1, firstMs: 9000, lastMs: 9000 },
      ],
    });
    expect(staleReadsBySide([], nodeOf, 'primary')).toEqual({ total: 0, sides: [] });
  });
});
