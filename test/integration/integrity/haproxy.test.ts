/**
 * Through HAProxy in front of a Sentinel group (field notes, section 3): the writer sees a
 * standalone server; after kill -9 of the primary and the Sentinel failover, HAProxy's
 * health check moves to the new master and the writer, reconnecting, follows it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, startWriter } from '../../../lib/integrity/index.js';
import { type SentinelGroup, startSentinelGroup } from '../../../lib/stack/sentinel.js';
import { type HaproxyHandle, startHaproxy } from '../../../lib/topology/haproxy.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

let group: SentinelGroup;
let proxy: HaproxyHandle;

beforeAll(async () => {
  group = await startSentinelGroup({
    ports,
    dir: tmpDir('sentinel'),
    replicas: 1,
    sentinels: 3,
    downAfterMs: 1000,
    failoverTimeoutMs: 5000,
  });
  proxy = await startHaproxy({
    host: '127.0.0.1',
    port: await ports.take(),
    dir: join(tmpDir('haproxy'), 'cfg'),
    servers: group.nodes.map((n, i) => ({ name: `redis${i}`, host: n.host, port: n.port })),
    checkIntervalMs: 200,
    expectPort: async () => (await group.currentMaster()).port,
  });
});
afterAll(async () => {
  await proxy?.stop();
  await group?.stop();
});

describe('integrity through HAProxy', () => {
  it('keeps writing through a failover behind HAProxy and measures the outage', async () => {
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const writer = await startWriter({
      runId: `${namespace.runId}-ha`,
      ledgerPath,
      rate: 1000,
      concurrency: 8,
      timeoutMs: 500,
      connection: { port: proxy.port },
    });
    await new Promise((r) => setTimeout(r, 500));
    const killedAt = Date.now();
    await group.primary.process.crash();
    let moved = false;
    for (let i = 0; i < 300 && !moved; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const m = await group.currentMaster().catch(() => null);
      moved = m !== null && m.port !== group.primary.port;
    }
    expect(moved).toBe(true);
    const at = writer.snapshot().acked;
    for (let i = 0; i < 200 && writer.snapshot().acked < at + 300; i++) await new Promise((r) => setTimeout(r, 50));
    const r = await writer.stop();
    expect(r.acked).toBeGreaterThan(at + 200);
    expect(r.writeWindows.length).toBeGreaterThanOrEqual(1);
    const first = r.writeWindows[0] as (typeof r.writeWindows)[number];
    expect(first.startMs).toBeGreaterThanOrEqual(killedAt - 600);
    expect(r.writeWindows.every((w) => !w.open)).toBe(true);
    expect(r.writeUnavailableMs).toBeGreaterThan(900);
    const a = await runAudit({ ledgerPath, connection: { port: proxy.port }, allowLoss: 1_000_000 });
    expect(a.acked).toBe(r.acked);
    expect(a.ackedOk + a.ackedLost + a.ackedCorrupt).toBe(r.acked);
    expect(a.ackedCorrupt).toBe(0);
    expect(a.ackedLost).toBeLessThan(200);
  });
});
