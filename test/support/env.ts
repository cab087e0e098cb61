/**
 * Declare the real servers a test file needs; they are started before its tests and
 * always stopped after. Using a server that was not declared fails loudly.
 *
 *   const env = useTestEnv({ redis: true, prometheus: true });
 *   it('...', () => env.redis.port ...)
 *
 * `shared: true` gives an isolated key namespace on the suite's shared redis-server
 * (started by global-setup); its keys are deleted after the file.
 *
 * After the file, every key on its own redis-server must carry the file's run namespace
 * (`sd:<namespace.runId>…`): a product path that writes outside the run's namespace fails
 * the file. A file whose server holds other keys by design says why in `foreignKeys`
 * (e.g. bench writes redis-benchmark's key names).
 */
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { KEY_ROOT } from '../../lib/core/naming.js';
import { type PrometheusNode, type ScrapeTargets, startPrometheus } from '../../lib/stack/prometheus.js';
import { type RedisNode, type RedisServerOptions, startRedisServer } from '../../lib/stack/redis.js';
import { namespace, ports, removeTmpRoot, tmpDir } from './namespace.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sharedRedisPort: number;
  }
}

export interface TestEnvRequest {
  redis?: boolean | Omit<RedisServerOptions, 'port' | 'dir'>;
  prometheus?: boolean | { targets?: ScrapeTargets; scrapeInterval?: string };
  shared?: boolean;
  /** Why this file's own redis-server may hold keys outside the file's run namespace. */
  foreignKeys?: string;
}

export interface SharedRedis {
  port: number;
  /** Every key this file writes on the shared server must start with this. */
  prefix: string;
  client: Redis;
}

export interface TestEnv {
  readonly redis: RedisNode;
  readonly prometheus: PrometheusNode;
  readonly shared: SharedRedis;
  readonly namespace: typeof namespace;
  ports: typeof ports;
  tmpDir: typeof tmpDir;
}

function undeclared(what: string): never {
  throw new Error(`this test file did not declare '${what}': add ${what}: true to useTestEnv({...})`);
}

export function useTestEnv(req: TestEnvRequest): TestEnv {
  let redis: RedisNode | undefined;
  let prometheus: PrometheusNode | undefined;
  let shared: SharedRedis | undefined;

  beforeAll(async () => {
    if (req.redis) {
      const opts = typeof req.redis === 'object' ? req.redis : {};
      redis = await startRedisServer({ ...opts, port: await ports.take(), dir: join(tmpDir('redis'), 'node') });
    }
    if (req.prometheus) {
      const opts = typeof req.prometheus === 'object' ? req.prometheus : {};
      prometheus = await startPrometheus({ port: await ports.take(), dir: tmpDir('prometheus'), scrapeInterval: '1s', ...opts });
    }
    if (req.shared) {
      const port = inject('sharedRedisPort');
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      shared = { port, prefix: namespace.keyPrefix, client };
    }
  });

  afterAll(async () => {
    const stray =
      redis && !req.foreignKeys
        ? await keysOutsideNamespace(redis.port, typeof req.redis === 'object' ? req.redis.password : undefined).catch((e: Error) => [
            `(scan failed: ${e.message})`,
          ])
        : [];
    if (shared) {
      const keys = await shared.client.keys(`${shared.prefix}*`);
      if (keys.length) await shared.client.unlink(...keys);
      shared.client.disconnect();
    }
    await prometheus?.stop();
    await redis?.stop();
    removeTmpRoot();
    if (stray.length > 0) {
      throw new Error(
        `keys outside this file's run namespace ${KEY_ROOT}:${namespace.runId}… were left on its redis-server, e.g. ${stray.slice(0, 5).join(', ')}: ` +
          "give every run an id from namespace.runId, or say why in useTestEnv({ foreignKeys: '…' })",
      );
    }
  });

  return {
    get redis() {
      return redis ?? undeclared('redis');
    },
    get prometheus() {
      return prometheus ?? undeclared('prometheus');
    },
    get shared() {
      return shared ?? undeclared('shared');
    },
    namespace,
    ports,
    tmpDir,
  };
}

/** Up to 20 keys on the server that do not start with `sd:<namespace.runId>`. */
async function keysOutsideNamespace(port: number, password?: string): Promise<string[]> {
  const own = `${KEY_ROOT}:${namespace.runId}`;
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  try {
    await client.connect();
    const stray: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) if (!k.startsWith(own) && stray.length < 20) stray.push(k);
    } while (cursor !== '0' && stray.length < 20);
    return stray;
  } finally {
    client.disconnect();
  }
}
