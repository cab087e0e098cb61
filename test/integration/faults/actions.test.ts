import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDrillActions } from '../../../lib/drill/actions.js';
import { PlanError, planRunbook } from '../../../lib/drill/plan.js';
import { stepDefinition } from '../../../lib/drill/steps/index.js';
import {
  activeFaults,
  clientPause,
  crash,
  debugSleep,
  failover,
  freeze,
  networkFault,
  restart,
  restoreTopology,
  scaleIn,
  scaleOut,
  waitFor,
} from '../../../lib/faults/index.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { startTopology, type TopoEvent, type Topology } from '../../../lib/topology/index.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { redisClient } from '../../support/redis.js';
import { waitUntil } from '../../support/wait.js';

let t: Topology;
const events: TopoEvent[] = [];
const key = (s: string) => `${namespace.keyPrefix}${s}`;

beforeAll(async () => {
  t = await startTopology({ kind: 'replicas', replicas: 1 }, { ports, dir: tmpDir('actions'), onEvent: (e) => events.push(e) });
});
afterAll(async () => {
  await t?.stop();
});

/** Run one runbook step the way a drill does: its schema, its selectors, its actions. */
async function step(raw: Record<string, unknown>): Promise<void> {
  const [plan] = planRunbook({ name: 'x', description: 'x', topology: { kind: 'replicas', replicas: 1 }, steps: [raw] });
  const s = plan?.steps[0];
  const def = s && stepDefinition(s.action);
  if (!s || !def) throw new Error('no step');
  const actions = makeDrillActions({
    topology: t,
    signal: new AbortController().signal,
    initialNodes: t.nodes.map((n) => n.name),
    initialPrimary: (await t.currentPrimary()).name,
    allowDestructive: false,
    confirmNonLoopback: false,
    seenEvents: () => events,
    write: async () => ({ acked: 0, failed: 0, unknown: 0 }),
  });
  const now = Date.now();
  await def.run(
    { actions, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), note: () => {}, startedMs: now, sinceMs: now },
    s.params as never,
  );
}

const clientOf = (port: number) => redisClient(port);

/**
 * PINGs `c` back to back while `during` runs (from 5 answered before it starts to 5 after
 * it ends); the longest time between two answers.
 */
async function longestSilence(c: Redis, during: () => Promise<unknown>): Promise<number> {
  const done: number[] = [];
  let stop = false;
  const loop = (async () => {
    for (let i = 0; i < 100_000 && !stop; i++) {
      await c.ping();
      done.push(performance.now());
    }
  })();
  await waitUntil('5 PINGs answered', async () => done.length >= 5, 10_000, 5);
  await during();
  const after = done.length;
  await waitUntil('5 PINGs answered after it', async () => done.length >= after + 5, 10_000, 5);
  stop = true;
  await loop;
  let gap = 0;
  for (let i = 1; i < done.length; i++) gap = Math.max(gap, (done[i] as number) - (done[i - 1] as number));
  return gap;
}

