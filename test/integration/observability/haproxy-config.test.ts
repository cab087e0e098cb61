/**
 * The compose HAProxy config (deploy/haproxy/haproxy.cfg) run for real: the same file,
 * with the compose service names swapped for a local Sentinel group's loopback ports,
 * routes clients to the master, and to the new master after a real failover.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { type ManagedProcess, redisOnce, requireBinary, spawnManaged, tcpOpen, waitReady } from '../../../lib/stack/index.js';
import type { Topology } from '../../../lib/topology/types.js';
import { httpCall } from '../../support/http.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { startTestTopology } from '../../support/topology.js';
import { waitNewMaster, waitUntil } from '../../support/wait.js';

/** The compose config with its servers, binds and Docker DNS resolver replaced for loopback. Pure. */
function loopbackHaproxyConfig(text: string, servers: Record<string, number>, redisPort: number, statsPort: number): string {
  let out = text
    .replace(/^resolvers docker\n(?:[ \t]+.*\n)*/m, '')
    .replace(/ resolvers docker/g, '')
    .replace(/^(\s*bind) :6379$/m, `$1 127.0.0.1:${redisPort}`)
    .replace(/^(\s*bind) :8404$/m, `$1 127.0.0.1:${statsPort}`);
  for (const [name, port] of Object.entries(servers))
    out = out.replace(new RegExp(`^(\\s*server ${name}) ${name}:6379 `, 'm'), `$1 127.0.0.1:${port} `);
  return out;
}

let group: Topology;
let haproxy: ManagedProcess;
let port = 0;
let statsPort = 0;

/** Servers of the redis_master backend HAProxy's stats call UP (what the compose healthcheck counts). */
const upServers = async (): Promise<string[]> => {
  return (await httpCall(`http://127.0.0.1:${statsPort}`, 'GET', '/stats;csv')).text
    .split('\n')
    .map((l) => l.split(','))
    .filter((c) => c[0] === 'redis_master' && c[1] !== 'BACKEND' && c[17]?.startsWith('UP'))
    .map((c) => c[1] as string);
};
const oneUp = (name: string) => async () => {
  const up = await upServers().catch(() => []);
  return up.length === 1 && up[0] === name;
};

const routedPort = async () => {
  const info = String(await redisOnce(port, ['INFO', 'server'], { timeoutMs: 1000 }));
  return Number(/tcp_port:(\d+)/.exec(info)?.[1]);
};

beforeAll(async () => {
  const dir = tmpDir('haproxy');
  group = await startTestTopology({
    kind: 'sentinel',
    replicas: 2,
    sentinels: 3,
    downAfterMs: 1000,
    failoverTimeoutMs: 5000,
    faultProxies: false,
  });
  port = await ports.take();
  statsPort = await ports.take();
  const cfg = loopbackHaproxyConfig(
    readFileSync(join(PROJECT_ROOT, 'deploy/haproxy/haproxy.cfg'), 'utf8'),
    {
      'redis-primary': group.node('primary').port,
      'redis-replica-1': group.node('replica-1').port,
      'redis-replica-2': group.node('replica-2').port,
    },
    port,
    statsPort,
  );
  expect(cfg).not.toMatch(/redis-(primary|replica-\d):6379|resolvers|bind :/);
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  haproxy = spawnManaged({
    name: `haproxy:${port}`,
    command: requireBinary('haproxy'),
    args: ['-db', '-f', join(dir, 'haproxy.cfg')],
    cwd: dir,
    logFile: join(dir, 'haproxy.log'),
  });
  await waitReady(haproxy, () => tcpOpen(port), 10_000);
}, 60_000);

afterAll(async () => {
  await haproxy?.stop();
});

describe('deploy/haproxy/haproxy.cfg against real Redis', () => {
  it('routes to the master only, and to the new master after a Sentinel failover', async () => {
    await waitUntil('HAProxy to mark only the primary up', oneUp('redis-primary'), 15_000);
    const old = group.node('primary');
    for (let i = 0; i < 5; i++) expect(await routedPort()).toBe(old.port);
    // the primary hangs (SIGSTOP): Sentinel promotes a replica, HAProxy's checks of the
    // old primary time out and only the new master stays up
    old.process?.freeze();
    let promoted = 0;
    let name = '';
    try {
      const now = await waitNewMaster(group, old, 20_000);
      promoted = now.port;
      expect(['replica-1', 'replica-2']).toContain(now.name);
      name = `redis-${now.name}`;
      await waitUntil('HAProxy to mark only the new master up', oneUp(name), 15_000);
      for (let i = 0; i < 5; i++) expect(await routedPort()).toBe(promoted);
    } finally {
      old.process?.thaw();
    }
    // the old primary comes back, is turned into a replica, and HAProxy keeps routing to the new master
    await waitUntil(
      'the old primary to rejoin as a replica',
      async () => /role:slave/.test(String(await redisOnce(old.port, ['INFO', 'replication'], { timeoutMs: 1000 }).catch(() => ''))),
      20_000,
    );
    await waitUntil('HAProxy to mark only the new master up again', oneUp(name), 15_000);
    for (let i = 0; i < 5; i++) expect(await routedPort()).toBe(promoted);
  });
});
