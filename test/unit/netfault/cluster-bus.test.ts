/**
 * Cluster partitions without I/O: a bus connection named by the sender of its first message,
 * a cut that names cluster nodes, the cut plan of a cluster, and the sides a cluster runbook
 * may name.
 */
import { describe, expect, it } from 'vitest';
import { clusterPartitionFigures, describeClusterPartition } from '../../../lib/drill/cluster-partition.js';
import { cutPlan } from '../../../lib/faults/partition.js';
import { chunkFate, classifyBusConnection, describeFault, faultApplies, validateFault } from '../../../lib/netfault/classify.js';
import { planProblems } from '../../support/plan.js';

const ID_A = 'a'.repeat(32) + '0123abcd';
const ID_B = 'b'.repeat(40);

/** A cluster bus message header as Redis 7 lays it out (clusterMsg), with `rest` bytes after the sender. */
function busMessage(sender: string, type = 0, rest = 2176): Buffer {
  const b = Buffer.alloc(80 + rest);
  b.write('RCmb', 0, 'latin1');
  b.writeUInt32BE(b.length, 4); // totlen
  b.writeUInt16BE(1, 8); // ver
  b.writeUInt16BE(30001, 10); // port
  b.writeUInt16BE(type, 12); // type: 0 PING, 2 MEET
  b.writeUInt16BE(0, 14); // count
  b.writeBigUInt64BE(7n, 16); // currentEpoch
  b.writeBigUInt64BE(3n, 24); // configEpoch
  b.writeBigUInt64BE(12345n, 32); // offset
  b.write(sender, 40, 'latin1');
  return b;
}

describe('classifyBusConnection: who opened a cluster bus link', () => {
  it('names the sender of the first message (PING or MEET)', () => {
    expect(classifyBusConnection(busMessage(ID_A))).toEqual({ cls: 'bus', busNodeId: ID_A });
    expect(classifyBusConnection(busMessage(ID_B, 2))).toEqual({ cls: 'bus', busNodeId: ID_B });
  });

  it('waits for the 80 header bytes that hold the sender, then decides', () => {
    const m = busMessage(ID_A);
    expect(classifyBusConnection(m.subarray(0, 2))).toBeNull();
    expect(classifyBusConnection(m.subarray(0, 79))).toBeNull();
    expect(classifyBusConnection(m.subarray(0, 80))).toEqual({ cls: 'bus', busNodeId: ID_A });
  });

  it('bytes that are not a bus message name nobody', () => {
    expect(classifyBusConnection(Buffer.from('*1\r\n$4\r\nPING\r\n'))).toEqual({ cls: 'bus' });
    const bad = busMessage(ID_A);
    bad.write('X'.repeat(40), 40, 'latin1');
    expect(classifyBusConnection(bad)).toEqual({ cls: 'bus' });
    const short = busMessage(ID_A);
    short.writeUInt32BE(16, 4);
    expect(classifyBusConnection(short)).toEqual({ cls: 'bus' });
  });
});

describe('a cut that names cluster nodes', () => {
  const cut = { kind: 'cut' as const, peers: { clients: true, busNodeIds: [ID_A] } };

  it('holds the named nodes’ bus links both ways and passes the others', () => {
    expect(faultApplies(cut, { cls: 'bus', busNodeId: ID_A })).toBe(true);
    expect(faultApplies(cut, { cls: 'bus', busNodeId: ID_B })).toBe(false);
    expect(faultApplies(cut, { cls: 'bus' })).toBe(false);
    expect(chunkFate(cut, { cls: 'bus', busNodeId: ID_A }, 'down')).toEqual({ act: 'hold' });
    expect(chunkFate(cut, { cls: 'bus', busNodeId: ID_B }, 'up')).toEqual({ act: 'pass' });
    expect(describeFault(cut)).toBe('cut(clients, cluster nodes aaaaaaaa)');
  });

  it('validation wants 40-character node ids', () => {
    expect(validateFault(cut)).toEqual([]);
    expect(validateFault({ kind: 'cut', peers: { busNodeIds: ['0123abcd'] } })[0]).toMatch(/CLUSTER MYID/);
  });

  it('the cut plan of a cluster names each other-side node by bus id and by replication port', () => {
    const ports: Record<string, number> = { 'master-1': 7001, 'master-2': 7002, 'replica-1': 7004 };
    const ids: Record<string, string> = { 'master-1': ID_A, 'master-2': ID_B, 'replica-1': 'c'.repeat(40) };
    const plan = cutPlan(
      [
        { nodes: ['master-1'], sentinels: [], clients: true },
        { nodes: ['master-2', 'replica-1'], sentinels: [], clients: false },
      ],
      (n) => ports[n] as number,
      () => '',
      (n) => ids[n] as string,
    );
    expect(plan.get('master-1')).toEqual({
      clients: false,
      replicaPorts: [7002, 7004],
      sentinelIds: [],
      busNodeIds: [ID_B, 'c'.repeat(40)],
    });
    expect(plan.get('replica-1')).toEqual({ clients: true, replicaPorts: [7001], sentinelIds: [], busNodeIds: [ID_A] });
  });
});

