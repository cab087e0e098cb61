import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { makeTestCerts } from '../../support/certs.js';
import { useTestEnv } from '../../support/env.js';
import { bench } from './helpers.js';

const env = useTestEnv({});
let node: RedisNode;
let tlsPort: number;
let dir: string;

beforeAll(async () => {
  dir = env.tmpDir('tls');
  const certs = await makeTestCerts(dir);
  tlsPort = await env.ports.take();
  node = await startRedisServer({
    port: await env.ports.take(),
    dir: join(dir, 'redis'),
    config: {
      'tls-port': tlsPort,
      'tls-cert-file': certs.certFile,
      'tls-key-file': certs.keyFile,
      'tls-ca-cert-file': certs.caFile,
      'tls-auth-clients': 'no',
      unixsocket: join(dir, 'redis.sock'),
      unixsocketperm: '700',
    },
  });
});
afterAll(async () => {
  await node?.stop();
});

describe('stormdrill bench --tls and -s', () => {
  it('benchmarks over TLS, verifying the server with --cacert', async () => {
    const { outcome } = await bench([
      '--tls',
      '--cacert',
      join(dir, 'ca.crt'),
      '-p',
      String(tlsPort),
      '-t',
      'set,get',
      '-n',
      '3000',
      '-r',
      '100',
      '-q',
    ]);
    expect(outcome.runs.map((r) => [r.run.title, r.result.finished])).toEqual([
      ['SET', 3000],
      ['GET', 3000],
    ]);
  });

  it('refuses an unverified server in one line, unless --insecure', async () => {
    await expect(bench(['--tls', '-p', String(tlsPort), '-t', 'get', '-n', '10'])).rejects.toThrow(
      /cannot connect to 127\.0\.0\.1:\d+: .*(self.signed|unable to verify|certificate)/i,
    );
    const { outcome } = await bench(['--tls', '--insecure', '-p', String(tlsPort), '-t', 'get', '-n', '100', '-q']);
    expect(outcome.runs[0]?.result.finished).toBe(100);
  });

  it('connects over a unix socket with -s', async () => {
    const { outcome } = await bench(['-s', join(dir, 'redis.sock'), '-t', 'incr', '-n', '1000', '-q']);
    expect(outcome.runs[0]?.result.finished).toBe(1000);
  });
});
