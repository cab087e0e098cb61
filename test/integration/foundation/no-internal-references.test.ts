/**
 * Nothing in the repository points at documents users do not have: the team's background
 * notes and internal tools are not part of stormdrill, so a text states the fact itself.
 * (The patterns are written so that this file does not match them.)
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';

const INTERNAL = ['field[ -]notes', '\\bhouse[s]\\b', 'farm-studi[o]', '\\.\\./share[d]/'];

describe('no references to documents users do not have', () => {
  it('no tracked file names the internal notes or tools', async () => {
    const r = await execa('git', ['grep', '-n', '-I', '-i', '-E', INTERNAL.join('|')], { cwd: PROJECT_ROOT, reject: false });
    // git grep exits 1 when nothing matches, 0 with the matching lines
    expect(r.stdout, 'tracked files citing internal notes or tools').toBe('');
    expect(r.exitCode).toBe(1);
  });
});
