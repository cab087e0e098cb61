/**
 * A short real drill for the dashboard-query test: a Sentinel topology of its own, the
 * continuous writer, the primary crashed (kill -9) until Sentinel promotes a replica, and
 * the verdict; runDrill pushes the drill's and the writer's metrics by remote write. A
 * service workload (the demo service under user flows, a Prometheus of the drill's own with
 * the alert rules) feeds the game-day panels: the primary stays down past RedisDown's `for:`.
 * A one-second partition of one Sentinel from the others after the failover makes it a
 * partition drill, which feeds the split-brain panels (nodes accepting writes, split-brain
 * time, stale reads by side). A second, cluster drill (cluster-minority-master: one master
 * and the writer cut from the majority, writes to that master past cluster-node-timeout)
 * feeds the cluster partition panels.
 */
import { loadRunbook } from '../../../lib/drill/load.js';
import { planRunbook } from '../../../lib/drill/plan.js';
import { runDrill } from '../../../lib/drill/runner.js';
import type { PortAllocator } from '../../../lib/stack/index.js';

export const DASHBOARD_DRILL = {
  name: 'dashboard-feed',
  description: 'crash the primary of a Sentinel group under continuous writes',
  topology: { kind: 'sentinel', replicas: 1, sentinels: 3, downAfter: '1s', failoverTimeout: '5s' },
  workload: { kind: 'write', rate: 200, reads: true, opTimeout: '300ms' },
  preconditions: { warmup: '1s' },
  service: { rate: 5, recoverFor: '2s', recoverTimeout: '10s' },
  steps: [
    { action: 'crash', node: 'primary' },
    { action: 'wait-for', primaryChanged: true, timeout: '20s' },
    { action: 'partition', sides: [['sentinel-1'], ['sentinel-2', 'sentinel-3']], duration: '1s' },
    { action: 'sleep', duration: '7s' },
  ],
  checks: { failoverWithin: '20s', ackedLost: { max: 1_000_000 } },
  abort: { maxDuration: '60s' },
};

type Plan = ReturnType<typeof planRunbook>[number];
interface FedDrill {
  testid: string;
  description: string;
  exitCode: number;
}

async function feed(plan: Plan | undefined, what: string, remoteWriteUrl: string, ports: PortAllocator, dir: string): Promise<FedDrill> {
  if (!plan) throw new Error(`the ${what} runbook planned no variant`);
  const out = await runDrill({ plan, ports, workRoot: dir, reportDir: `${dir}/report`, remoteWrite: { url: remoteWriteUrl } });
  return { testid: out.report.testid, description: `${what} (runDrill, exit ${out.exitCode})`, exitCode: out.exitCode };
}

export function feedDrill(remoteWriteUrl: string, ports: PortAllocator, dir: string): Promise<FedDrill> {
  return feed(planRunbook(DASHBOARD_DRILL)[0], 'drill', remoteWriteUrl, ports, dir);
}

/** 300 writes at 50/s outlast a 2 s cluster-node-timeout: the cut-off master acknowledges some, then refuses. */
export function feedClusterDrill(remoteWriteUrl: string, ports: PortAllocator, dir: string): Promise<FedDrill> {
  const rb = loadRunbook('cluster-minority-master', { set: { count: '300', rate: '50', nodeTimeout: '2s', readsWhenDown: 'false' } });
  return feed(rb.plans[0], 'cluster partition drill', remoteWriteUrl, ports, dir);
}
