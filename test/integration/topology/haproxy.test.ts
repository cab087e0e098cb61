import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { crash, sentinelFailover, waitFor } from '../../../lib/faults/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { haproxyRoutesTo, startTopology, type TopoEvent, type TopologyStatus } from '../../../lib/topology/index.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { waitUntil } from '../../support/wait.js';

describe('HAProxy in front of a Sentinel group (real haproxy, sentinels, redis)', () => {
  it('a client of HAProxy reaches the new master after a Sentinel failover; events are recorded', async () => {
    const events: TopoEvent[] = [];
    const pw = 'ha-pw-42';
    const t = await startTopology(
      { kind: 'haproxy', replicas: 1, downAfterMs: 500, failoverTimeoutMs: 3000, password: pw },
      { ports, dir: tmpDir('haproxy'), onEvent: (e) => events.push(e) },
    );
    const pids = [...t.nodes, ...t.sentinels, t.haproxy].map((x) => x?.process?.pid as number);
    try {
      const h = t.haproxy as NonNullable<typeof t.haproxy>;
      expect(t.endpoint).toEqual({ kind: 'direct', host: '127.0.0.1', port: h.port });
      const cfg = readFileSync(h.configFile, 'utf8');
      expect(cfg).toContain('tcp-check expect string role:master');
      expect(cfg).toContain('check inter 1000ms');
      expect(readFileSync(`/proc/${h.process?.pid}/cmdline`, 'utf8')).not.toContain(pw);
      expect((await haproxyRoutesTo(h, pw)).port).toBe(t.node('primary').port);

      const c = new Redis({ port: h.port, password: pw, lazyConnect: true, maxRetriesPerRequest: 50, retryStrategy: () => 100 });
      c.on('error', () => {});
      await c.connect();
      await c.set(`${namespace.keyPrefix}before`, '1');

      await crash({ topology: t }, { node: 'primary' });
      await waitFor({ topology: t }, { condition: { kind: 'event', event: '+switch-master' }, timeoutMs: 30_000 }).catch((e: Error) => {
        throw new Error(`${e.message}; events: ${events.map((x) => `${x.kind} ${x.node ?? ''} ${x.detail ?? ''}`).join(' | ')}`);
      });
      await waitFor({ topology: t }, { condition: { kind: 'new-primary', from: 'primary' }, timeoutMs: 20_000 });
      expect((await t.currentPrimary()).name).toBe('replica-1');

      // HAProxy's tcp-check marks the new master up within a few check intervals.
      const deadline = Date.now() + 15_000;
      let routed = 0;
      while (Date.now() < deadline) {
        routed = (await haproxyRoutesTo(h, pw).catch(() => ({ port: 0 }))).port;
        if (routed === t.node('replica-1').port) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(routed).toBe(t.node('replica-1').port);
      expect(await c.set(`${namespace.keyPrefix}after`, '2')).toBe('OK');
      const info = await redisInfo(t.node('replica-1').port, 'keyspace', { password: pw });
      expect(info.db0).toMatch(/keys=2/);
      await c.del(`${namespace.keyPrefix}before`, `${namespace.keyPrefix}after`);
      c.disconnect();

      const kinds = new Set(events.map((e) => e.kind));
      for (const k of ['crash', '+sdown', '+odown', '+switch-master']) expect(kinds).toContain(k);
      const sw = events.find((e) => e.kind === '+switch-master');
      expect(sw?.node).toBe('replica-1');
      // The status names the new master behind HAProxy once its 1 s check marked it UP, and
      // every Sentinel names it once the hello messages spread: asserted on one status read
      // (a second read could time out on a loaded machine and name no route at all).
      const last: { st?: TopologyStatus } = {};
      await waitUntil(
        'a status where HAProxy routes to replica-1 and every Sentinel names it',
        async () => {
          const st = await t.status();
          last.st = st;
          return st.haproxy?.routesTo === 'replica-1' && st.sentinels.every((s) => s.master === 'replica-1');
        },
        15_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; last status: ${JSON.stringify({ haproxy: last.st?.haproxy, sentinels: last.st?.sentinels })}`);
      });
      const seen = last.st as TopologyStatus;
      expect(seen.haproxy?.routesTo).toBe('replica-1');
      expect(seen.sentinels.map((s) => s.master)).toEqual(seen.sentinels.map(() => 'replica-1'));
    } finally {
      await t.stop();
    }
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('a planned SENTINEL FAILOVER on a Sentinel group moves the master', async () => {
    const t = await startTopology(
      { kind: 'sentinel', replicas: 1, downAfterMs: 1000, failoverTimeoutMs: 3000 },
      { ports, dir: tmpDir('sentinel') },
    );
    const pids = [...t.nodes, ...t.sentinels].map((x) => x.process?.pid as number);
    expect(pids).toHaveLength(5);
    try {
      expect(t.endpoint.kind).toBe('sentinel');
      const res = await sentinelFailover({ topology: t }, { timeoutMs: 20_000 });
      expect(res.detail.from).toBe('primary');
      expect(res.detail.to).toBe('replica-1');
      const st = await t.status();
      expect(st.primary).toBe('replica-1');
      expect(st.sentinels.map((s) => s.master)).toEqual(['replica-1', 'replica-1', 'replica-1']);
      expect(res.events.map((e) => e.kind)).toEqual(['switchover-start', 'client-pause', 'switchover-done']);
      // the old master was demoted at once and is writable again only through the new one
      expect(st.nodes.find((n) => n.name === 'primary')?.role).toBe('replica');
    } finally {
      await t.stop();
    }
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
