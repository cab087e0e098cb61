/**
 * The demo service under a real Sentinel failover: the primary is killed with kill -9
 * while clients keep reserving and confirming. Requests during the failover fail cleanly
 * (a 5xx with a JSON error, never a dropped connection), later requests succeed, the
 * service never crashes, and no confirmed reservation is lost (confirm waits for one
 * replica, and Sentinel promotes the most up-to-date replica).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type DemoService, startDemoService } from '../../../lib/demo-service/index.js';
import type { Topology } from '../../../lib/topology/types.js';
import { useTestEnv } from '../../support/env.js';
import { httpCall as call } from '../../support/http.js';
import { startTestTopology, viaSentinels } from '../../support/topology.js';
import { waitForValue, waitNewMaster, waitUntil } from '../../support/wait.js';

const env = useTestEnv({});

interface Outcome {
  at: number;
  ok: boolean;
  status: number;
  clean: boolean;
  error?: string;
}

describe('demo service during a real Sentinel failover', () => {
  let svc: DemoService | undefined;
  afterAll(async () => {
    await svc?.stop();
  });

  it('fails cleanly while the primary is gone, recovers by itself, and loses no confirmed reservation', async () => {
    const t: Topology = await startTestTopology({
      kind: 'sentinel',
      replicas: 2,
      downAfterMs: 1000,
      failoverTimeoutMs: 5000,
      faultProxies: false,
    });
    const oldPrimary = t.node('primary');
    const serviceLog: string[] = [];
    let killedAt = 0;
    svc = await startDemoService({
      port: 0,
      runId: env.namespace.runId,
      redis: {
        kind: 'sentinel',
        sentinels: t.sentinels.map((s) => ({ host: s.host, port: s.port })),
        masterName: viaSentinels(t).masterName,
      },
      durableReplicas: 1,
      durableTimeoutMs: 500,
      commandTimeoutMs: 1000,
      log: (l) => serviceLog.push(`${Date.now() - (killedAt || Date.now())} ms: ${l}`),
    });
    const service = svc;
    await waitUntil('the demo service to reach the master', async () => service.redisReady, 10_000, 100);

    const outcomes: Outcome[] = [];
    const confirmed = new Set<string>();
    let stop = false;
    const hardDeadline = Date.now() + 40_000;
    const record = (r: Awaited<ReturnType<typeof call>>, okStatuses: number[]) => {
      const ok = okStatuses.includes(r.status);
      const clean = ok || (r.status >= 500 && r.status <= 503 && typeof r.json?.error === 'string' && typeof r.json?.message === 'string');
      outcomes.push({
        at: Date.now(),
        ok,
        status: r.status,
        clean,
        ...(r.thrown ? { error: r.thrown } : { error: String(r.json?.error ?? '') }),
      });
      return ok;
    };
    const worker = async (w: number) => {
      for (let i = 0; !stop && Date.now() < hardDeadline && i < 100_000; i++) {
        const res = await call(service.url, 'POST', '/reservations', { itemId: `item-00${(w % 5) + 1}` });
        if (!record(res, [201])) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const id = String(res.json?.id);
        const conf = await call(service.url, 'POST', `/reservations/${id}/confirm`);
        if (record(conf, [200])) confirmed.add(id);
        else await new Promise((r) => setTimeout(r, 20));
      }
    };
    const workers = [0, 1, 2, 3].map((w) => worker(w));

    await waitUntil('11 confirmed reservations before the kill', async () => confirmed.size > 10, 20_000, 20);
    const confirmedBefore = confirmed.size;
    killedAt = Date.now();
    await oldPrimary.process?.crash(); // kill -9

    // Sentinel promotes a replica
    await waitNewMaster(t, oldPrimary, 20_000);
    // keep the load on until requests succeed again
    await waitUntil(
      '20 successful requests after the kill',
      async () => outcomes.filter((o) => o.at > killedAt && o.ok).length >= 20,
      30_000,
      100,
    );
    stop = true;
    await Promise.all(workers);

    const afterKill = outcomes.filter((o) => o.at >= killedAt);
    const failed = afterKill.filter((o) => !o.ok);
    const firstFail = failed[0]?.at ?? killedAt;
    const firstOkAfter = afterKill.find((o) => o.ok && o.at > firstFail)?.at ?? Number.NaN;
    console.log(
      `failover: ${outcomes.length} requests, ${failed.length} failed after kill -9 (${[...new Set(failed.map((f) => f.error))].join(', ')}), ` +
        `first success again ${firstOkAfter - killedAt} ms after the kill, ${confirmed.size} confirmed reservations\n${serviceLog.join('\n')}`,
    );
    // requests during the failover failed, and each failure was a clean JSON 5xx
    expect(failed.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.clean)).toEqual([]);
    // later requests succeed again, by themselves
    expect(Number.isFinite(firstOkAfter)).toBe(true);
    expect(afterKill.filter((o) => o.ok && o.at > firstOkAfter).length).toBeGreaterThan(5);
    // no crash: the service still answers, healthy, on the new primary
    const health = await call(service.url, 'GET', '/healthz');
    expect(health.status).toBe(200);
    // no confirmed reservation lost: every one reads back as confirmed from the new primary
    expect(confirmed.size).toBeGreaterThan(confirmedBefore);
    const lost: string[] = [];
    for (const id of confirmed) {
      // a 5xx is unavailability, not loss: ask again (bounded) before judging
      const r = await waitForValue(
        `GET /reservations/${id} to answer other than 5xx`,
        () => call(service.url, 'GET', `/reservations/${id}`),
        (x) => x.status < 500,
        2000,
        100,
      ).catch(() => call(service.url, 'GET', `/reservations/${id}`));
      if (r.status !== 200 || r.json?.status !== 'confirmed') lost.push(`${id}: ${r.status} ${String(r.json?.status ?? r.json?.error)}`);
    }
    expect(lost).toEqual([]);
  });
});
