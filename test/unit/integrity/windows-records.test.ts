import { describe, expect, it } from 'vitest';
import { ReplyError } from '../../../lib/core/resp/index.js';
import { classify } from '../../../lib/integrity/audit/audit.js';
import { classifyRead, writeCommandFor, writeKey, writeValue } from '../../../lib/integrity/write/records.js';
import { WindowTracker } from '../../../lib/integrity/write/windows.js';

describe('unavailability windows', () => {
  it('opens at the first failed op and closes at the next success of an op sent after it', () => {
    const t = new WindowTracker();
    expect(t.success(1000, 1001)).toBeNull();
    t.failure(2000, 'ECONNREFUSED');
    t.failure(2050, 'ECONNREFUSED');
    t.failure(2100, 'READONLY');
    // a late reply to a request sent before the window proves nothing
    expect(t.success(1990, 2200)).toBeNull();
    const w = t.success(2300, 2345);
    expect(w).toEqual({ startMs: 2000, endMs: 2345, durationMs: 345, errors: { ECONNREFUSED: 2, READONLY: 1 } });
    t.failure(5000, 'TIMEOUT');
    const all = t.windows(6000);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ startMs: 5000, endMs: 6000, durationMs: 1000, open: true });
    expect(t.totalMs(6000)).toBe(1345);
    expect(t.errorTotals).toEqual({ ECONNREFUSED: 2, READONLY: 1, TIMEOUT: 1 });
  });

  it('moves the start back when an older op fails later (it was unanswered first)', () => {
    const t = new WindowTracker();
    t.failure(3000, 'READONLY');
    t.failure(2500, 'TIMEOUT');
    expect(t.success(3100, 3200)?.startMs).toBe(2500);
  });
});

describe('writer records', () => {
  it('values carry the seq and a checksum, padded to the size', () => {
    const v = writeValue(1234, 64);
    expect(v).toHaveLength(64);
    expect(v).toMatch(/^1234:[0-9a-f]{8}:/);
    expect(writeValue(1234, 64)).toBe(v);
    expect(writeValue(1235, 64)).not.toBe(v);
    expect(writeValue(99999999, 4).startsWith('99999999:')).toBe(true);
    expect(writeKey('sd:r:', 7)).toBe('sd:r:w:7');
    expect(writeCommandFor('xadd', 'k', 'v')).toEqual(['XADD', 'k', '*', 'v', 'v']);
  });

  it('classifies what the server holds for each mode', () => {
    const v = writeValue(5, 32);
    expect(classifyRead('set', Buffer.from(v), 5, 32)).toBe('ok');
    expect(classifyRead('set', null, 5, 32)).toBe('absent');
    expect(classifyRead('set', Buffer.from(writeValue(6, 32)), 5, 32)).toBe('corrupt');
    expect(classifyRead('set', new ReplyError('WRONGTYPE'), 5, 32)).toBe('corrupt');
    expect(classifyRead('incr', Buffer.from('1'), 5, 32)).toBe('ok');
    expect(classifyRead('incr', Buffer.from('2'), 5, 32)).toBe('corrupt');
    expect(classifyRead('rpush', [Buffer.from(v)], 5, 32)).toBe('ok');
    expect(classifyRead('rpush', [], 5, 32)).toBe('absent');
    expect(classifyRead('rpush', [Buffer.from(v), Buffer.from(v)], 5, 32)).toBe('corrupt');
    expect(classifyRead('xadd', [[Buffer.from('1-0'), [Buffer.from('v'), Buffer.from(v)]]], 5, 32)).toBe('ok');
    expect(classifyRead('xadd', [], 5, 32)).toBe('absent');
  });

  it('classifies outcomes against what survived (Jepsen set checker)', () => {
    expect(classify(1, 'ok')).toBe('ackedOk');
    expect(classify(1, 'absent')).toBe('ackedLost');
    expect(classify(1, 'corrupt')).toBe('ackedCorrupt');
    expect(classify(2, 'ok')).toBe('failedPresent');
    expect(classify(2, 'absent')).toBe('failedAbsent');
    expect(classify(3, 'ok')).toBe('unknownPresent');
    expect(classify(3, 'corrupt')).toBe('unknownPresent');
    expect(classify(3, 'absent')).toBe('unknownAbsent');
  });
});
