import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planRunbook } from '../../../lib/drill/plan.js';
import { RETIRED_STEPS, STEP_NAMES, STEPS, stepDefinition } from '../../../lib/drill/steps/index.js';
import type { DrillActions, StepContext } from '../../../lib/drill/steps/types.js';
import { planProblems } from '../../support/plan.js';

/** A DrillActions that records calls (the real one is exercised by the integration tests). */
function recorder(): { actions: DrillActions; calls: string[] } {
  const calls: string[] = [];
  const rec =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push(`${name}(${args.map((a) => (a === undefined ? 'undefined' : JSON.stringify(a))).join(',')})`);
    };
  const actions: DrillActions = {
    crash: rec('crash'),
    freeze: rec('freeze'),
    thaw: rec('thaw'),
    shutdown: rec('shutdown'),
    restart: rec('restart'),
    debugSleep: rec('debugSleep'),
    clientPause: rec('clientPause'),
    network: rec('network'),
    partition: rec('partition'),
    heal: rec('heal'),
    switchover: rec('switchover'),
    scaleOut: rec('scaleOut'),
    scaleIn: rec('scaleIn'),
    waitFor: rec('waitFor'),
    write: async (count: number) => {
      calls.push(`write(${count})`);
      return { acked: count - 1, failed: 1, unknown: 0 };
    },
  };
  return { actions, calls };
}

function ctxWith(actions: DrillActions, calls: string[]): StepContext {
  return {
    actions,
    sleep: async (ms) => {
      calls.push(`sleep(${ms})`);
    },
    note: () => {},
    startedMs: 2000,
    sinceMs: 1000,
  };
}

async function run(step: Record<string, unknown>, kind = 'sentinel'): Promise<string[]> {
  const [plan] = planRunbook({ name: 'x', description: 'x', topology: { kind, replicas: 2 }, steps: [step] });
  const s = plan?.steps[0];
  if (!s) throw new Error('no step');
  const { actions, calls } = recorder();
  await (stepDefinition(s.action)?.run(ctxWith(actions, calls), s.params as never) as Promise<void>);
  return calls;
}

describe('step registry', () => {
  it('has one module per step, each registered under its own action name', () => {
    const dir = join(import.meta.dirname, '../../../lib/drill/steps');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'types.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(new Set(files)).toEqual(new Set(STEP_NAMES));
    for (const [name, def] of Object.entries(STEPS)) expect(def.action).toBe(name);
  });
  it('retired names are not steps', () => {
    for (const n of Object.keys(RETIRED_STEPS)) expect(stepDefinition(n)).toBeUndefined();
  });
  it('marks destructive steps (kill, pause, shutdown, DEBUG, CLIENT PAUSE)', () => {
    for (const n of ['crash', 'freeze', 'shutdown', 'restart', 'debug-sleep', 'client-pause', 'network', 'switchover', 'scale-in'] as const)
      expect(STEPS[n].destructive).toBe(true);
    for (const n of ['sleep', 'wait-for', 'write', 'heal', 'thaw', 'scale-out'] as const) expect(STEPS[n].destructive).toBe(false);
  });
});

/** Every problem the step schemas find in `steps` (empty = valid). */
function stepProblems(steps: Array<Record<string, unknown>>): string[] {
  return planProblems({ name: 'x', description: 'x', topology: { kind: 'sentinel' }, steps });
}

