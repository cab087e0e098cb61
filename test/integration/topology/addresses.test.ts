/**
 * Topologies whose nodes and Sentinels each have their own loopback address (addressBlock),
 * like separate machines: every link between them runs between two own addresses, so a
 * partition can be cut by address pair. Real processes, started by the product's
 * startTopology and always stopped.
 */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { redisOnce } from '../../../lib/redis/once.js';
import { clusterInfo } from '../../../lib/stack/cluster.js';
import { redisInfo } from '../../../lib/stack/info.js';
import { fieldRecord } from '../../../lib/stack/sentinel.js';
import { addressBlockPrefix } from '../../../lib/topology/options.js';
import { startTopology, waitSentinelsAgree } from '../../../lib/topology/start.js';
import type { SentinelProc, Topology, TopoNode } from '../../../lib/topology/types.js';
import { addressBlock, ports, tmpDir } from '../../support/namespace.js';
import { alive } from '../../support/processes.js';
import { waitNewMaster, waitUntil } from '../../support/wait.js';

const prefix = addressBlockPrefix(addressBlock) as string;

function pids(t: Topology): number[] {
  return [...t.nodes.map((n) => n.process?.pid), ...t.sentinels.map((s) => s.process?.pid)].filter(
    (p): p is number => typeof p === 'number',
  );
}

const hostOf = (addr: string) => addr.slice(0, addr.lastIndexOf(':'));

/** CLIENT LIST of a node as records (addr, name, flags, ...). */
async function clientList(n: TopoNode): Promise<Array<Record<string, string>>> {
  const r = String(await redisOnce(n.port, ['CLIENT', 'LIST'], { host: n.host }));
  return r
    .trim()
    .split('\n')
    .map((line) => Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])));
}

async function sentinelList(s: SentinelProc, what: 'REPLICAS' | 'SENTINELS', master: string): Promise<Array<Record<string, string>>> {
  const r = await redisOnce(s.port, ['SENTINEL', what, master], { host: s.host });
  return (r as unknown[][]).map((e) => fieldRecord(e));
}

