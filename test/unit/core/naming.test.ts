import { describe, expect, it } from 'vitest';
import { isValidRunId, keyPattern, keyPrefix, newRunId, runKey, workerNamespace } from '../../../lib/core/naming.js';

describe('naming', () => {
  it('makes sortable, valid run ids', () => {
    const id = newRunId(new Date(Date.UTC(2026, 10, 25, 8, 40, 12)), () => 0.5);
    expect(id).toBe('20261125-084012-ssss');
    expect(isValidRunId(id)).toBe(true);
    expect(isValidRunId('Bad Id')).toBe(false);
  });

  it('puts every key of a run under sd:<run>: without a hash tag', () => {
    expect(keyPrefix('r1')).toBe('sd:r1:');
    expect(runKey('r1', 'w', 42)).toBe('sd:r1:w:42');
    expect(keyPattern('r1')).toBe('sd:r1:*');
    expect(keyPrefix('r1')).not.toMatch(/[{}]/);
  });

  it('gives parallel workers disjoint port blocks and key prefixes', () => {
    const a = workerNamespace(1, 'abc', 'x');
    const b = workerNamespace(2, 'abc', 'x');
    expect(a.portLimit).toBeLessThan(b.portBase);
    expect(a.keyPrefix).not.toBe(b.keyPrefix);
    expect(workerNamespace(29, 's').portLimit).toBeLessThan(32768);
    expect(() => workerNamespace(-1, 's')).toThrow(/non-negative/);
  });
});
