/** Stale reads of the read probe, without I/O: what counts as stale, and the per-endpoint counts and window. */
import { describe, expect, it } from 'vitest';
import { ReplyError } from '../../../lib/core/resp/index.js';
import { writeValue } from '../../../lib/integrity/write/records.js';
import { isStaleRead, StaleReads } from '../../../lib/integrity/write/stale.js';

describe('isStaleRead: the reply is older than the acknowledged write of the key', () => {
  it('the key absent is stale; the written value is not; a wrong value is corruption, not staleness', () => {
    expect(isStaleRead('set', null, 42, 64)).toBe(true);
    expect(isStaleRead('set', Buffer.from(writeValue(42, 64)), 42, 64)).toBe(false);
    expect(isStaleRead('set', Buffer.from(writeValue(41, 64)), 42, 64)).toBe(false);
    expect(isStaleRead('set', new ReplyError('ERR x'), 42, 64)).toBe(false);
    expect(isStaleRead('rpush', [], 7, 64)).toBe(true);
    expect(isStaleRead('incr', Buffer.from('1'), 7, 64)).toBe(false);
  });
});

describe('StaleReads', () => {
  it('counts reads and stale reads per endpoint with the first and last stale read', () => {
    const s = new StaleReads();
    s.record('127.0.0.1:7000', 1000, false);
    s.record('127.0.0.1:7000', 3000, true);
    s.record('127.0.0.1:7000', 2000, true);
    s.record('127.0.0.1:7001', 4000, false);
    expect(s.counts()).toEqual([
      { endpoint: '127.0.0.1:7000', reads: 3, stale: 2, firstMs: 2000, lastMs: 3000 },
      { endpoint: '127.0.0.1:7001', reads: 1, stale: 0, firstMs: null, lastMs: null },
    ]);
  });
});