/** The peer addresses of the established TCP connections to host:port (from the kernel's socket table). */
async function inboundPeers(host: string, port: number): Promise<string[]> {
  const r = await execa('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`]);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2 && f[f.length - 2] === `${host}:${port}`)
    .map((f) => f[f.length - 1] as string);
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('topology members on their own loopback addresses (addressBlock)', () => {
  it('a Sentinel group: own addresses on every link, in every Sentinel view, and after a failover', async () => {
    const t = await startTopology(
      { kind: 'sentinel', replicas: 2, sentinels: 3, faultProxies: false, addressBlock },
      { ports, dir: tmpDir('own-addr-sentinel') },
    );
    const all = pids(t);
    try {
      const master = 'sdmaster';
      // nodes first, then Sentinels: .2, .3, ... of the block
      expect(t.nodes.map((n) => n.host)).toEqual([`${prefix}.2`, `${prefix}.3`, `${prefix}.4`]);
      expect(t.sentinels.map((s) => s.host)).toEqual([`${prefix}.5`, `${prefix}.6`, `${prefix}.7`]);
      expect(t.endpoint).toEqual({
        kind: 'sentinel',
        sentinels: t.sentinels.map((s) => ({ host: s.host, port: s.port })),
        masterName: master,
      });
      const primary = t.node('primary');
      const replicas = t.nodes.filter((n) => n !== primary);

      // the primary sees each replica's and each Sentinel's connections coming from their own addresses
      const clients = await clientList(primary);
      expect(sorted(new Set(clients.filter((c) => (c.flags ?? '').includes('S')).map((c) => hostOf(c.addr ?? ''))))).toEqual(
        sorted(replicas.map((n) => n.host)),
      );
      expect(sorted(new Set(clients.filter((c) => (c.name ?? '').startsWith('sentinel-')).map((c) => hostOf(c.addr ?? ''))))).toEqual(
        sorted(t.sentinels.map((s) => s.host)),
      );
      const rep = await redisInfo(primary.port, 'replication', { host: primary.host });
      expect(sorted([rep.slave0 ?? '', rep.slave1 ?? ''].map((v) => /ip=([^,]+)/.exec(v)?.[1] ?? ''))).toEqual(
        sorted(replicas.map((n) => n.host)),
      );

      // every Sentinel reports the replicas and the other Sentinels at their own addresses
      for (const s of t.sentinels) {
        const reps = await sentinelList(s, 'REPLICAS', master);
        expect(sorted(reps.map((r) => `${r.ip}:${r.port}`))).toEqual(sorted(replicas.map((n) => `${n.host}:${n.port}`)));
        const peers = await sentinelList(s, 'SENTINELS', master);
        expect(sorted(peers.map((p) => `${p.ip}:${p.port}`))).toEqual(
          sorted(t.sentinels.filter((x) => x !== s).map((x) => `${x.host}:${x.port}`)),
        );
      }

      // a Sentinel failover: the new primary is reported at its own address by every Sentinel
      expect(await redisOnce(t.sentinels[0]?.port as number, ['SENTINEL', 'FAILOVER', master], { host: t.sentinels[0]?.host })).toBe('OK');
      const next = await waitNewMaster(t, primary, 30_000);
      expect(replicas).toContain(next);
      await waitSentinelsAgree(t, next, 30_000);
      for (const s of t.sentinels)
        expect(
          ((await redisOnce(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', master], { host: s.host })) as unknown[]).map(String),
        ).toEqual([next.host, String(next.port)]);
      expect((await t.status()).primary).toBe(next.name);
      // the others follow the new primary at its own address, connecting from their own
      const others = t.nodes.filter((n) => n !== next);
      const followers = async () =>
        sorted(new Set((await clientList(next)).filter((c) => (c.flags ?? '').includes('S')).map((c) => hostOf(c.addr ?? ''))));
      await waitUntil(
        'both other nodes to replicate from the new primary',
        async () => (await followers()).join() === sorted(others.map((n) => n.host)).join(),
        30_000,
        100,
      );
      for (const n of others) {
        const info = await redisInfo(n.port, 'replication', { host: n.host });
        expect(`${info.master_host}:${info.master_port}`).toBe(`${next.host}:${next.port}`);
      }

      // scale out: the new replica takes the next free address, and the Sentinels know it by it
      const added = await t.addReplica();
      expect(added.host).toBe(`${prefix}.8`);
      for (const s of t.sentinels)
        expect((await sentinelList(s, 'REPLICAS', master)).map((r) => `${r.ip}:${r.port}`)).toContain(`${added.host}:${added.port}`);
    } finally {
      all.push(...pids(t)); // with the scaled-out replica
      await t.stop();
    }
    expect(all.filter(alive)).toEqual([]);
  });

  it('a 3-master cluster with a replica each: CLUSTER NODES, replication and the cluster bus use own addresses', async () => {
    const t = await startTopology(
      { kind: 'cluster', masters: 3, replicasPerMaster: 1, faultProxies: false, addressBlock },
      { ports, dir: tmpDir('own-addr-cluster') },
    );
    const all = pids(t);
    try {
      expect(t.nodes.map((n) => n.host)).toEqual([2, 3, 4, 5, 6, 7].map((i) => `${prefix}.${i}`));
      expect(t.endpoint).toEqual({ kind: 'cluster', seeds: t.nodes.map((n) => ({ host: n.host, port: n.port })) });
      const own = sorted(t.nodes.map((n) => `${n.host}:${n.port}`));
      for (const n of t.nodes) {
        expect((await clusterInfo(n.port, { host: n.host })).cluster_state).toBe('ok');
        const lines = String(await redisOnce(n.port, ['CLUSTER', 'NODES'], { host: n.host }))
          .trim()
          .split('\n')
          .map((l) => l.split(' '));
        // ip:port@cport[,hostname]
        expect(sorted(lines.map((f) => (f[1] ?? '').split('@')[0] ?? ''))).toEqual(own);
        expect(lines.find((f) => (f[2] ?? '').includes('myself'))?.[1]?.split('@')[0]).toBe(`${n.host}:${n.port}`);
      }
      // every replica replicates from its master's own address, from its own
      for (const r of t.nodes.filter((n) => n.role === 'replica')) {
        const info = await redisInfo(r.port, 'replication', { host: r.host });
        const m = t.nodeByAddress(info.master_host ?? '', Number(info.master_port));
        expect(m?.role).toBe('master');
        const clients = await clientList(m as TopoNode);
        expect(clients.filter((c) => (c.flags ?? '').includes('S')).map((c) => hostOf(c.addr ?? ''))).toEqual([r.host]);
      }
      // the cluster bus: every other node's link into master-1's bus port comes from that node's own address
      const m1 = t.node('master-1');
      const peers = await inboundPeers(m1.host, m1.busPort as number);
      expect(sorted(new Set(peers.map(hostOf)))).toEqual(sorted(t.nodes.filter((n) => n !== m1).map((n) => n.host)));
    } finally {
      await t.stop();
    }
    expect(all.filter(alive)).toEqual([]);
  });
});
