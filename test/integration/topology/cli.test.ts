import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressBlockPrefix } from '../../../lib/topology/options.js';
import type { TopologyState } from '../../../lib/topology/state.js';
import { expectOneLine, stormdrill } from '../../support/cli.js';
import { addressBlock, tmpDir } from '../../support/namespace.js';
import { alive } from '../../support/processes.js';
import { waitUntil } from '../../support/wait.js';

describe('stormdrill topology up | status | down (real CLI processes)', () => {
  it('up in one process, status and down from another; the password stays out of argv and the state file', async () => {
    const stateDir = tmpDir('topo-state');
    const env = { STORMDRILL_STATE_DIR: stateDir, STORMDRILL_REDIS_PASSWORD: 'cli-secret-7', STORMDRILL_DEBUG: '' };
    const up = stormdrill(
      ['topology', 'up', 'replicas', '--replicas', '1', '--name', 'clitest', '--maxmemory', '64mb', '--max-time', '120'],
      { env },
    );
    const file = join(stateDir, 'clitest.json');
    try {
      await waitUntil('the state file', async () => existsSync(file), 30_000, 100);
      const state = JSON.parse(readFileSync(file, 'utf8')) as TopologyState;
      expect(readFileSync(file, 'utf8')).not.toContain('cli-secret-7');
      expect(state.nodes.map((n) => n.name)).toEqual(['primary', 'replica-1']);
      for (const n of state.nodes) expect(readFileSync(`/proc/${n.pid}/cmdline`, 'utf8')).not.toContain('cli-secret-7');

      const st = await stormdrill(['topology', 'status', '--name', 'clitest', '--json'], { env });
      expect(st.exitCode, st.stderr).toBe(0);
      const status = JSON.parse(st.stdout);
      expect(status.primary).toBe('primary');
      const replica = status.nodes.find((n: { name: string }) => n.name === 'replica-1');
      expect(replica).toMatchObject({ role: 'replica', masterLinkStatus: 'up', syncFull: 0, process: 'running' });
      expect(status.nodes[0].syncFull).toBe(1);
      expect(status.nodes[0].memoryPct).toBeGreaterThan(0);

      const table = await stormdrill(['topology', 'status', 'x', '--name', 'clitest'], { env });
      expect(table.stdout).toMatch(/sync_full\s+sync_partial_ok\s+memory\s+mem%/);

      const noPw = await stormdrill(['topology', 'status', '--name', 'clitest'], { env: { ...env, STORMDRILL_REDIS_PASSWORD: '' } });
      expect(noPw.exitCode).toBe(2);
      expect(noPw.stderr).toMatch(/needs a password: set STORMDRILL_REDIS_PASSWORD/);

      const again = await stormdrill(['topology', 'up', 'standalone', '--name', 'clitest'], { env });
      expect(again.exitCode).toBe(2);
      expect(again.stderr).toMatch(/already up/);

      const down = await stormdrill(['topology', 'down', '--name', 'clitest'], { env });
      expect(down.exitCode, down.stderr).toBe(0);
      expect(down.stdout).toMatch(/stopped topology 'clitest' \(2 process/);
      const r = await up;
      expect(r.stdout).toMatch(/clients connect to: redis:\/\/127\.0\.0\.1:\d+/);
      expect(existsSync(file)).toBe(false);
      for (const n of state.nodes) expect(alive(n.pid as number)).toBe(false);
    } finally {
      up.kill('SIGKILL');
    }
  });

  it('Ctrl-C (SIGINT) on `up` stops everything it started', async () => {
    const stateDir = tmpDir('topo-state-int');
    const env = { STORMDRILL_STATE_DIR: stateDir, STORMDRILL_REDIS_PASSWORD: '' };
    const up = stormdrill(['topology', 'up', 'standalone', '--max-time', '120'], { env });
    const file = join(stateDir, 'standalone.json');
    await waitUntil('the state file', async () => existsSync(file), 30_000, 100);
    const state = JSON.parse(readFileSync(file, 'utf8')) as TopologyState;
    up.kill('SIGINT');
    const r = await up;
    expect(r.exitCode).toBe(130);
    expect(existsSync(file)).toBe(false);
    expect(alive(state.nodes[0]?.pid as number)).toBe(false);
  });

  it('bad options: every problem on its own line, non-zero exit, nothing started', async () => {
    const r = await stormdrill(['topology', 'up', 'sentinel', '--replicas', '7', '--quorum', '9', '--policy', 'lru']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/replicas must be an integer 1..4/);
    expect(r.stderr).toMatch(/quorum must be an integer 1..3/);
    expect(r.stderr).toMatch(/maxmemory policy 'lru' is unknown/);
    const d = await stormdrill(['topology', 'down', '--name', 'nothing-here'], { env: { STORMDRILL_STATE_DIR: tmpDir('empty') } });
    expect(d.exitCode).toBe(2);
    expect(d.stderr).toMatch(/no running topology found/);
  });

  it('--addresses: every node on its own loopback address, shown by status; a bad block or fault proxies left on: one line, exit 2', async () => {
    const bad = await stormdrill(['topology', 'up', 'sentinel', '--addresses', '10.0.0.0/24', '--no-fault-proxies']);
    expectOneLine(bad, /^stormdrill: --addresses must be a loopback \/24 such as 127\.0\.9\.0\/24 \(got '10\.0\.0\.0\/24'\)$/, 2);
    const proxies = await stormdrill(['topology', 'up', 'sentinel', '--addresses', addressBlock]);
    expectOneLine(proxies, /own addresses replace the fault proxies: add --no-fault-proxies/, 2);

    const prefix = addressBlockPrefix(addressBlock) as string;
    const stateDir = tmpDir('topo-state-addr');
    const env = { STORMDRILL_STATE_DIR: stateDir, STORMDRILL_REDIS_PASSWORD: '' };
    const up = stormdrill(
      [
        'topology',
        'up',
        'replicas',
        '--replicas',
        '1',
        '--name',
        'addrtest',
        '--addresses',
        addressBlock,
        '--no-fault-proxies',
        '--max-time',
        '120',
      ],
      { env },
    );
    const file = join(stateDir, 'addrtest.json');
    try {
      await waitUntil('the state file', async () => existsSync(file), 30_000, 100);
      const state = JSON.parse(readFileSync(file, 'utf8')) as TopologyState;
      expect(state.nodes.map((n) => n.host)).toEqual([`${prefix}.2`, `${prefix}.3`]);
      const st = await stormdrill(['topology', 'status', '--name', 'addrtest', '--json'], { env });
      expect(st.exitCode, st.stderr).toBe(0);
      const status = JSON.parse(st.stdout) as { nodes: Array<{ name: string; host: string; masterAddr?: string }> };
      expect(status.nodes.map((n) => n.host)).toEqual([`${prefix}.2`, `${prefix}.3`]);
      expect(status.nodes.find((n) => n.name === 'replica-1')?.masterAddr).toBe(`${prefix}.2:${state.nodes[0]?.port}`);
      up.kill('SIGINT');
      const r = await up;
      expect(r.exitCode).toBe(130);
      expect(r.stdout).toContain(`clients connect to: redis://${prefix}.2:${state.nodes[0]?.port}`);
      for (const n of state.nodes) expect(alive(n.pid as number)).toBe(false);
    } finally {
      up.kill('SIGKILL');
    }
  });
});
