/**
 * TLS: a real redis-server with a TLS port and a certificate from a throwaway CA (made
 * with openssl); fill, write, audit and verify over TLS, and a wrong CA refused in one line.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/bundle/build.js';
import { runAudit, runFill, runVerify, runWrite } from '../../../lib/integrity/index.js';
import { type RedisNode, startRedisServer } from '../../../lib/stack/redis.js';
import { makeTestCerts } from '../../support/certs.js';
import { namespace, ports, tmpDir } from '../../support/namespace.js';

let node: RedisNode;
let tlsPort: number;
let certs: string;

beforeAll(async () => {
  certs = tmpDir('certs');
  await makeTestCerts(certs);
  tlsPort = await ports.take();
  node = await startRedisServer({
    port: await ports.take(),
    dir: join(tmpDir('tls'), 'node'),
    config: {
      'tls-port': tlsPort,
      'tls-cert-file': join(certs, 'redis.crt'),
      'tls-key-file': join(certs, 'redis.key'),
      'tls-ca-cert-file': join(certs, 'ca.crt'),
      'tls-auth-clients': 'no',
    },
  });
});
afterAll(async () => {
  await node?.stop();
});

describe('integrity over TLS', () => {
  it('fills, writes, audits and verifies over TLS with the CA given', async () => {
    const tls = { caFile: join(certs, 'ca.crt') };
    const f = await runFill({ runId: namespace.runId, keys: 2000, connection: { port: tlsPort, tls } });
    expect(f).toMatchObject({ keys: 2000, errors: 0 });
    const ledgerPath = join(tmpDir('ledger'), 'ledger');
    const w = await runWrite({
      runId: namespace.runId,
      ledgerPath,
      maxWrites: 3000,
      connection: { uri: `rediss://127.0.0.1:${tlsPort}`, tls },
    });
    expect(w).toMatchObject({ acked: 3000, failed: 0, unknown: 0 });
    const a = await runAudit({ ledgerPath, connection: { port: tlsPort, tls } });
    expect(a).toMatchObject({ ackedOk: 3000, ackedLost: 0, passed: true });
    // the same data seen through TLS and through the plain port
    const v = await runVerify({ source: { port: tlsPort, tls }, target: { port: node.port }, rounds: 1 });
    expect(v.keysCompared).toBe(5000);
    expect(v.conflicts.total).toBe(0);
  });

  it('refuses a server certificate from another CA with one line', async () => {
    const r = await execa(
      'node',
      [
        join(PROJECT_ROOT, 'bin/stormdrill.js'),
        'fill',
        '-p',
        String(tlsPort),
        '--tls',
        '--tls-ca',
        join(certs, 'other-ca.crt'),
        '--keys',
        '10',
      ],
      {
        reject: false,
        env: { STORMDRILL_DEBUG: '' },
      },
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot connect to 127\.0\.0\.1:\d+: .*(certificate|self.signed)/i);
  });
});
