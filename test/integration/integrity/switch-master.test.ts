/**
 * The writer follows a bare `SENTINEL FAILOVER` (the old master stays up and keeps taking
 * writes until Sentinel demotes it seconds later) through its `+switch-master`
 * subscription alone: it moves within 100 ms of the Sentinels' event, logs the switch,
 * and counts the writes the old master acknowledged after the promotion as a split window
 * that the audit finds lost, write for write. Also with the first Sentinel of the list
 * down, and with following turned off (the behaviour of many application clients).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, runFill, startWriter, type WriteResult } from '../../../lib/integrity/index.js';
import { redisOnce } from '../../../lib/redis/index.js';
import { startTopology, type Topology, watchSentinels } from '../../../lib/topology/index.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { bench } from '../bench/helpers.js';

let t: Topology;
let masterName: string;

beforeAll(async () => {
  t = await startTopology({ kind: 'sentinel', replicas: 2, downAfterMs: 5000 }, { ports, dir: tmpDir('switch-master') });
  masterName = (t.spec as { masterName: string }).masterName;
});
afterAll(async () => {
  await t?.stop();
});

const sentinelList = () => t.sentinels.map((s) => `${s.host}:${s.port}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function masterAddr(): Promise<string> {
  for (const s of t.sentinels) {
    const r = await redisOnce(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName], { host: s.host, timeoutMs: 1000 }).catch(
      () => null,
    );
    if (Array.isArray(r)) return `${r[0]}:${r[1]}`;
  }
  throw new Error('no Sentinel answered');
}

/** Wait until every live Sentinel names the same master and has seen its replicas (ready for another failover). */
async function settled(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const views = await Promise.all(
      t.sentinels
        .filter((s) => s.process?.running)
        .map((s) => redisOnce(s.port, ['SENTINEL', 'REPLICAS', masterName], { host: s.host, timeoutMs: 1000 }).catch(() => null)),
    );
    const ok = views.every(
      (v) =>
        Array.isArray(v) &&
        v.length === t.nodes.length - 1 &&
        v.every((r) => {
          const f = (r as unknown[]).map(String);
          return f[f.indexOf('flags') + 1] === 'slave' && f[f.indexOf('master-link-status') + 1] === 'ok';
        }),
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error('the Sentinels did not settle');
}

/**
 * Write at 1,000/s, let a Sentinel run a bare SENTINEL FAILOVER, keep writing 1.5 s, stop.
 * Returns the writer's result, the first +switch-master seen by our own subscription, and
 * the audit of the ledger against the master the Sentinels name.
 */
async function failoverWhileWriting(label: string, opts: { sentinels: string[]; askVia: number; follow?: boolean }) {
  await settled();
  const before = await masterAddr();
  const seen: Array<{ atMs: number; to: string }> = [];
  const watch = watchSentinels(
    t.sentinels.filter((s) => s.process?.running).map((s) => ({ host: s.host, port: s.port })),
    (m) => {
      if (m.channel !== '+switch-master') return;
      const w = m.message.split(' ');
      seen.push({ atMs: m.atMs, to: `${w[3]}:${w[4]}` });
    },
  );
  const ledgerPath = join(tmpDir(`ledger-${label}`), 'ledger');
  const logs: string[] = [];
  try {
    const writer = await startWriter({
      runId: `${namespace.runId}-${label}`,
      ledgerPath,
      rate: 1000,
      concurrency: 16,
      timeoutMs: 1000,
      connection: { sentinels: opts.sentinels, masterName },
      followSwitchMaster: opts.follow ?? true,
    });
    writer.on('masterChanged', (c) => logs.push(`${c.from} -> ${c.to}`));
    await sleep(1000);
    const s = t.sentinels[opts.askVia] as { host: string; port: number };
    const r = await redisOnce(s.port, ['SENTINEL', 'FAILOVER', masterName], { host: s.host, timeoutMs: 2000 });
    expect(String(r)).toBe('OK');
    for (let i = 0; i < 100 && seen.length === 0; i++) await sleep(50);
    await sleep(1500);
    const result: WriteResult = await writer.stop();
    const audit = await runAudit({ ledgerPath, connection: { sentinels: sentinelList(), masterName }, allowLoss: 1_000_000 });
    return { before, after: await masterAddr(), seen, result, audit, logs };
  } finally {
    watch.stop();
  }
}

describe('write --sentinel follows +switch-master', () => {
  it('moves within 100 ms of a bare SENTINEL FAILOVER (old master alive), and the split window matches the audit', async () => {
    const { before, after, seen, result, audit, logs } = await failoverWhileWriting('follow', { sentinels: sentinelList(), askVia: 0 });
    expect(after).not.toBe(before);
    expect(seen.length).toBeGreaterThan(0);
    const firstEvent = seen[0] as { atMs: number; to: string };
    expect(firstEvent.to).toBe(after);
    // the subscription moved it, not an error from the old master (it is still a master)
    expect(result.switches).toHaveLength(1);
    const sw = result.switches[0] as WriteResult['switches'][number];
    expect(sw).toMatchObject({ from: before, to: after, reason: '+switch-master' });
    expect(result.errors.READONLY ?? 0).toBe(0);
    expect(logs).toEqual([`${before} -> ${after}`]);
    expect(result.target).toBe(after);
    // the first write on the new master within 100 ms of the Sentinels' event
    expect(sw.firstWriteMs).not.toBeNull();
    expect((sw.firstWriteMs as number) - firstEvent.atMs).toBeLessThan(100);
    // writes kept flowing on the new master after the switch
    expect(result.acked).toBeGreaterThan(2000);
    // the audit finds lost exactly the writes the split window counted
    expect(audit.acked).toBe(result.acked);
    expect(audit.ackedLost).toBe(result.splitWindow.writes);
    expect(audit.ackedCorrupt).toBe(0);
    // the time from the promotion to the first write on the new master is a write window
    expect(result.writeWindows.length).toBeGreaterThanOrEqual(1);
  });

  it('does the same with the first Sentinel of the list stopped', async () => {
    const first = t.sentinels[0] as { process: { stop(ms?: number): Promise<void> } | null };
    await first.process?.stop(3000);
    const { before, after, seen, result, audit } = await failoverWhileWriting('first-down', { sentinels: sentinelList(), askVia: 1 });
    expect(after).not.toBe(before);
    const firstEvent = seen[0] as { atMs: number; to: string };
    expect(result.switches).toHaveLength(1);
    const sw = result.switches[0] as WriteResult['switches'][number];
    expect(sw).toMatchObject({ from: before, to: after, reason: '+switch-master' });
    expect((sw.firstWriteMs as number) - firstEvent.atMs).toBeLessThan(100);
    expect(result.target).toBe(after);
    expect(audit.acked).toBe(result.acked);
    expect(audit.ackedLost).toBe(result.splitWindow.writes);
  });

  it('with following off, it keeps writing to the old master and counts every write lost there as the split window', async () => {
    const { before, after, result, audit } = await failoverWhileWriting('no-follow', {
      sentinels: sentinelList(),
      askVia: 1,
      follow: false,
    });
    expect(after).not.toBe(before);
    expect(result.followSwitchMaster).toBe(false);
    // 1.5 s of writes at 1,000/s went to the old master after the promotion
    expect(result.splitWindow.writes).toBeGreaterThan(1000);
    expect(audit.ackedLost).toBe(result.splitWindow.writes);
  });

  it('bench and fill given --sentinel write to the master the Sentinels name (one Sentinel client)', async () => {
    await settled();
    const master = await masterAddr();
    const [host, port] = master.split(':') as [string, string];
    const prefix = `sd:${namespace.runId}-bs:`;
    const { outcome } = await bench([
      ...sentinelList().flatMap((s) => ['--sentinel', s]),
      '--master-name',
      masterName,
      '-t',
      'set',
      '-n',
      '2000',
      '-r',
      '100',
      '--key-prefix',
      prefix,
      '-q',
    ]);
    expect(outcome.runs[0]?.result.finished).toBe(2000);
    const keys = (await redisOnce(Number(port), ['KEYS', `${prefix}*`], { host })) as unknown[];
    expect(keys.length).toBe(100);
    const f = await runFill({ runId: `${namespace.runId}-fs`, keys: 500, connection: { sentinels: sentinelList(), masterName } });
    expect(f.target).toBe(master);
  });
});
