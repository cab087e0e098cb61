import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../lib/drill/duration.js';

describe('durations', () => {
  it('parses units, combinations and bare milliseconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1500')).toBe(1500);
    expect(parseDuration(750)).toBe(750);
  });
  it('rejects what is not a duration', () => {
    for (const bad of ['1x', '', 's', '2 s', '-1s', 'two seconds', '1s2', null, undefined, {}, -5, Number.NaN])
      expect(parseDuration(bad)).toBeNull();
  });
  it('formats back', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(120_000)).toBe('2m');
  });
});
