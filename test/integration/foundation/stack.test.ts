import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { MissingBinaryError, StartError } from '../../../lib/core/errors.js';
import { startLocalStack } from '../../../lib/stack/local-stack.js';
import { assertPortFree } from '../../../lib/stack/ports.js';
import { startRedisServer } from '../../../lib/stack/redis.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { alive } from '../../support/processes.js';
import { promQuery } from '../../support/prom.js';
import { waitForValue } from '../../support/wait.js';

describe('local stack (real processes)', () => {
  it('starts redis-server, the exporter and Prometheus, which scrapes real data; stop leaves nothing', async () => {
    const stack = await startLocalStack({ ports, label: 'stack-test', scrapeInterval: '1s' });
    const pids = [stack.redis.process.pid, stack.exporter?.process.pid, stack.prometheus?.process.pid] as number[];
    try {
      const client = new Redis({ port: stack.redis.port, lazyConnect: true });
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
      // Prometheus scrapes the exporter: redis_up shows up as a real series.
      const up = await waitForValue(
        'Prometheus to scrape redis_up',
        () => promQuery(stack.prometheus?.url as string, 'redis_up'),
        (x) => x.length > 0,
        15_000,
        250,
      );
      expect(up.length).toBe(1);
    } finally {
      await stack.stop();
    }
    for (const pid of pids) expect(alive(pid)).toBe(false);
  });

  it('names the package to install when a binary is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startRedisServer({ port: await ports.take(), dir: tmpDir('missing') })).rejects.toThrow(MissingBinaryError);
      await expect(startRedisServer({ port: await ports.take(), dir: tmpDir('missing') })).rejects.toThrow(/apt-get install redis-server/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('reports a port that is already taken in one line', async () => {
    const port = await ports.take();
    const srv = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      await expect(assertPortFree(port, 'redis')).rejects.toThrow(new RegExp(`port ${port} .* already in use`));
      // and a server started on it dies during start: a StartError with its log, nothing left running
      const err = await startRedisServer({ port, dir: tmpDir('taken') }).catch((e) => e);
      expect(err).toBeInstanceOf(StartError);
      expect(String(err.message)).toMatch(/exited during start/);
    } finally {
      srv.close();
    }
  });

  it('stops the parts already started when a later part fails', async () => {
    const err = await startLocalStack({ ports, label: 'bad', redis: { config: { 'no-such-directive': 'x' } } }).catch((e) => e);
    expect(err).toBeInstanceOf(StartError);
    expect(String(err.message)).toMatch(/redis-server:\d+ exited during start/);
  });
});
