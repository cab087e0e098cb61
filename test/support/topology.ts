/**
 * Sentinel groups, replicas and clusters for tests, started by the product's own topology
 * code (the path `stormdrill topology up` and the drills take), on this file's ports and
 * temp dirs. Every topology started here is stopped after the test file.
 */
import { afterAll, expect } from 'vitest';
import { activeFaults } from '../../lib/faults/index.js';
import { nodeProxies } from '../../lib/topology/node-proxies.js';
import { startTopology } from '../../lib/topology/start.js';
import type { StartTopologyOptions, Topology, TopologySpecInput } from '../../lib/topology/types.js';
import { ports, tmpDir } from './namespace.js';

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
