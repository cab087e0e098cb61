/**
 * Sentinel groups, replicas and clusters for tests, started by the product's own topology
 * code (the path `stormdrill topology up` and the drills take), on this file's ports and
 * temp dirs. Every topology started here is stopped after the test file.
 */
import { afterAll } from 'vitest';
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
