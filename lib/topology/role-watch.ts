/**
 * Watch roles by polling ROLE on every node: a replica turning master is a 'promoted'
 * event (failover time without Sentinel events, e.g. Cluster or FAILOVER); the
 * topology's choice of primary changing is 'primary-changed'. One poll at a time.
 */
import { redisOnce } from '../redis/once.js';
import { nodeAuth } from './node-auth.js';
import type { Topology } from './types.js';

export interface RoleWatch {
  stop(): void;
}

export function watchRoles(
  t: Topology,
  primaryAtStart: string,
  onEvent: (kind: 'promoted' | 'primary-changed', node: string, detail: string) => void,
  intervalMs = 100,
): RoleWatch {
  let lastPrimary = primaryAtStart;
  const roles = new Map<string, string>();
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    const polls: Array<Promise<unknown>> = t.nodes.map(async (n) => {
      if (n.process && n.process.status !== 'running') {
        roles.set(n.name, 'down');
        return;
      }
      const r = await redisOnce(n.port, ['ROLE'], { ...nodeAuth(t, n), timeoutMs: 500 }).catch(() => null);
      const role = Array.isArray(r) ? String(r[0]) : 'unknown';
      const prev = roles.get(n.name);
      if (prev === 'slave' && role === 'master') onEvent('promoted', n.name, 'replica → master');
      if (role !== 'unknown') roles.set(n.name, role);
    });
    if (t.kind !== 'cluster')
      polls.push(
        t.currentPrimary().then((p) => {
          if (p.name !== lastPrimary) {
            onEvent('primary-changed', p.name, `${lastPrimary} → ${p.name}`);
            lastPrimary = p.name;
          }
        }),
      );
    void Promise.allSettled(polls).finally(() => {
      polling = false;
    });
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