describe('fault actions on a real primary + replica', () => {
  it('freeze for 2 s is seen by a client as ~2 s without replies', async () => {
    const p = t.node('primary');
    const c = clientOf(p.proxyPort);
    let res: Awaited<ReturnType<typeof freeze>> | undefined;
    const gap = await longestSilence(c, async () => {
      res = await freeze({ topology: t }, { node: 'primary', durationMs: 2000 });
    });
    // at least the freeze; a busy machine may add to it (bench:drill measures the accuracy)
    expect(gap).toBeGreaterThan(1900);
    expect(gap).toBeLessThan(6000);
    if (!res) throw new Error('freeze gave no result');
    expect(res.events.map((e) => e.kind)).toEqual(['freeze', 'thaw']);
    expect(p.process?.status).toBe('running');
    expect(activeFaults(t)).toEqual([]);
  });

  it('a fault left applied is undone by restoreTopology (what SIGINT runs)', async () => {
    await freeze({ topology: t }, { node: 'replica-1' });
    await networkFault({ topology: t }, { node: 'primary', fault: { kind: 'latency', ms: 50 } });
    expect(t.node('replica-1').process?.status).toBe('frozen');
    expect(activeFaults(t).sort()).toEqual(['freeze on replica-1', 'network on primary']);
    const undone = await restoreTopology(t);
    expect(undone.sort()).toEqual(['freeze on replica-1', 'network on primary']);
    expect(t.node('replica-1').process?.status).toBe('running');
    expect(t.node('primary').proxy?.fault).toBeNull();
    await waitFor({ topology: t }, { condition: { kind: 'link-up', node: 'replica-1' }, timeoutMs: 10_000 });
  });

  it('a blackhole on the replication links only: clients still write, the replica falls behind, heal catches it up', async () => {
    const c = clientOf(t.node('primary').proxyPort);
    await c.connect();
    await step({ action: 'network', node: 'primary', fault: 'blackhole', scope: 'replication' });
    for (let i = 0; i < 50; i++) await c.set(key(`bh${i}`), 'x'.repeat(100));
    await new Promise((r) => setTimeout(r, 300));
    const p = await redisInfo(t.node('primary').port, 'replication');
    const r = await redisInfo(t.node('replica-1').port, 'replication');
    expect(Number(r.slave_repl_offset)).toBeLessThan(Number(p.master_repl_offset));
    await step({ action: 'heal' });
    const w = await waitFor({ topology: t }, { condition: { kind: 'caught-up' }, timeoutMs: 10_000 });
    expect(Number(w.detail.waitedMs)).toBeLessThan(10_000);
    for (let i = 0; i < 50; i++) await c.del(key(`bh${i}`));
    c.disconnect();
  });

  it('DEBUG SLEEP blocks the node; CLIENT PAUSE WRITE blocks writes but not reads', async () => {
    const p = t.node('primary');
    const c = clientOf(p.proxyPort);
    const silent = await longestSilence(c, () => debugSleep({ topology: t }, { node: 'primary', seconds: 1 }));
    expect(silent).toBeGreaterThan(800);
    // CLIENT PAUSE WRITE: a write sent first is answered after a read sent later, and not
    // before the pause ends (it started after t0)
    const writer = clientOf(p.proxyPort);
    await writer.connect();
    const t0 = performance.now();
    await clientPause({ topology: t }, { node: 'primary', ms: 600, mode: 'write' });
    const wrote = writer.set(key('cp'), '1').then(() => performance.now());
    await c.get(key('cp'));
    const readAt = performance.now();
    const wroteAt = await wrote;
    expect(readAt).toBeLessThan(wroteAt);
    expect(wroteAt - t0).toBeGreaterThan(550);
    await c.del(key('cp'));
  });

  it('crash (kill -9) then restart on the same port: the replica syncs again', async () => {
    const r = t.node('replica-1');
    const oldPid = r.process?.pid;
    await crash({ topology: t }, { node: 'replica-1' });
    expect(r.process?.status).toBe('exited');
    const res = await restart({ topology: t }, { node: 'replica-1' });
    expect(r.process?.pid).not.toBe(oldPid);
    expect(r.process?.status).toBe('running');
    expect(Number(res.detail.readyMs)).toBeGreaterThan(0);
    await waitFor({ topology: t }, { condition: { kind: 'link-up', node: 'replica-1' }, timeoutMs: 15_000 });
    expect(events.some((e) => e.kind === 'crash' && e.node === 'replica-1')).toBe(true);
    expect(events.some((e) => e.kind === 'restart' && e.node === 'replica-1')).toBe(true);
  });

  it('FAILOVER switches roles with every acknowledged write kept', async () => {
    const c = clientOf(t.node('primary').proxyPort);
    await c.connect();
    for (let i = 0; i < 200; i++) await c.set(key(`fo${i}`), String(i));
    c.disconnect();
    const res = await failover({ topology: t }, { to: 'replica-1', timeoutMs: 10_000 });
    expect(res.detail.to).toBe('replica-1');
    expect((await t.currentPrimary()).name).toBe('replica-1');
    const n = clientOf(t.node('replica-1').proxyPort);
    await n.connect();
    let found = 0;
    for (let i = 0; i < 200; i++) if ((await n.get(key(`fo${i}`))) === String(i)) found++;
    expect(found).toBe(200);
    for (let i = 0; i < 200; i++) await n.del(key(`fo${i}`));
    n.disconnect();
    await waitFor({ topology: t }, { condition: { kind: 'role', node: 'primary', role: 'replica' }, timeoutMs: 10_000 });
  });

  it('restart after a switchover: the old primary comes back as a replica of the master now', async () => {
    await crash({ topology: t }, { node: 'primary' });
    await restart({ topology: t }, { node: 'primary' });
    await waitFor({ topology: t }, { condition: { kind: 'link-up', node: 'primary' }, timeoutMs: 15_000 });
    const info = await redisInfo(t.node('primary').port, 'replication');
    expect(info.role).toBe('slave');
    expect(Number(info.master_port)).toBe(t.node('replica-1').proxyPort);
    expect((await t.currentPrimary()).name).toBe('replica-1');
  });

  it('scale out full-syncs a new replica; scale in removes it', async () => {
    const res = await scaleOut({ topology: t });
    expect(Number(res.detail.syncFullDelta)).toBeGreaterThanOrEqual(1);
    const name = String(res.detail.node);
    const st = await t.status();
    const added = st.nodes.find((n) => n.name === name);
    expect(added?.role).toBe('replica');
    expect(added?.masterLinkStatus).toBe('up');
    const pid = t.node(name).process?.pid as number;
    await scaleIn({ topology: t }, { node: name });
    expect(t.nodes.some((n) => n.name === name)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    const primary = await t.currentPrimary();
    const info = await redisInfo(primary.port, 'replication');
    expect(info.connected_slaves).toBe('1');
  });

  it('bad input: unknown step, bad params and a wait-for that cannot be met give clear errors', async () => {
    await expect(step({ action: 'explode' })).rejects.toThrow(PlanError);
    await expect(step({ action: 'explode' })).rejects.toThrow(/unknown step 'explode'/);
    await expect(step({ action: 'network', node: 'primary', fault: 'latency', latency: -1 })).rejects.toThrow(/steps\[0\]\.latency: /);
    // a node the topology does not have, and an event it cannot produce: refused by the plan, before anything runs
    await expect(step({ action: 'crash', node: 'replica-7' })).rejects.toThrow(/no node 'replica-7' in this replicas topology/);
    await expect(step({ action: 'wait-for', event: '+switch-master', timeout: '300ms' })).rejects.toThrow(
      /\+switch-master comes from Sentinels or a cluster/,
    );
    await expect(step({ action: 'wait-for', role: { node: 'primary', is: 'replica' }, timeout: '300ms' })).rejects.toThrow(
      /timed out after 300 ms/,
    );
    expect(t.node('primary').process?.status).toBe('running');
  });
});