describe('partition steps in a cluster runbook', () => {
  const rb = (sides: unknown, topology: Record<string, unknown> = { kind: 'cluster', masters: 3, replicasPerMaster: 1 }) => ({
    name: 'x',
    description: 'x',
    topology,
    steps: [{ action: 'partition', sides }],
  });
  const problems = (input: unknown): string[] => planProblems(input);

  it('accepts master-N, replica-N, the selectors and the writer', () => {
    expect(
      problems(
        rb([
          ['master-1', 'writer'],
          ['master-2', 'master-3', 'replicas'],
        ]),
      ),
    ).toEqual([]);
    expect(problems(rb([['primary', 'writer'], ['replica-3']]))).toEqual([]);
  });

  it('refuses nodes the cluster does not have, and Sentinels, one line each', () => {
    expect(problems(rb([['master-4', 'writer'], ['replica-4']]))).toEqual([
      "steps[0].sides: unknown node 'master-4': this cluster has master-1..master-3",
      "steps[0].sides: unknown node 'replica-4': this cluster has replica-1..replica-3",
    ]);
    expect(problems(rb([['master-1'], ['sentinels']]))).toEqual([
      "steps[0].sides: unknown member 'sentinels': a cluster has no Sentinels (its nodes are master-N and replica-N)",
    ]);
    expect(problems(rb([['master-1'], ['replicas']], { kind: 'cluster', replicasPerMaster: 0 }))).toEqual([
      "steps[0].sides: 'replicas' names no node: this cluster has no replicas",
    ]);
  });
});

describe('clusterPartitionFigures: the cut-off master from the timeline and the write steps', () => {
  const ev = [
    { atMs: 1000, kind: 'partition' },
    { atMs: 1010, kind: 'accepts-writes', node: 'master-1' },
    { atMs: 1010, kind: 'accepts-writes', node: 'master-2' },
    { atMs: 3100, kind: 'refuses-writes', node: 'master-1' },
    { atMs: 4000, kind: 'accepts-writes', node: 'replica-2' },
    { atMs: 4050, kind: '+promoted', node: 'replica-2' },
    { atMs: 9000, kind: 'heal' },
  ];
  const burst = {
    node: 'master-1',
    acked: 101,
    failed: 298,
    unknown: 1,
    startMs: 1005,
    endMs: 9000,
    firstFailedMs: 3050,
    reads: { ok: 40, failed: 120 },
    firstReadFailedMs: 3060,
  };

  it('counts what it acknowledged and refused, times its acceptance and the failover, and split brain of its shard only', () => {
    const f = clusterPartitionFigures(ev, [burst], { nodeTimeoutMs: 2000, allowReadsWhenDown: false }, 10_000);
    expect(f).toEqual({
      node: 'master-1',
      nodeTimeoutMs: 2000,
      allowReadsWhenDown: false,
      acceptedWritesMs: 2050,
      ackedWhileCut: 101,
      refusedWhileCut: 298,
      unknownWhileCut: 1,
      readsWhileCut: { ok: 40, failed: 120 },
      readsRefusedAfterMs: 2060,
      splitBrainMs: 0,
      failoverMs: 3050,
    });
    expect(describeClusterPartition(f as NonNullable<typeof f>)).toBe(
      'master-1, cut off, acknowledged writes for 2.0 s after the cut (cluster-node-timeout 2 s): 101 acknowledged, 298 refused, 1 unanswered; it answered 40 reads while cut and refused reads from 2.1 s after the cut (120 failed), cluster-allow-reads-when-down no; its replica was promoted 3.0 s after the cut; split brain 0 ms.',
    );
  });

  it('overlap of the cut-off master and its promoted replica is split brain; no partition or no write step: no figures', () => {
    const late = ev.map((e) => (e.kind === 'refuses-writes' ? { ...e, atMs: 4300 } : e));
    expect(clusterPartitionFigures(late, [burst], { nodeTimeoutMs: 2000, allowReadsWhenDown: true }, 10_000)?.splitBrainMs).toBe(300);
    expect(clusterPartitionFigures(ev.slice(1), [burst], { nodeTimeoutMs: 2000, allowReadsWhenDown: false }, 10_000)).toBeNull();
    expect(clusterPartitionFigures(ev, [], { nodeTimeoutMs: 2000, allowReadsWhenDown: false }, 10_000)).toBeNull();
  });
});
