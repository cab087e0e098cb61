// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook variables are written ${name}
import { describe, expect, it } from 'vitest';
import { planRunbook, substitute, variants } from '../../../lib/drill/plan.js';
import { STEP_NAMES } from '../../../lib/drill/steps/index.js';
import { planProblems } from '../../support/plan.js';

const base = (over: Record<string, unknown> = {}) => ({
  name: 'demo',
  description: 'a drill',
  topology: { kind: 'sentinel', replicas: 2 },
  workload: { kind: 'write', rate: 100 },
  steps: [{ action: 'sleep', duration: '1s' }],
  ...over,
});

const problems = planProblems;

describe('planRunbook', () => {
  it('turns a runbook into an ordered plan with durations in ms', () => {
    const [p] = planRunbook(
      base({
        steps: [
          { action: 'sleep', duration: '500ms' },
          { action: 'freeze', node: 'primary', duration: '2s', label: 'freeze it' },
          { action: 'wait-for', event: '+switch-master', timeout: '20s', at: '3s' },
        ],
        checks: { maxWriteUnavailable: '5s', ackedLost: 0, failoverWithin: '10s' },
      }),
    );
    expect(p?.steps.map((s) => s.action)).toEqual(['sleep', 'freeze', 'wait-for']);
    expect(p?.steps[1]?.label).toBe('freeze it');
    expect(p?.steps[1]?.params).toEqual({ action: 'freeze', node: 'primary', duration: 2000 });
    expect(p?.steps[2]?.atMs).toBe(3000);
    expect(p?.checks).toEqual({ maxWriteUnavailable: 5000, ackedLost: 0, failoverWithin: 10_000 });
    expect(p?.destructive).toBe(true);
    expect(p?.needsOwnedTopology).toBe(true);
  });

  it('names the known steps for an unknown one, and the replacement for a retired one', () => {
    const p = problems(base({ steps: [{ action: 'explode' }, { action: 'kill', node: 'primary' }] }));
    expect(p[0]).toContain("steps[0].action: unknown step 'explode': known steps are");
    for (const n of STEP_NAMES) expect(p[0]).toContain(n);
    expect(p[1]).toContain("step 'kill' does not exist: use 'crash'");
  });

  it('reports bad durations, unknown and missing fields, all at once', () => {
    const p = problems(
      base({
        steps: [
          { action: 'sleep', duration: '2 parsecs' },
          { action: 'sleep', duraton: '1s' },
          { action: 'crash', node: 'the-big-one' },
        ],
        checks: { bogus: true },
      }),
    );
    expect(p).toContain("steps[0].duration: bad duration '2 parsecs': use e.g. 250ms, 2s, 1m30s");
    expect(p).toContain('steps[1].duration: missing (required)');
    expect(p.some((l) => l.startsWith('steps[1].duraton: unknown field'))).toBe(true);
    expect(p.some((l) => l.startsWith('steps[2].node: bad node selector'))).toBe(true);
    expect(p.some((l) => l.startsWith('checks.bogus: unknown field'))).toBe(true);
  });

  it('wait-for needs exactly one condition', () => {
    expect(problems(base({ steps: [{ action: 'wait-for', timeout: '1s' }] }))[0]).toContain('wait-for needs exactly one of');
    expect(problems(base({ steps: [{ action: 'wait-for', timeout: '1s', clusterOk: true, primaryChanged: true }] }))[0]).toContain(
      'got clusterOk, primaryChanged',
    );
  });

  it('substitutes variables with their type, and expands the matrix', () => {
    const rb = base({
      vars: { replicas: 2, freeze: '2s' },
      matrix: { replicas: [1, 3], load: ['write', 'idle'] },
      topology: { kind: 'sentinel', replicas: '${replicas}' },
      workload: { kind: '${load}' },
      steps: [
        { action: 'freeze', node: 'primary', duration: '${freeze}' },
        { action: 'write', count: 10, when: { load: 'idle' } },
      ],
    });
    const one = planRunbook(rb);
    expect(one).toHaveLength(1);
    expect(one[0]?.topology.replicas).toBe(2);
    expect(one[0]?.workload.kind).toBe('write');
    expect(one[0]?.steps).toHaveLength(1);
    const all = planRunbook(rb, { allVariants: true });
    expect(all.map((p) => p.variant)).toEqual([
      'replicas=1 freeze=2s load=write',
      'replicas=1 freeze=2s load=idle',
      'replicas=3 freeze=2s load=write',
      'replicas=3 freeze=2s load=idle',
    ]);
    expect(all[1]?.steps.map((s) => s.action)).toEqual(['freeze', 'write']);
    const set = planRunbook(rb, { set: { replicas: '4', load: 'idle' } });
    expect(set[0]?.topology.replicas).toBe(4);
    expect(set[0]?.workload.kind).toBe('idle');
  });

  it('rejects unknown variables in the runbook and in --set', () => {
    expect(problems(base({ topology: { kind: 'sentinel', replicas: '${nope}' } }))[0]).toContain('unknown variable ${nope}');
    expect(() => variants({ vars: { a: 1 } }, { set: { b: '2' } })).toThrow(/--set b: no such variable \(known: a\)/);
  });

  it('merges a list of check sections by `when`', () => {
    const rb = base({
      vars: { policy: 'noeviction' },
      checks: [{ ackedLost: 0 }, { when: { policy: 'noeviction' }, minOomErrors: 1 }, { when: { policy: 'allkeys-lru' }, minEvictions: 1 }],
    });
    expect(planRunbook(rb)[0]?.checks).toEqual({ ackedLost: 0, minOomErrors: 1 });
    expect(planRunbook(rb, { set: { policy: 'allkeys-lru' } })[0]?.checks).toEqual({ ackedLost: 0, minEvictions: 1 });
  });

  it('merges topology and workload sections by `when`, each entry checked with its own path', () => {
    const rb = base({
      matrix: { variant: ['plain', 'lag'] },
      topology: [
        { kind: 'sentinel', replicas: 2 },
        { when: { variant: 'lag' }, minReplicasToWrite: 1, minReplicasMaxLag: 5 },
      ],
      workload: [{ kind: 'idle' }, { when: { variant: 'lag' }, kind: 'write', rate: 200 }],
    });
    const [plain, lag] = planRunbook(rb, { allVariants: true });
    expect(plain?.topology).toEqual({ kind: 'sentinel', replicas: 2 });
    expect(plain?.workload).toEqual({ kind: 'idle' });
    expect(lag?.topology).toEqual({ kind: 'sentinel', replicas: 2, minReplicasToWrite: 1, minReplicasMaxLag: 5 });
    expect(lag?.workload).toEqual({ kind: 'write', rate: 200 });
    expect(problems(base({ topology: [{ kind: 'sentinel' }, { when: { v: 1 }, minReplicasMaxLag: 0 }] }))).toEqual([
      'topology[1].minReplicasMaxLag: Too small: expected number to be >=1',
    ]);
    expect(problems(base({ topology: [{ replicas: 2 }] }))).toEqual(['topology.kind: missing (required)']);
  });

  it('checks cross-field rules', () => {
    expect(problems(base({ preconditions: { fillPercent: 60 } }))[0]).toContain('fillPercent needs topology.maxmemory');
    expect(problems(base({ checks: { clusterStateOk: true } }))[0]).toContain('clusterStateOk needs topology.kind: cluster');
    expect(problems(base({ workload: { kind: 'idle' }, checks: { maxWriteUnavailable: '1s' } }))[0]).toContain('need a workload');
  });

  it('runbooks that validate but cannot run: node names, events, conditions, methods and times, every problem at once', () => {
    const p = problems(
      base({
        topology: { kind: 'replicas', replicas: 1 },
        abort: { maxDuration: '2m' },
        steps: [
          { action: 'crash', node: 'replica-7' },
          { action: 'restart', node: 'master-2' },
          { action: 'wait-for', event: '+switch-master', timeout: '10m' },
          { action: 'wait-for', clusterOk: true, timeout: '5s' },
          { action: 'switchover', method: 'sentinel' },
          { action: 'sleep', duration: '1s', at: '100h' },
        ],
      }),
    );
    expect(p).toEqual([
      "steps[0].node: no node 'replica-7' in this replicas topology (it has primary, replica-1): name one of those or use a selector such as primary or replicas",
      "steps[1].node: no node 'master-2' in this replicas topology (it has primary, replica-1): name one of those or use a selector such as primary or replicas",
      'steps[2].event: +switch-master comes from Sentinels or a cluster: a replicas topology has neither (use kind sentinel, haproxy or cluster)',
      'steps[2].timeout: timeout 10m is longer than abort.maxDuration (2m)',
      'steps[3].clusterOk: clusterOk needs topology.kind: cluster (this one is replicas)',
      'steps[4].method: method sentinel needs Sentinels (kind sentinel or haproxy), not replicas',
      'steps[5].at: at 100h is after abort.maxDuration (2m): the step would never run',
    ]);
  });

  it('without abort.maxDuration a step may wait at most 1h; names added by scale-out are known', () => {
    expect(problems(base({ steps: [{ action: 'sleep', duration: '1s', at: '100h' }] }))).toEqual([
      'steps[0].at: at 100h is after 1h (set abort.maxDuration to allow more): the step would never run',
    ]);
    const ok = base({
      topology: { kind: 'sentinel', replicas: 2 },
      steps: [
        { action: 'scale-out', count: 2 },
        { action: 'wait-for', linkUp: 'replica-4', timeout: '30s' },
        { action: 'wait-for', event: '+switch-master', timeout: '30s' },
      ],
    });
    expect(problems(ok)).toEqual([]);
    expect(
      problems(base({ topology: { kind: 'cluster' }, steps: [{ action: 'wait-for', event: '+switch-master', timeout: '5s' }] })),
    ).toEqual([
      'steps[0].event: +switch-master is a Sentinel event: a cluster reports +pfail, +fail, -fail, +promoted, +demoted, cluster-state',
    ]);
    expect(problems(base({ topology: { kind: 'cluster' }, steps: [{ action: 'crash', node: 'master-3' }] }))).toEqual([]);
  });

  it("a top-level problem does not hide the sections' problems: one round", () => {
    const p = problems(base({ bogus: 1, topology: { kind: 'mongo', shards: 3 }, steps: [{ action: 'sleep', duration: '3 fortnights' }] }));
    expect(p).toEqual([
      'bogus: unknown field: check the spelling (see docs/drills.md)',
      'topology.kind: must be one of standalone, replicas, sentinel, haproxy, cluster',
      'topology.shards: unknown field: check the spelling (see docs/drills.md)',
      "steps[0].duration: bad duration '3 fortnights': use e.g. 250ms, 2s, 1m30s",
    ]);
  });

  it('variables may use variables; a cycle is named, not reported as a bad value', () => {
    const [plan] = planRunbook(base({ vars: { base: 2, wait: '${base}s' }, steps: [{ action: 'sleep', duration: '${wait}' }] }));
    expect(plan?.steps[0]?.params).toEqual({ action: 'sleep', duration: 2000 });
    expect(problems(base({ vars: { a: '${b}', b: '${a}' }, steps: [{ action: 'sleep', duration: '${a}' }] }))).toEqual([
      'vars.a: variable cycle a → b → a: give one of them a value',
    ]);
  });

  it('substitute keeps non-strings and reports the path of unknown variables', () => {
    const probs: Array<{ path: Array<string | number>; message: string }> = [];
    expect(substitute({ a: [1, 'x${v}y', '${v}'], b: true }, { v: 7 }, [], probs)).toEqual({ a: [1, 'x7y', 7], b: true });
    substitute({ a: ['${w}'] }, {}, ['root'], probs);
    expect(probs[0]?.path).toEqual(['root', 'a', 0]);
  });
});
