/**
 * Partition drills on real processes: the Sentinels and replicas cut off from the old
 * primary and the writer by the fault proxies elect a new primary while the old one keeps
 * acknowledging writes; after the heal exactly those writes are gone, and nothing is left
 * running or cut. SIGINT in the middle of a partition heals every cut and stops everything.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { loadRunbook } from '../../../lib/drill/load.js';
import { runDrill } from '../../../lib/drill/runner.js';
import type { Topology } from '../../../lib/topology/types.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { alive } from '../../support/processes.js';
import { assertNothingLeft } from '../../support/topology.js';

describe('sentinel-split-brain', () => {
  it('reports exactly the N acknowledged writes the cut-off old primary took, after a real failover on the majority side', async () => {
    const N = 173;
    const rb = loadRunbook('sentinel-split-brain', { set: { count: String(N) } });
    let topo: Topology | null = null;
    const r = await runDrill({ plan: rb.plans[0]!, ports, reportDir: tmpDir('split-brain'), onTopology: (t) => (topo = t) });
    expect(r.report.reason, JSON.stringify(r.report.steps)).toBeNull();
    expect(r.report.audit?.acked).toBe(N);
    expect(r.report.ackedLost).toBe(N);
    expect(r.report.checks.find((c) => c.name === 'ackedLost')).toMatchObject({ ok: true, measured: N, limit: `== ${N}` });
    const ev = r.report.events;
    // every member of the majority side was cut from the writer and the old primary, and the old primary from them
    const cuts = ev.filter((e) => e.kind === 'cut').map((e) => e.node);
    expect(cuts.sort()).toEqual(['primary', 'replica-1', 'replica-2', 'sentinel-1', 'sentinel-2', 'sentinel-3']);
    expect(ev.find((e) => e.kind === 'cut' && e.node === 'sentinel-1')?.detail).toMatch(/^clients, replicas \d+$/);
    // the majority failed over while the old primary was cut off, and Sentinel demoted it after the heal
    expect(ev.some((e) => e.kind === '+switch-master')).toBe(true);
    const healAt = ev.find((e) => e.kind === 'heal')?.atMs ?? 0;
    expect(ev.some((e) => e.kind === '+convert-to-slave' && e.node === 'primary' && e.atMs >= healAt)).toBe(true);
    expect(r.report.topology.primaryAtEnd).not.toBe('primary');
    // split brain: from the new primary's first accepted write to the old primary's demotion
    const newPrimary = r.report.topology.primaryAtEnd as string;
    const from = ev.find((e) => e.kind === 'accepts-writes' && e.node === newPrimary)?.atMs ?? 0;
    const to = ev.find((e) => e.kind === 'refuses-writes' && e.node === 'primary')?.atMs ?? 0;
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(healAt);
    expect(r.report.splitBrainMs).toBe(to - from);
    expect(r.exitCode).toBe(0);
    assertNothingLeft(topo);
  });
});

/** From the new primary's first accepted write to the old primary's first refusal after the cut (0 when it refused first). */
function overlapMs(ev: Array<{ kind: string; node?: string; atMs: number }>, newPrimary: string): number {
  const cut = ev.find((e) => e.kind === 'cut')?.atMs ?? 0;
  const from = ev.find((e) => e.kind === 'accepts-writes' && e.node === newPrimary)?.atMs ?? 0;
  const to = ev.find((e) => e.kind === 'refuses-writes' && e.node === 'primary' && e.atMs >= cut)?.atMs ?? 0;
  expect(from).toBeGreaterThan(cut);
  expect(to).toBeGreaterThan(cut);
  return Math.max(0, to - from);
}

