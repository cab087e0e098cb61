import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSpec } from '../../../lib/topology/options.js';
import {
  attachTopology,
  pidState,
  readStateFile,
  stateFilePath,
  statePids,
  topologyState,
  writeStateFile,
} from '../../../lib/topology/state.js';
import type { Topology } from '../../../lib/topology/types.js';

const fake = {
  kind: 'replicas',
  spec: resolveSpec({ kind: 'replicas', replicas: 1, password: 'never-written' }),
  nodes: [
    {
      name: 'primary',
      role: 'master',
      host: '127.0.0.1',
      port: 7001,
      proxyPort: 8001,
      dir: '',
      process: { pid: 111 },
      proxy: null,
      owned: true,
    },
    {
      name: 'replica-1',
      role: 'replica',
      host: '127.0.0.1',
      port: 7002,
      proxyPort: 8002,
      dir: '',
      process: { pid: 112 },
      proxy: null,
      owned: true,
    },
  ],
  sentinels: [],
  endpoint: { kind: 'direct', host: '127.0.0.1', port: 8001 },
  password: 'never-written',
  dir: '/tmp/x',
  events: new EventEmitter(),
} as unknown as Topology;

describe('topology state file', () => {
  it('keeps ports and pids, never the password; round-trips through a 0600 file', () => {
    const s = topologyState(fake, 'demo', 4242);
    expect(JSON.stringify(s)).not.toContain('never-written');
    expect(s.spec.passwordSet).toBe(true);
    expect(statePids(s)).toEqual([111, 112]);
    const dir = mkdtempSync(join(tmpdir(), 'sd-state-'));
    try {
      const file = stateFilePath('demo', dir);
      writeStateFile(file, s);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readStateFile(file)).toEqual(s);
      expect(() => readStateFile(join(dir, 'nope.json'))).toThrow(/no running topology found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => stateFilePath('Bad Name')).toThrow(/lower-case/);
  });

  it('attaches a read-only view: nodes by name and address, no scaling', async () => {
    const t = attachTopology(topologyState(fake, 'demo', 4242), { password: 'pw' });
    expect(t.node('replica-1').proxyPort).toBe(8002);
    expect(t.nodeByAddress('localhost', 8001)?.name).toBe('primary');
    expect(t.nodes.every((n) => !n.owned && n.process === null)).toBe(true);
    await expect(t.addReplica()).rejects.toThrow(/`topology up` process/);
  });

  it('reads process states from /proc', () => {
    expect(pidState(process.pid)).toBe('running');
    expect(pidState(null)).toBe('exited');
    expect(pidState(2 ** 22 + 12345)).toBe('exited');
  });
});
