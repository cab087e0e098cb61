import { describe, expect, it } from 'vitest';
import { assertDestructiveAllowed } from '../../../lib/faults/common.js';
import type { Topology } from '../../../lib/topology/types.js';

const ctx = { topology: {} as Topology };

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
