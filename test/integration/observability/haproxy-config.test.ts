/**
 * The compose HAProxy config (deploy/haproxy/haproxy.cfg) run for real: the same file,
 * with the compose service names swapped for a local Sentinel group's loopback ports,
 * routes clients to the master, and to the new master after a real failover.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import {
  type ManagedProcess,
  redisOnce,
  requireBinary,
  type SentinelGroup,
  spawnManaged,
  startSentinelGroup,
  tcpOpen,
  waitReady,
  waitUntil,
} from '../../../lib/stack/index.js';
import { ports, tmpDir } from '../../support/namespace.js';

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

let group: SentinelGroup;
let haproxy: ManagedProcess;
let port = 0;
let statsPort = 0;

/** Servers of the redis_master backend HAProxy's stats call UP (what the compose healthcheck counts). */
const upServers = async (): Promise<string[]> => {
  const res = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`);
  return (await res.text())
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
  group = await startSentinelGroup({ ports, dir, replicas: 2, sentinels: 3, downAfterMs: 1000, failoverTimeoutMs: 5000 });
  port = await ports.take();
  statsPort = await ports.take();
  const cfg = loopbackHaproxyConfig(
    readFileSync(join(PROJECT_ROOT, 'deploy/haproxy/haproxy.cfg'), 'utf8'),
    {
      'redis-primary': group.primary.port,
      'redis-replica-1': group.replicas[0]?.port as number,
      'redis-replica-2': group.replicas[1]?.port as number,
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
  await group?.stop();
});

describe('deploy/haproxy/haproxy.cfg against real Redis', () => {
  it('routes to the master only, and to the new master after a Sentinel failover', async () => {
    await waitUntil('HAProxy to mark only the primary up', oneUp('redis-primary'), 15_000);
    for (let i = 0; i < 5; i++) expect(await routedPort()).toBe(group.primary.port);
    // the primary hangs (SIGSTOP): Sentinel promotes a replica, HAProxy's checks of the
    // old primary time out and only the new master stays up
    group.primary.process.freeze();
    let promoted = 0;
    let name = '';
    try {
      await waitUntil(
        'Sentinel to promote a replica',
        async () => {
          promoted = (await group.currentMaster()).port;
          return promoted !== group.primary.port;
        },
        20_000,
      );
      expect(group.replicas.map((r) => r.port)).toContain(promoted);
      name = promoted === group.replicas[0]?.port ? 'redis-replica-1' : 'redis-replica-2';
      await waitUntil('HAProxy to mark only the new master up', oneUp(name), 15_000);
      for (let i = 0; i < 5; i++) expect(await routedPort()).toBe(promoted);
    } finally {
      group.primary.process.thaw();
    }
    // the old primary comes back, is turned into a replica, and HAProxy keeps routing to the new master
    await waitUntil(
      'the old primary to rejoin as a replica',
      async () =>
        /role:slave/.test(String(await redisOnce(group.primary.port, ['INFO', 'replication'], { timeoutMs: 1000 }).catch(() => ''))),
      20_000,
    );
    await waitUntil('HAProxy to mark only the new master up again', oneUp(name), 15_000);
    for (let i = 0; i < 5; i++) expect(await routedPort()).toBe(promoted);
  });
});
