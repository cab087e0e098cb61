/**
 * Through HAProxy in front of a Sentinel group: the writer sees a
 * standalone server; after kill -9 of the primary and the Sentinel failover, HAProxy's
 * health check moves to the new master and the writer, reconnecting, follows it.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit, startWriter } from '../../../lib/integrity/index.js';
import type { HaproxyProc, Topology } from '../../../lib/topology/types.js';
import { namespace, tmpDir } from '../../support/namespace.js';
import { startTestTopology } from '../../support/topology.js';
import { waitMoreAcks, waitNewMaster } from '../../support/wait.js';

let group: Topology;
let proxy: HaproxyProc;

beforeAll(async () => {
  group = await startTestTopology({
    kind: 'haproxy',
    replicas: 1,
    sentinels: 3,
    downAfterMs: 1000,
    failoverTimeoutMs: 5000,
    checkIntervalMs: 200,
    faultProxies: false,
  });
  proxy = group.haproxy as HaproxyProc;
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
    await waitMoreAcks(writer, 300);
    const killedAt = Date.now();
    const old = group.node('primary');
    await old.process?.crash();
    await waitNewMaster(group, old, 30_000);
    const at = await waitMoreAcks(writer, 300);
    const r = await writer.stop();
    expect(r.acked).toBeGreaterThanOrEqual(at + 300);
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
