/** Offline validation of the stack's files: docker-compose config and promtool. */
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { requireBinary } from '../../../lib/stack/binaries.js';

describe('offline validation', () => {
  it('docker-compose.yml is a valid compose file', async () => {
    const r = await execa(requireBinary('docker-compose'), ['-f', join(PROJECT_ROOT, 'docker-compose.yml'), 'config', '--quiet'], {
      reject: false,
      cwd: PROJECT_ROOT,
    });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('the Prometheus config passes promtool check config', async () => {
    const r = await execa(requireBinary('promtool'), ['check', 'config', join(PROJECT_ROOT, 'prometheus/prometheus.yml')], {
      reject: false,
    });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
});
