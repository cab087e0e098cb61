import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { procStatFields } from '../../../lib/core/proc-stat.js';

describe('procStatFields', () => {
  it('reads the fields after the command name: state at index 0, start time (field 22) at index 19', () => {
    const f = procStatFields(process.pid);
    expect(f?.[0]).toMatch(/^[RSD]$/);
    expect(f?.[22 - 3]).toMatch(/^\d+$/);
    expect(Number(f?.[4 - 3])).toBe(process.ppid); // field 4: the parent pid
  });

  it('is null for a process that is gone', () => {
    const done = spawnSync('true');
    expect(procStatFields(done.pid as number)).toBeNull();
  });
});
