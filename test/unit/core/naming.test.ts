import { describe, expect, it } from 'vitest';
import { isValidRunId, keyPattern, keyPrefix, newRunId, runKey, workerNamespace } from '../../../lib/core/naming.js';
import { addressBlockPrefix } from '../../../lib/topology/options.js';

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
    for (const suite of ['abc', 'zz9', 'q']) {
      const blocks = [1, 2, 3, 4].map((w) => workerNamespace(w, suite, 'x'));
      const bases = new Set(blocks.map((b) => b.portBase));
      expect(bases.size).toBe(4);
      for (const b of blocks) {
        expect(b.portBase).toBeGreaterThanOrEqual(20000);
        expect(b.portLimit).toBeLessThan(32768);
      }
      expect(new Set(blocks.map((b) => b.keyPrefix)).size).toBe(4);
      // and disjoint loopback /24s, each a valid topology address block
      expect(new Set(blocks.map((b) => b.addressBlock)).size).toBe(4);
      for (const b of blocks) expect(addressBlockPrefix(b.addressBlock)).toMatch(/^127\.1\.\d+$/);
    }
    // two suites at once start their first worker in different blocks
    expect(workerNamespace(1, 'abc').portBase).not.toBe(workerNamespace(1, 'abd').portBase);
    expect(() => workerNamespace(-1, 's')).toThrow(/non-negative/);
  });
});
