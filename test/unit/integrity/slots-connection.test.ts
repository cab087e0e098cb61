import { describe, expect, it } from 'vitest';
import { crc16, keySlot, parseClusterSlots, parseHostPort, resolveTarget, SLOT_COUNT } from '../../../lib/redis/index.js';

describe('cluster slots', () => {
  it('computes CRC16/XMODEM and the slots of the cluster spec', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}'.slice(0)));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar'));
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
  });

  it('keeps every key inside the 16384 slots (the cluster test checks against CLUSTER KEYSLOT)', () => {
    expect(keySlot('somekey')).toBe(11058);
    for (let i = 0; i < 2000; i++) {
      const s = keySlot(`sd:t:${Math.random().toString(36).slice(2)}:${i}`);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(SLOT_COUNT);
    }
  });

  it('parses CLUSTER SLOTS into masters and a slot owner table', () => {
    const reply = [
      [0, 5460, [Buffer.from('127.0.0.1'), 7000, Buffer.from('id1')], [Buffer.from('127.0.0.1'), 7003, Buffer.from('id4')]],
      [5461, 10922, [Buffer.from(''), 7001, Buffer.from('id2')]],
      [10923, 16383, [Buffer.from('127.0.0.1'), 7002, Buffer.from('id3')]],
    ];
    const m = parseClusterSlots(reply, '10.0.0.9');
    // sorted by address; a node announced without a host is on the seed's host
    expect(m.masters).toEqual([
      { id: 'id2', host: '10.0.0.9', port: 7001, slots: [[5461, 10922]] },
      { id: 'id1', host: '127.0.0.1', port: 7000, slots: [[0, 5460]] },
      { id: 'id3', host: '127.0.0.1', port: 7002, slots: [[10923, 16383]] },
    ]);
    expect(m.owner[0]).toBe(1);
    expect(m.owner[5460]).toBe(1);
    expect(m.owner[5461]).toBe(0);
    expect(m.owner[16383]).toBe(2);
  });
});

describe('connection options', () => {
  it('defaults to 127.0.0.1:6379 standalone', () => {
    const { target } = resolveTarget({}, {});
    expect(target).toMatchObject({ mode: 'standalone', endpoints: [{ host: '127.0.0.1', port: 6379 }], db: 0 });
    expect(target?.password).toBeUndefined();
  });

  it('reads user, password, db and TLS from a URI, and the password from REDISCLI_AUTH', () => {
    const { target } = resolveTarget({ uri: 'rediss://app:p%40ss@cache.local:6390/3' }, {});
    expect(target).toMatchObject({ endpoints: [{ host: 'cache.local', port: 6390 }], user: 'app', password: 'p@ss', db: 3, tls: {} });
    expect(resolveTarget({ port: 7000 }, { REDISCLI_AUTH: 'envpw' }).target?.password).toBe('envpw');
    expect(resolveTarget({ port: 7000, password: 'flag' }, { REDISCLI_AUTH: 'envpw' }).target?.password).toBe('flag');
  });

  it('resolves Sentinel and Cluster targets', () => {
    const s = resolveTarget({ sentinels: ['10.0.0.1:26379', '10.0.0.2'], masterName: 'm' }, {}).target;
    expect(s).toMatchObject({
      mode: 'sentinel',
      masterName: 'm',
      endpoints: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26379 },
      ],
    });
    expect(resolveTarget({ port: 7000, cluster: true }, {}).target?.mode).toBe('cluster');
  });

  it('returns every problem at once, naming the flags', () => {
    const { target, problems } = resolveTarget(
      { uri: 'http://x', host: 'h', port: 70000, user: 'u', sentinels: ['a:b'], cluster: true },
      {},
    );
    expect(target).toBeUndefined();
    expect(problems.join('\n')).toMatch(/-u\/--uri must be redis:\/\/.*\(got http:\/\/\)/);
    expect(problems.join('\n')).toMatch(/either -u\/--uri or -h\/-p/);
    expect(problems.join('\n')).toMatch(/--user needs a password/);
    expect(problems.join('\n')).toMatch(/--sentinel and --cluster cannot be combined/);
    expect(problems.join('\n')).toMatch(/--sentinel needs --master-name/);
    expect(problems.join('\n')).toMatch(/'a:b' is not HOST:PORT/);
    expect(resolveTarget({ port: 70000 }, {}).problems).toEqual(['-p/--port must be 1..65535, got 70000']);
  });

  it('parses host:port including IPv6', () => {
    expect(parseHostPort('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
    expect(parseHostPort('h', 26379)).toEqual({ host: 'h', port: 26379 });
    expect(parseHostPort('h:0')).toBeNull();
  });
});
