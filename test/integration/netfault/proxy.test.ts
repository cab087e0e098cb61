import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type TcpFaultProxy } from '../../../lib/netfault/proxy.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';
import { waitUntil } from '../../support/wait.js';

let server: RedisNode;
let proxy: TcpFaultProxy;

function client(): Redis {
  return new Redis({
    port: proxy.listenPort,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T | Error }> {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - t0, value };
  } catch (e) {
    return { ms: performance.now() - t0, value: e as Error };
  }
}

beforeAll(async () => {
  server = await startRedisServer({ port: await ports.take(), dir: tmpDir('proxy-redis') });
  proxy = await startFaultProxy({ listenPort: await ports.take(), target: { host: server.host, port: server.port } });
});

afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

describe('TCP fault proxy in front of a real redis-server', () => {
  it('passes traffic through and classifies the connection as a client', async () => {
    const c = client();
    await c.connect();
    expect(await c.set(`${namespace.keyPrefix}p`, 'v')).toBe('OK');
    expect(await c.get(`${namespace.keyPrefix}p`)).toBe('v');
    expect(proxy.connectionClasses()).toContain('client');
    await c.del(`${namespace.keyPrefix}p`);
    c.disconnect();
  });

  it('blackhole: an open connection stops getting replies (client times out); heal() delivers the held bytes and recovers it', async () => {
    const c = client();
    await c.connect();
    expect(await c.ping()).toBe('PONG');
    proxy.setFault({ kind: 'blackhole' });
    const before = proxy.stats();
    const r = await timed(() => c.ping());
    expect(r.value).toBeInstanceOf(Error);
    expect(String((r.value as Error).message)).toMatch(/timed out/i);
    expect(r.ms).toBeGreaterThanOrEqual(450);
    expect(proxy.stats().heldUp).toBeGreaterThan(before.heldUp);
    expect(proxy.stats().droppedUp).toBe(before.droppedUp);
    expect(proxy.stats().open).toBeGreaterThanOrEqual(1); // the TCP connection stays up
    proxy.heal();
    expect(await c.ping()).toBe('PONG');
    c.disconnect();
  });

  it('blackhole down only, drop: the command reaches the server but the reply is discarded', async () => {
    const c = client();
    await c.connect();
    const before = proxy.stats();
    proxy.setFault({ kind: 'blackhole', direction: 'down', drop: true });
    const r = await timed(() => c.set(`${namespace.keyPrefix}bh`, 'written'));
    expect(r.value).toBeInstanceOf(Error);
    expect(proxy.stats().droppedDown).toBeGreaterThan(before.droppedDown);
    proxy.heal();
    c.disconnect();
    const direct = new Redis({ port: server.port, lazyConnect: true });
    await direct.connect();
    expect(await direct.get(`${namespace.keyPrefix}bh`)).toBe('written');
    await direct.del(`${namespace.keyPrefix}bh`);
    direct.disconnect();
  });

  it('latency: every round trip takes at least 2 × the delay', async () => {
    const c = client();
    await c.connect();
    const base = await timed(() => c.ping());
    proxy.setFault({ kind: 'latency', ms: 120 });
    const slow = await timed(() => c.ping());
    proxy.heal();
    expect(slow.value).toBe('PONG');
    // at least the two delays; a busy machine only adds to it
    expect(slow.ms).toBeGreaterThanOrEqual(235);
    expect(slow.ms - base.ms).toBeLessThan(2000);
    c.disconnect();
  });

  it('bandwidth: a 200 KB reply at 400 KB/s takes about half a second', async () => {
    const c = new Redis({ port: proxy.listenPort, lazyConnect: true, maxRetriesPerRequest: 0 });
    await c.connect();
    const key = `${namespace.keyPrefix}big`;
    await c.set(key, 'x'.repeat(200_000));
    proxy.setFault({ kind: 'bandwidth', bytesPerSec: 400_000, direction: 'down' });
    const r = await timed(() => c.get(key));
    proxy.heal();
    expect((r.value as string).length).toBe(200_000);
    expect(r.ms).toBeGreaterThanOrEqual(450);
    expect(r.ms).toBeLessThan(1500);
    await c.del(key);
    c.disconnect();
  });

  it('bandwidth with backpressure: a 3 MB value at 3 MB/s arrives intact in about a second', async () => {
    const c = new Redis({ port: proxy.listenPort, lazyConnect: true, maxRetriesPerRequest: 0 });
    await c.connect();
    const key = `${namespace.keyPrefix}huge`;
    const value = 'abcdefghij'.repeat(300_000);
    await c.set(key, value);
    proxy.setFault({ kind: 'bandwidth', bytesPerSec: 3_000_000 });
    const r = await timed(() => c.get(key));
    proxy.heal();
    expect(r.value).toBe(value);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(3000);
    await c.del(key);
    c.disconnect();
  });

  it('reset: open connections are reset and new ones refused until heal()', async () => {
    const c = client();
    await c.connect();
    c.on('error', () => {});
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    proxy.setFault({ kind: 'reset' });
    await closed;
    const refused = await new Promise<string>((resolve) => {
      const s = connect({ port: proxy.listenPort, host: '127.0.0.1' });
      s.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? 'error'));
      s.on('close', () => resolve('closed'));
    });
    expect(['ECONNRESET', 'closed']).toContain(refused);
    expect(proxy.stats().refused).toBeGreaterThanOrEqual(1);
    c.disconnect();
    proxy.heal();
    const d = client();
    await d.connect();
    expect(await d.ping()).toBe('PONG');
    d.disconnect();
  });

  it('a fault scoped to replication holds a replica link and leaves clients alone', async () => {
    const c = client();
    await c.connect();
    proxy.setFault({ kind: 'blackhole', scope: 'replication' });
    expect(await c.ping()).toBe('PONG');
    // a connection that introduces itself as a replica (REPLCONF) gets nothing back ...
    const replica = connect({ port: proxy.listenPort, host: '127.0.0.1' });
    let got = '';
    replica.on('data', (d) => (got += d));
    replica.on('error', () => {});
    replica.write('*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n1234\r\n');
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toBe('');
    expect(proxy.connectionClasses()).toContain('replication');
    expect(await c.ping()).toBe('PONG');
    // ... until heal() delivers what was held
    proxy.heal();
    await waitUntil('the held REPLCONF reply', async () => got === '+OK\r\n', 5000, 20);
    replica.destroy();
    c.disconnect();
  });
});
