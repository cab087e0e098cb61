/**
 * Sentinel groups, replicas and clusters for tests, started by the product's own topology
 * code (the path `stormdrill topology up` and the drills take), on this file's ports and
 * temp dirs. Every topology started here is stopped after the test file.
 */
import { execa } from 'execa';
import { afterAll, expect } from 'vitest';
import type { DrillReport } from '../../lib/drill/index.js';
import { activeFaults } from '../../lib/faults/index.js';
import { addressCutTable, addressCutTables } from '../../lib/netfault/address-cut.js';
import { nodeProxies } from '../../lib/topology/node-proxies.js';
import { startTopology } from '../../lib/topology/start.js';
import type { StartTopologyOptions, Topology, TopologySpecInput } from '../../lib/topology/types.js';
import { stormdrill } from './cli.js';
import { namespace, ports, tmpDir } from './namespace.js';

const started = new Set<Topology>();
afterAll(async () => {
  for (const t of started) await t.stop();
  started.clear();
});

export async function startTestTopology(spec: TopologySpecInput, o: Partial<StartTopologyOptions> = {}): Promise<Topology> {
  const t = await startTopology(spec, { ports, dir: tmpDir(spec.kind), ...o });
  started.add(t);
  return t;
}

/** A sentinel/haproxy topology's Sentinels and master name, as the writer, fill and audit take them. */
export function viaSentinels(t: Topology): { sentinels: string[]; masterName: string } {
  if (t.spec.kind !== 'sentinel' && t.spec.kind !== 'haproxy') throw new Error(`a ${t.kind} topology has no Sentinels`);
  return { sentinels: t.sentinels.map((s) => `${s.host}:${s.port}`), masterName: t.spec.masterName };
}

/** A drill's topology after the run: every node and Sentinel stopped, no proxy (client or cluster bus) holding a fault, no fault registered. */
export function assertNothingLeft(t: Topology | null): void {
  expect(t).not.toBeNull();
  const topo = t as Topology;
  for (const n of topo.nodes) {
    expect(n.process?.running, `${n.name} still running`).toBe(false);
    for (const p of nodeProxies(n)) expect(p.fault ?? null, `${n.name} proxy fault`).toBeNull();
  }
  for (const s of topo.sentinels) {
    expect(s.process?.running, `${s.name} still running`).toBe(false);
    expect(s.proxy?.fault ?? null, `${s.name} proxy fault`).toBeNull();
  }
  expect(activeFaults(topo)).toEqual([]);
}

/**
 * `stormdrill drill run <runbook> --target <uri> --allow-destructive --json` on a topology this
 * file started (run id `<namespace>-<label>`): the report, once it is checked that the run
 * passed, left no address cut on the machine and left every process of the target running.
 */
export async function runTargetDrill(
  t: Topology,
  runbook: string,
  target: string,
  label: string,
  set: string[] = [],
): Promise<DrillReport> {
  const runId = `${namespace.runId}-${label}`;
  const args = ['drill', 'run', runbook, ...set.flatMap((x) => ['--set', x]), '--target', target, '--allow-destructive', '--json'];
  const r = await stormdrill([...args, '--run-id', runId], { cwd: tmpDir(`target-${label}`), timeoutMs: 120_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const report = JSON.parse(r.stdout) as DrillReport;
  expect(report.status).toBe('passed');
  expect(await addressCutTables()).not.toContain(addressCutTable(runId));
  for (const x of [...t.nodes, ...t.sentinels]) expect(x.process?.running, x.name).toBe(true);
  return report;
}

/**
 * Whether this machine lets a drill cut by address (the nft program, root or CAP_NET_ADMIN):
 * a probe table is added and deleted. When it cannot, prints "skipped: …" with the reason.
 */
export async function announceAddressCuts(what: string): Promise<boolean> {
  const table = `stormdrill_probe_${process.pid}`;
  const r = await execa('nft', ['add', 'table', 'inet', table], { reject: false });
  if (r.exitCode === 0) {
    await execa('nft', ['delete', 'table', 'inet', table], { reject: false });
    return true;
  }
  const why = r.exitCode === undefined ? 'no nft program (npm run setup installs nftables)' : String(r.stderr).split('\n')[0];
  console.log(`skipped: no address cuts here (${what}): ${why}; run as root with nftables to run it`);
  return false;
}
