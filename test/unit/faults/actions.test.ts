import { describe, expect, it } from 'vitest';
import { ACTIONS, assertDestructiveAllowed, validateWaitFor } from '../../../lib/faults/actions.js';
import type { Topology } from '../../../lib/topology/types.js';

const ctx = { topology: {} as Topology };

describe('action parameter validation (pure)', () => {
  it('every action validates its params and lists every problem', () => {
    expect(ACTIONS.crash?.validate({})).toEqual(["'node' is required: a node name such as primary or replica-1, or @primary / @replica"]);
    expect(ACTIONS.freeze?.validate({ node: 'primary', durationMs: 2000 })).toEqual([]);
    expect(ACTIONS.freeze?.validate({ node: 'primary', durationMs: -5 })[0]).toMatch(/durationMs/);
    expect(ACTIONS['debug-sleep']?.validate({ node: 'primary' })).toEqual([
      "'seconds' must be a number of seconds in (0, 600] (got undefined)",
    ]);
    expect(ACTIONS['debug-sleep']?.validate({ node: 'primary', seconds: 0.5 })).toEqual([]);
    expect(ACTIONS['client-pause']?.validate({ node: 'p', ms: 100, mode: 'sometimes' })).toHaveLength(1);
    expect(ACTIONS.latency?.validate({ node: 'primary', ms: 100, scope: 'clients' })).toEqual([]);
    expect(ACTIONS.bandwidth?.validate({ node: 'primary' })[0]).toMatch(/bytesPerSec/);
    expect(ACTIONS.shutdown?.validate({ node: 'x', mode: 'pull-the-plug' })[0]).toMatch(/nosave/);
    expect(ACTIONS.failover?.validate({ timeoutMs: 120_000 })[0]).toMatch(/timeoutMs/);
  });

  it('wait-for conditions', () => {
    expect(validateWaitFor({ condition: { kind: 'event', event: '+switch-master' }, timeoutMs: 1000 })).toEqual([]);
    expect(validateWaitFor({ condition: { kind: 'role', node: 'primary' }, timeoutMs: 1000 })).toEqual([
      'wait-for role needs role: master or replica',
    ]);
    expect(validateWaitFor({ condition: { kind: 'forever' } })).toHaveLength(2);
  });

  it('the registry names match the step names', () => {
    for (const [k, v] of Object.entries(ACTIONS)) expect(v.name).toBe(k);
    expect(Object.keys(ACTIONS)).toEqual(
      expect.arrayContaining([
        'crash',
        'freeze',
        'thaw',
        'shutdown',
        'restart',
        'debug-sleep',
        'client-pause',
        'blackhole',
        'latency',
        'reset',
        'bandwidth',
        'heal',
        'sentinel-failover',
        'failover',
        'cluster-failover',
        'scale-out',
        'scale-in',
        'wait-for',
      ]),
    );
  });
});

describe('safety: destructive actions on nodes stormdrill did not start', () => {
  const external = { name: 'ext', host: '127.0.0.1', owned: false };
  const remote = { name: 'far', host: '10.1.2.3', owned: false };
  it('refuses unless allowDestructive; non-loopback also needs confirmNonLoopback', () => {
    expect(() => assertDestructiveAllowed(ctx, { ...external, owned: true }, 'crash')).not.toThrow();
    expect(() => assertDestructiveAllowed(ctx, external, 'crash')).toThrow(/--allow-destructive/);
    expect(() => assertDestructiveAllowed({ ...ctx, allowDestructive: true }, external, 'crash')).not.toThrow();
    expect(() => assertDestructiveAllowed({ ...ctx, allowDestructive: true }, remote, 'crash')).toThrow(/--confirm-non-loopback/);
    expect(() => assertDestructiveAllowed({ ...ctx, allowDestructive: true, confirmNonLoopback: true }, remote, 'crash')).not.toThrow();
  });
});