describe('sentinel-split-brain: min-replicas-to-write 1 bounds the loss', () => {
  // the workload's rate (runbook) and the token bucket's burst (2 % of it)
  const RATE = 200;
  for (const lagS of [5, 10]) {
    it(`with min-replicas-max-lag ${lagS} s the old primary refuses writes (NOREPLICAS) about ${lagS} s after the cut and loses no more than it took until then`, async () => {
      const rb = loadRunbook('sentinel-split-brain', { set: { variant: `lag-${lagS}s` } });
      let topo: Topology | null = null;
      const r = await runDrill({ plan: rb.plans[0]!, ports, reportDir: tmpDir(`split-lag-${lagS}`), onTopology: (t) => (topo = t) });
      expect(r.report.reason, JSON.stringify(r.report.steps)).toBeNull();
      const ev = r.report.events;
      const cut = ev.find((e) => e.kind === 'cut')?.atMs ?? 0;
      // the old primary refused once its replicas' last acknowledgement (at most 1 s before the
      // cut) was older than the lag, at the next replication cron (1 s): lag - 1 s .. lag + 2 s
      const refused = r.report.checks.find((c) => c.name === 'refusedWithinLag');
      expect(refused).toMatchObject({ ok: true, limit: `NOREPLICAS <= ${lagS + 3}s after the cut` });
      expect(refused?.measured as number).toBeGreaterThanOrEqual((lagS - 1) * 1000);
      expect(refused?.measured as number).toBeLessThanOrEqual((lagS + 3) * 1000);
      expect(ev.find((e) => e.kind === 'refuses-writes' && e.node === 'primary' && e.atMs >= cut)?.detail).toBe(
        'master with 0 good replica(s) < min-replicas-to-write 1',
      );
      expect(r.report.workload?.errors.NOREPLICAS).toBeGreaterThan(0);
      // the loss: writes the old primary acknowledged after the cut, bounded by the setting
      const lost = r.report.ackedLost as number;
      expect(lost).toBeGreaterThan(0);
      expect(lost).toBeLessThanOrEqual(RATE * (lagS + 2) + Math.ceil(RATE * 0.02));
      const bound = r.report.checks.find((c) => c.name === 'ackedLostWithinLag');
      expect(bound).toMatchObject({ ok: true, measured: lost });
      expect(lost).toBeLessThanOrEqual(Number(bound?.limit.replace('<= ', '')));
      expect(r.report.partitionEffect).toMatch(
        new RegExp(
          `^with min-replicas-to-write 1 and min-replicas-max-lag ${lagS} s the old primary \\(primary\\) refused writes [0-9.]+ s after the cut \\(master with 0 good replica\\(s\\) < min-replicas-to-write 1\\); ${lost} acknowledged writes lost\\.$`,
        ),
      );
      // split brain: the new primary accepting before the old one refused
      const newPrimary = r.report.topology.primaryAtEnd as string;
      expect(newPrimary).not.toBe('primary');
      expect(r.report.splitBrainMs).toBe(overlapMs(ev, newPrimary));
      // the partition lane: the cut, every member, healed
      expect(r.report.partition?.links.map((l) => l.member).sort()).toEqual([
        'primary',
        'replica-1',
        'replica-2',
        'sentinel-1',
        'sentinel-2',
        'sentinel-3',
      ]);
      expect(r.report.partition?.healedAtMs).toBeGreaterThan(cut + lagS * 1000);
      expect(r.report.staleReads?.sides.map((x) => x.side)).toContain('old-primary');
      expect(r.exitCode).toBe(0);
      assertNothingLeft(topo);
    });
  }
});

describe('sentinel-split-brain: the writer on the majority side', () => {
  it('follows +switch-master to the new primary: no acknowledged write lost, no stale read on the majority side', async () => {
    const rb = loadRunbook('sentinel-split-brain', { set: { variant: 'writer-majority' } });
    let topo: Topology | null = null;
    const r = await runDrill({ plan: rb.plans[0]!, ports, reportDir: tmpDir('split-majority'), onTopology: (t) => (topo = t) });
    expect(r.report.reason, JSON.stringify(r.report.steps)).toBeNull();
    const ev = r.report.events;
    // the old primary was cut from the writer too (clients), and the writer moved on +switch-master
    expect(ev.find((e) => e.kind === 'cut' && e.node === 'primary')?.detail).toMatch(/^clients, replicas \d+ \d+, sentinels /);
    // The writer moved to the new primary after the cut: on its own +switch-master message or
    // by asking the Sentinels after its connection failed, whichever came first (its own
    // subscription can hear +switch-master a few ms before the drill's Sentinel watch does).
    const cutAt = ev.find((e) => e.kind === 'partition')?.atMs as number;
    const moves = ev.filter((e) => e.kind === 'client-moved' && e.atMs >= cutAt);
    expect(moves.length, JSON.stringify(ev.filter((e) => e.kind === 'client-moved'))).toBeGreaterThan(0);
    const next = (topo as unknown as Topology).node(r.report.topology.primaryAtEnd as string);
    expect(moves.at(-1)?.detail).toMatch(new RegExp(`:(${next.port}|${next.proxyPort})$`));
    expect(r.report.audit?.acked).toBeGreaterThan(0);
    expect(r.report.ackedLost).toBe(0);
    expect(r.report.checks.find((c) => c.name === 'ackedLost')).toMatchObject({ ok: true, measured: 0 });
    expect(r.report.workload?.errors.NOREPLICAS).toBeUndefined();
    const majority = r.report.staleReads?.sides.find((x) => x.side === 'majority');
    expect(majority?.reads).toBeGreaterThan(0);
    expect(majority?.stale).toBe(0);
    expect(majority?.nodes).toEqual([r.report.topology.primaryAtEnd]);
    // a reader on the old primary's side reads what the writer wrote with the majority: absent
    const old = r.report.staleReads?.sides.find((x) => x.side === 'old-primary');
    expect(old?.nodes).toEqual(['primary']);
    expect(old?.stale).toBeGreaterThan(0);
    // not before the majority could fail over (down-after-milliseconds 3 s after the cut)
    expect(old?.firstMs).toBeGreaterThan((ev.find((e) => e.kind === 'cut')?.atMs ?? 0) + 3000);
    expect(r.report.staleReads?.total).toBe(old?.stale);
    // without min-replicas-to-write the old primary accepted writes (from nobody) until Sentinel demoted it after the heal
    const newPrimary = r.report.topology.primaryAtEnd as string;
    expect(r.report.splitBrainMs).toBe(overlapMs(ev, newPrimary));
    expect(r.report.splitBrainMs).toBeGreaterThan(0);
    expect(r.exitCode).toBe(0);
    assertNothingLeft(topo);
  });
});

