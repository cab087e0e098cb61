/**
 * A planned SENTINEL FAILOVER keeps every replica on a partial resync. The old primary keeps
 * sending its replication PING (every repl-ping-replica-period) while its writes are paused;
 * a PING that lands after the chosen replica was promoted moves the old primary's offset (and
 * that of a replica still attached to it) past the new primary's, and both then need a full
 * sync: seconds with the replication link down on a loaded machine, which pages. With a 1 s
 * PING period that window is always hit, so the test shows it every time.
 */
import { describe, expect, it } from 'vitest';
import { sentinelFailover, waitFor } from '../../../lib/faults/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { namespace } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { startTestTopology } from '../../support/topology.js';

describe('planned switchover and resync', () => {
  it('SENTINEL FAILOVER with writes paused: every replica resyncs partially, none in full', async () => {
    const t = await startTestTopology({ kind: 'sentinel', replicas: 2, sentinels: 3 });
    const old = await t.currentPrimary();
    const c = redisClient(old.port);
    try {
      await c.config('SET', 'repl-ping-replica-period', '1');
      for (let i = 0; i < 200; i++) await c.set(`${namespace.keyPrefix}sync:${i}`, String(i));
    } finally {
      c.disconnect();
    }
    const fullBefore = new Map<string, number>();
    for (const n of t.nodes) fullBefore.set(n.name, Number((await redisInfo(n.port, 'stats')).sync_full ?? 0));

    const res = await sentinelFailover({ topology: t }, { timeoutMs: 30_000 });
    const next = t.node(String(res.detail.to));
    expect(next).not.toBe(old);
    for (const n of t.nodes.filter((x) => x !== next))
      await waitFor({ topology: t }, { condition: { kind: 'link-up', node: n.name }, timeoutMs: 30_000 });

    const full: Record<string, number> = {};
    for (const n of t.nodes) full[n.name] = Number((await redisInfo(n.port, 'stats')).sync_full ?? 0) - (fullBefore.get(n.name) ?? 0);
    expect(full).toEqual(Object.fromEntries(t.nodes.map((n) => [n.name, 0])));
    const partial = Number((await redisInfo(next.port, 'stats')).sync_partial_ok ?? 0);
    expect(partial).toBe(2);
    // the old primary's PING period is back to what it was
    const cfg = redisClient(old.port);
    try {
      expect(await cfg.config('GET', 'repl-ping-replica-period')).toEqual(['repl-ping-replica-period', '1']);
    } finally {
      cfg.disconnect();
    }
  }, 120_000);
});
