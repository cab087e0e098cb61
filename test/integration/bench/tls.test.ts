import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { useTestEnv } from '../../support/env.js';
import { bench } from './helpers.js';

const env = useTestEnv({});
let node: RedisNode;
let tlsPort: number;
let dir: string;

beforeAll(async () => {
  dir = env.tmpDir('tls');
  const ssl = (args: string[]) => execa('openssl', args, { all: true, reject: false, timeout: 30_000 });
  const r1 = await ssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=stormdrill-test-ca',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.crt'),
  ]);
  expect(r1.exitCode, r1.all).toBe(0);
  const r2 = await ssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    join(dir, 'server.key'),
    '-out',
    join(dir, 'server.csr'),
  ]);
  expect(r2.exitCode, r2.all).toBe(0);
  const ext = join(dir, 'san.ext');
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1\n');
  const r3 = await ssl([
    'x509',
    '-req',
    '-in',
    join(dir, 'server.csr'),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    ext,
    '-out',
    join(dir, 'server.crt'),
  ]);
  expect(r3.exitCode, r3.all).toBe(0);
  tlsPort = await env.ports.take();
  node = await startRedisServer({
    port: await env.ports.take(),
    dir: join(dir, 'redis'),
    config: {
      'tls-port': tlsPort,
      'tls-cert-file': join(dir, 'server.crt'),
      'tls-key-file': join(dir, 'server.key'),
      'tls-ca-cert-file': join(dir, 'ca.crt'),
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
