import { describe, expect, it } from 'vitest';
import { addressBlockPrefix, memberAddress, nodeNames, redisDirectives, resolveSpec, validate } from '../../../lib/topology/options.js';

describe('topology options', () => {
  it('fills defaults per kind', () => {
    const s = resolveSpec({ kind: 'sentinel' });
    expect(s).toMatchObject({
      kind: 'sentinel',
      replicas: 2,
      sentinels: 3,
      quorum: 2,
      downAfterMs: 1000,
      faultProxies: true,
      replicationVia: 'proxy',
    });
    expect(resolveSpec({ kind: 'cluster' })).toMatchObject({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2000 });
    expect(resolveSpec({ kind: 'haproxy', sentinels: 5 })).toMatchObject({ quorum: 3, checkIntervalMs: 1000 });
    expect(nodeNames(resolveSpec({ kind: 'cluster' }))).toHaveLength(6);
    expect(nodeNames(resolveSpec({ kind: 'replicas', replicas: 4 }))).toHaveLength(5);
  });

  it('lists every problem at once', () => {
    const p = validate({
      kind: 'replicas',
      replicas: 5,
      maxmemory: 'lots',
      maxmemoryPolicy: 'lru',
      minReplicasToWrite: 7,
      aclUser: 'default',
    });
    expect(p).toHaveLength(6);
    expect(p.join('\n')).toMatch(/replicas must be an integer 1..4/);
    expect(p.join('\n')).toMatch(/needs a password/);
    expect(validate({ kind: 'sentinel', sentinels: 3, quorum: 4 })[0]).toMatch(/quorum must be an integer 1..3/);
    expect(validate({ kind: 'cluster', masters: 2 })[0]).toMatch(/3..9 masters/);
    expect(validate({ kind: 'standalone', replicas: 2 })[0]).toMatch(/kind 'replicas'/);
    expect(validate({ kind: 'mesh' as 'standalone' })[0]).toMatch(/unknown topology kind 'mesh'/);
    expect(validate({ kind: 'standalone', password: 'has space' })[0]).toMatch(/password/);
    expect(() => resolveSpec({ kind: 'replicas', replicas: 0 })).toThrow(/replicas must be/);
  });

  it('turns options into redis.conf directives', () => {
    const d = redisDirectives(
      resolveSpec({ kind: 'replicas', replicas: 2, replBacklogSize: '4mb', minReplicasToWrite: 1, password: 'pw', aclUser: 'app' }),
    );
    expect(d).toEqual({
      'repl-backlog-size': '4mb',
      'min-replicas-to-write': 1,
      'min-replicas-max-lag': 10,
      user: 'app on >pw ~* &* +@all',
    });
    expect(redisDirectives(resolveSpec({ kind: 'standalone' }))).toEqual({});
  });

  it('an address block: a loopback /24 with fault proxies off, not for haproxy; members get .2, .3, ...', () => {
    for (const kind of ['standalone', 'replicas', 'sentinel', 'cluster'] as const)
      expect(validate({ kind, addressBlock: '127.0.9.0/24', faultProxies: false })).toEqual([]);
    expect(validate({ kind: 'sentinel', addressBlock: '127.0.0.0/24', faultProxies: false })).toEqual([]);
    expect(resolveSpec({ kind: 'cluster', addressBlock: '127.1.3.0/24', faultProxies: false })).toMatchObject({
      addressBlock: '127.1.3.0/24',
      faultProxies: false,
    });
    expect(resolveSpec({ kind: 'sentinel' }).addressBlock).toBeUndefined();
    for (const bad of ['10.0.0.0/24', '127.0.9.0/16', '127.0.9.5/24', '127.256.0.0/24', '127.0.09.0/24', '127.0.9.0', 'x']) {
      const p = validate({ kind: 'sentinel', addressBlock: bad, faultProxies: false });
      expect(p, bad).toEqual([`--addresses must be a loopback /24 such as 127.0.9.0/24 (got '${bad}')`]);
    }
    expect(validate({ kind: 'sentinel', addressBlock: '127.0.9.0/24' })).toEqual([
      'own addresses replace the fault proxies: add --no-fault-proxies (faultProxies: false)',
    ]);
    expect(validate({ kind: 'sentinel', addressBlock: '127.0.9.0/24', faultProxies: true })).toHaveLength(1);
    expect(validate({ kind: 'haproxy', addressBlock: '127.0.9.0/24', faultProxies: false })).toEqual([
      '--addresses is for standalone, replicas, sentinel and cluster topologies, not haproxy: leave it out',
    ]);
    expect(addressBlockPrefix('127.255.255.0/24')).toBe('127.255.255');
    expect(memberAddress('127.0.9.0/24', 0)).toBe('127.0.9.2');
    expect(memberAddress('127.0.9.0/24', 5)).toBe('127.0.9.7');
    expect(memberAddress('127.0.0.0/24', 0)).toBe('127.0.0.2');
    expect(memberAddress('127.0.9.0/24', 252)).toBe('127.0.9.254');
    expect(memberAddress('127.0.9.0/24', 253)).toBeNull();
  });
});
