import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration, isDuration, parseDuration, readDurationFlag } from '../../../lib/core/duration.js';
import { Duration as runbookDuration } from '../../../lib/drill/schema.js';

describe('the one duration parser', () => {
  it('parses units and combinations', () => {
    for (const bare of ['s', 'ms', 'refuse'] as const) {
      expect(parseDuration('250ms', bare)).toBe(250);
      expect(parseDuration('2s', bare)).toBe(2000);
      expect(parseDuration('1.5s', bare)).toBe(1500);
      expect(parseDuration('1m30s', bare)).toBe(90_000);
      expect(parseDuration('1h', bare)).toBe(3_600_000);
    }
    expect(durationMs('2h')).toBe(7_200_000);
    expect(Number.isNaN(durationMs('10'))).toBe(true);
    expect(isDuration('5 m')).toBe(false);
  });

  it('a bare number is what the caller says: seconds (flags), milliseconds (runbooks) or refused', () => {
    expect(parseDuration('60', 's')).toBe(60_000);
    expect(parseDuration('0.5', 's')).toBe(500);
    expect(parseDuration(60, 's')).toBe(60_000);
    expect(parseDuration('1500', 'ms')).toBe(1500);
    expect(runbookDuration.parse(750)).toBe(750);
    expect(runbookDuration.parse('1500')).toBe(1500);
    expect(parseDuration('500', 'refuse')).toBeNull();
    expect(parseDuration(500, 'refuse')).toBeNull();
  });

  it('rejects what is not a duration', () => {
    for (const bad of ['1x', '', 's', '2 s', '-1s', 'two seconds', '1s2', null, undefined, {}, -5, Number.NaN])
      expect(parseDuration(bad, 's')).toBeNull();
  });

  it('a duration flag is one line naming the flag and an example', () => {
    expect(readDurationFlag('--duration', '60', { example: '10m' })).toEqual({ ms: 60_000 });
    expect(readDurationFlag('--duration', '60x', { example: '10m' })).toEqual({
      problem: "--duration must be a duration such as 30s, 2m or 1m30s (a bare number is seconds), e.g. --duration 10m; got '60x'",
    });
    expect(readDurationFlag('--timeout', '500', { bare: 'refuse', example: '500ms' })).toEqual({
      problem: '--timeout 500 needs a unit: write 500ms or 500s (e.g. --timeout 500ms)',
    });
    expect(readDurationFlag('--duration', '0', { example: '10m' })).toEqual({
      problem: '--duration must be longer than 0, e.g. --duration 10m',
    });
    expect(readDurationFlag('--interval', '0', { example: '2s', allowZero: true })).toEqual({ ms: 0 });
  });

  it('formats back to what it parses (and k6 takes)', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(3_723_500)).toBe('1h2m3.5s');
    for (const ms of [250, 1500, 90_000, 3_723_500]) expect(parseDuration(formatDuration(ms), 'refuse')).toBe(ms);
  });
});

describe('k6 duration flags', () => {
  it('a bare number of seconds becomes a k6 duration; anything else goes on to the library check', async () => {
    const { bareSeconds } = await import('../../../lib/cli/flags.js');
    expect(bareSeconds('90')).toBe('1m30s');
    expect(bareSeconds('5')).toBe('5s');
    expect(bareSeconds('2m')).toBe('2m');
    expect(bareSeconds('soon')).toBe('soon');
    expect(bareSeconds(undefined)).toBeUndefined();
  });
});
