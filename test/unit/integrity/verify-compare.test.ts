import { describe, expect, it } from 'vitest';
import { type CompareSettings, compareStates, ttlConflict } from '../../../lib/integrity/verify/compare.js';
import { validateVerifyOptions } from '../../../lib/integrity/verify/options.js';
import { ABSENT, type KeyState } from '../../../lib/integrity/verify/script.js';
import { validateWriteOptions } from '../../../lib/integrity/write/options.js';

const s: CompareSettings = { ttlToleranceMs: 5000, ttlGraceMs: 2000, compare: 'value' };
const str = (v: string, pttl = -1): KeyState => ({ type: 'string', pttl, kind: 0, payload: Buffer.from(v) });

describe('verify comparison', () => {
  it('classifies every kind of conflict', () => {
    expect(compareStates(str('a'), str('a'), s)).toBeNull();
    expect(compareStates(ABSENT, ABSENT, s)).toBeNull();
    expect(compareStates(str('a'), str('b'), s)).toBe('value');
    expect(compareStates(str('a'), ABSENT, s)).toBe('missingOnTarget');
    expect(compareStates(ABSENT, str('a'), s)).toBe('missingOnSource');
    expect(compareStates(str('a'), { type: 'hash', pttl: -1, kind: 2, payload: Buffer.from('x') }, s)).toBe('type');
    expect(compareStates(str('a', 60_000), str('a'), s)).toBe('ttl');
    expect(compareStates(str('a', 60_000), str('a', 58_000), s)).toBeNull();
    expect(compareStates(str('a', 60_000), str('a', 50_000), s)).toBe('ttl');
  });

  it('does not report keys about to expire as missing', () => {
    expect(compareStates(str('a', 1500), ABSENT, s)).toBeNull();
    expect(compareStates(str('a', 2500), ABSENT, s)).toBe('missingOnTarget');
    expect(compareStates(ABSENT, str('a', 100), s)).toBeNull();
  });

  it('sends big keys of equal length to the chunked compare, unless only lengths are compared', () => {
    const big = (n: number): KeyState => ({ type: 'hash', pttl: -1, kind: 1, payload: n });
    expect(compareStates(big(5000), big(5000), s)).toBe('big');
    expect(compareStates(big(5000), big(5001), s)).toBe('value');
    expect(compareStates(big(5000), big(5000), { ...s, compare: 'length' })).toBeNull();
    expect(ttlConflict(-1, -1, 0)).toBe(false);
    expect(ttlConflict(-1, 10, 0)).toBe(true);
  });
});

describe('write and verify options', () => {
  it('returns every problem with the flag names', () => {
    const w = validateWriteOptions({ runId: 'BAD ID', mode: 'del' as never, concurrency: 0, rate: -1, ledgerPath: '', bogus: 1 } as never);
    expect(w.join('\n')).toMatch(/--run-id/);
    expect(w.join('\n')).toMatch(/--mode must be one of set\|incr\|rpush\|xadd/);
    expect(w.join('\n')).toMatch(/--concurrency/);
    expect(w.join('\n')).toMatch(/--rate/);
    expect(w.join('\n')).toMatch(/--ledger FILE is required/);
    expect(w.join('\n')).toMatch(/unknown write option 'bogus'/);
    const v = validateVerifyOptions({ source: {}, target: {}, rounds: 0, compare: 'bytes' as never, qps: 10, batchSize: 1000 });
    expect(v.join('\n')).toMatch(/--rounds/);
    expect(v.join('\n')).toMatch(/--compare must be one of value\|length\|keys/);
    expect(v.join('\n')).toMatch(/--qps 10 is below --batch 1000/);
  });
});

describe('verify TTL list', () => {
  it('parses the comma-separated PTTLs the script returns', async () => {
    const { parseIntList } = await import('../../../lib/integrity/verify/verify.js');
    expect(Array.from(parseIntList(Buffer.from('-1,-2,3600000,0,17'), 5))).toEqual([-1, -2, 3600000, 0, 17]);
    expect(() => parseIntList(Buffer.from('-1,-1'), 3)).toThrow(/expected 3 TTLs, got 2/);
  });
});