/**
 * Run a one-partition drill from the CLI, SIGINT it while the cut holds, and check that every
 * member was cut, every cut was healed (by the step's own heal or the restore), the report
 * says interrupted, and no process it started is left running.
 */
async function interruptMidPartition(o: {
  name: string;
  topology: string;
  sides: string;
  marker: RegExp;
  members: string[];
}): Promise<void> {
  const dir = tmpDir(`partition-sigint-${o.name}`);
  const registry = join(dir, 'pids');
  mkdirSync(registry, { recursive: true });
  const file = join(dir, `${o.name}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${o.name}`,
      'description: test drill',
      `topology: ${o.topology}`,
      'steps:',
      '  - action: partition',
      `    sides: ${o.sides}`,
      '    duration: 60s',
      '',
    ].join('\n'),
  );
  const child = execa('node', [join(PROJECT_ROOT, 'bin/stormdrill.js'), 'drill', 'run', file, '--report-dir', 'out'], {
    reject: false,
    cwd: dir,
    env: { STORMDRILL_PID_REGISTRY: registry, STORMDRILL_DEBUG: '' },
    timeout: 55_000,
  });
  const seen = new Set<number>();
  const track = setInterval(() => {
    for (const f of readdirSync(registry)) seen.add(Number(f));
  }, 20);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  for (let i = 0; i < 1600 && !o.marker.test(out); i++) await new Promise((r) => setTimeout(r, 25));
  expect(out).toMatch(o.marker);
  await new Promise((r) => setTimeout(r, 700));
  child.kill('SIGINT');
  const r = await child;
  clearInterval(track);
  for (const f of readdirSync(registry)) seen.add(Number(f));
  expect(r.exitCode, r.stderr).toBe(130);
  const report = JSON.parse(readFileSync(join(dir, 'out/report.json'), 'utf8'));
  expect(report.status).toBe('interrupted');
  const events = report.events as Array<{ kind: string; node?: string; detail?: string }>;
  expect(
    events
      .filter((e) => e.kind === 'cut')
      .map((e) => e.node)
      .sort(),
  ).toEqual(o.members);
  // each cut was healed: by the interrupted step's own heal or by the restore
  const healed = new Set(events.filter((e) => e.kind === 'heal' && e.node).map((e) => e.node));
  const restore = events.find((e) => e.kind === 'restore')?.detail ?? '';
  for (const m of o.members) expect(healed.has(m) || restore.includes(`network on ${m}`), `${m} healed`).toBe(true);
  expect(seen.size).toBeGreaterThan(0);
  expect(
    [...seen].filter((pid) => alive(pid)),
    'processes left running',
  ).toEqual([]);
}

describe('partition: interrupted', () => {
  it('SIGINT in the middle of a partition heals every cut, stops everything and writes a partial report', async () => {
    await interruptMidPartition({
      name: 'cut-me',
      topology: '{ kind: sentinel, replicas: 1, downAfter: 30s }',
      sides: '[[primary, writer], [sentinels, replica-1]]',
      marker: /partition \[primary, writer\]/,
      members: ['primary', 'replica-1', 'sentinel-1', 'sentinel-2', 'sentinel-3'],
    });
  });

  it('SIGINT in the middle of a cluster partition (bus cut too) heals every cut and stops everything', async () => {
    await interruptMidPartition({
      name: 'cut-cluster',
      topology: '{ kind: cluster, nodeTimeout: 30s }',
      sides: '[[master-1, writer], [master-2, master-3, replicas]]',
      marker: /partition \[master-1, writer\]/,
      members: ['master-1', 'master-2', 'master-3', 'replica-1', 'replica-2', 'replica-3'],
    });
  });
});