describe('step params are checked by the step schemas (the one validation of every action)', () => {
  it('lists every problem of every step at once, naming the field', () => {
    const p = stepProblems([
      { action: 'crash' },
      { action: 'freeze', node: 'primary', duration: -5 },
      { action: 'debug-sleep', node: 'primary' },
      { action: 'client-pause', duration: '1s', mode: 'sometimes' },
      { action: 'network', node: 'primary', fault: 'bandwidth' },
      { action: 'network', node: 'primary', fault: 'latency' },
      { action: 'shutdown', node: '@primary' },
      { action: 'wait-for', role: { node: 'primary' }, timeout: '1s' },
      { action: 'wait-for', timeout: '1s' },
    ]);
    expect(p).toHaveLength(9);
    expect(p[0]).toMatch(/^steps\[0\]\.node: /);
    expect(p[1]).toMatch(/^steps\[1\]\.duration: /);
    expect(p[2]).toMatch(/^steps\[2\]\.duration: /);
    expect(p[3]).toMatch(/^steps\[3\]\.mode: /);
    expect(p[4]).toBe('steps[4].bytesPerSecond: fault: bandwidth needs bytesPerSecond: e.g. 10000');
    expect(p[5]).toBe('steps[5].latency: fault: latency needs latency: e.g. 200ms');
    expect(p[6]).toMatch(/^steps\[6\]\.node: bad node selector: use one of /);
    expect(p[7]).toMatch(/^steps\[7\]\.role\.is: /);
    expect(p[8]).toMatch(/wait-for needs exactly one of event, role, linkUp, caughtUp, clusterOk, primaryChanged \(got none\)/);
  });
  it('accepts the well-formed ones', () => {
    expect(
      stepProblems([
        { action: 'freeze', node: 'primary', duration: '2s' },
        { action: 'debug-sleep', node: 'primary', duration: '500ms' },
        { action: 'network', node: 'primary', fault: 'latency', latency: '100ms', scope: 'clients' },
        { action: 'wait-for', event: '+switch-master', timeout: '1s' },
      ]),
    ).toEqual([]);
  });
});

describe('steps map their params onto the actions', () => {
  it('freeze with a duration thaws after it', async () => {
    expect(await run({ action: 'freeze', node: 'primary', duration: '2s' })).toEqual([
      'freeze("primary")',
      'sleep(2000)',
      'thaw("primary")',
    ]);
    expect(await run({ action: 'freeze', node: 'replica-1' })).toEqual(['freeze("replica-1")']);
  });
  it('network faults, healed after a duration', async () => {
    expect(await run({ action: 'network', node: 'primary', fault: 'latency', latency: '200ms', duration: '1s' })).toEqual([
      'network("primary",{"fault":"latency","scope":"all","latencyMs":200})',
      'sleep(1000)',
      'heal("primary")',
    ]);
    expect(await run({ action: 'network', node: 'primary', fault: 'blackhole', scope: 'replication' })).toEqual([
      'network("primary",{"fault":"blackhole","scope":"replication"})',
    ]);
  });
  it('client-pause lasts as long as the pause', async () => {
    expect(await run({ action: 'client-pause', duration: '1500ms', mode: 'write' })).toEqual([
      'clientPause("primary",1500,"write")',
      'sleep(1500)',
    ]);
  });
  it('wait-for turns its one condition into a typed condition and looks back to the previous step', async () => {
    expect(await run({ action: 'wait-for', event: '+switch-master', timeout: '5s' })).toEqual([
      'waitFor({"kind":"event","event":"+switch-master"},5000,1000)',
    ]);
    expect(await run({ action: 'wait-for', role: { node: 'replica-1', is: 'master' }, timeout: '1s' })).toEqual([
      'waitFor({"kind":"role","node":"replica-1","role":"master"},1000,1000)',
    ]);
    expect(await run({ action: 'wait-for', primaryChanged: true, timeout: '1s' })).toEqual([
      'waitFor({"kind":"primary-changed"},1000,1000)',
    ]);
  });
  it('write fails the step unless every write was acknowledged', async () => {
    await expect(run({ action: 'write', count: 10 })).rejects.toThrow(/only 9 of 10 writes were acknowledged/);
    expect(await run({ action: 'write', count: 10, expectAllAcked: false })).toEqual(['write(10)']);
  });
  it('switchover, scale and process steps', async () => {
    expect(await run({ action: 'switchover' })).toEqual(['switchover("auto",undefined,true)']);
    expect(await run({ action: 'switchover', method: 'failover', to: 'replica-2' }, 'replicas')).toEqual([
      'switchover("failover","replica-2",true)',
    ]);
    expect(await run({ action: 'switchover', method: 'sentinel', pauseWrites: false })).toEqual(['switchover("sentinel",undefined,false)']);
    expect(await run({ action: 'scale-out', count: 2 })).toEqual(['scaleOut(2)']);
    expect(await run({ action: 'scale-in', node: 'old' })).toEqual(['scaleIn("old")']);
    expect(await run({ action: 'crash', node: 'all' })).toEqual(['crash("all")']);
    expect(await run({ action: 'restart', node: 'down' })).toEqual(['restart("down")']);
    expect(await run({ action: 'debug-sleep', node: 'primary', duration: '1s' })).toEqual(['debugSleep("primary",1000)']);
  });
});
