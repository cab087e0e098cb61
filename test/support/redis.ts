/**
 * The Redis client tests inspect servers with (ioredis, on loopback). Every client made
 * here is disconnected after the test file.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll } from 'vitest';

const open = new Set<Redis>();
afterAll(() => {
  for (const c of open) c.disconnect();
  open.clear();
});

/**
 * A client of 127.0.0.1:`port` (lazyConnect unless given: `await c.connect()` or the
 * first command connects). `failFast`: no retries, no offline queue, no reconnect and a
 * 500 ms command timeout, for probing a server behind a fault.
 */
export function redisClient(port: number, o: RedisOptions & { failFast?: boolean } = {}): Redis {
  const { failFast, ...opts } = o;
  const c = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    ...(failFast ? { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, commandTimeout: 500 } : {}),
    ...opts,
  });
  c.on('error', () => {});
  open.add(c);
  c.once('end', () => open.delete(c));
  return c;
}
