/**
 * The write-acceptance watch of partition drills: every 100 ms, INFO replication of every
 * node on its real port (past the fault proxies, so a cut does not blind it). A node
 * accepts writes when it is a master and, with min-replicas-to-write, has enough good
 * replicas (min_slaves_good_slaves) and, on a Cluster, sees cluster_state ok; each change is an `accepts-writes` / `refuses-writes`
 * event on the timeline (lib/drill/split-brain.ts turns them into splitBrainMs).
 */
import { clusterInfo } from '../../stack/cluster.js';
import { redisInfo } from '../../stack/info.js';
import { nodeAuth } from '../../topology/node-auth.js';
import { ACCEPTS, REFUSES } from '../split-brain.js';
import type { RunState } from './state.js';

/** Whether the drill measures split brain: it has a partition step. */
export function measuresSplitBrain(s: Pick<RunState, 'plan'>): boolean {
  return [...s.plan.steps, ...s.plan.rollback].some((x) => x.action === 'partition');
}

/** Start the watch; its timer joins the run's timers (stopped with them). */
export function watchWriteAcceptance(s: RunState, intervalMs = 100): void {
  const t = s.t;
  const minReplicas = s.plan.topology.minReplicasToWrite ?? 0;
  const state = new Map<string, boolean>();
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    const polls = t.nodes.map(async (n) => {
      let accepting = false;
      let why = 'down';
      if (!n.process || n.process.status === 'running') {
        const r = await redisInfo(n.port, 'replication', nodeAuth(t, n)).catch(() => null);
        if (r) {
          const good = r.min_slaves_good_slaves === undefined ? undefined : Number(r.min_slaves_good_slaves);
          accepting = r.role === 'master' && (minReplicas === 0 || good === undefined || good >= minReplicas);
          why =
            r.role !== 'master'
              ? 'replica'
              : accepting
                ? 'master'
                : `master with ${good} good replica(s) < min-replicas-to-write ${minReplicas}`;
          if (accepting && t.kind === 'cluster') {
            // a Cluster master that sees the cluster down (a minority) refuses writes: CLUSTERDOWN
            const state = (await clusterInfo(n.port, nodeAuth(t, n)).catch(() => null))?.cluster_state;
            if (state !== undefined && state !== 'ok') {
              accepting = false;
              why = `master, cluster_state ${state}`;
            }
          }
        } else if (n.process?.status === 'frozen') return;
        else if (!n.process) return;
      }
      if (state.get(n.name) === accepting) return;
      state.set(n.name, accepting);
      s.addEvent('topology', accepting ? ACCEPTS : REFUSES, n.name, why);
      s.metrics.acceptingWrites(n.name, accepting);
    });
    void Promise.allSettled(polls).finally(() => {
      polling = false;
    });
  }, intervalMs);
  s.timers.push(timer);
}
