/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with openssl in `dir`. */
import { join } from 'node:path';
import { execa } from 'execa';

export interface TestCerts {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** A second CA that did not sign the server certificate. */
  otherCaFile: string;
}

async function selfSigned(dir: string, name: string): Promise<void> {
  const subj = `/CN=${name}`;
  await execa(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', subj],
    {
      cwd: dir,
    },
  );
}

export async function makeTestCerts(dir: string): Promise<TestCerts> {
  await selfSigned(dir, 'ca');
  await selfSigned(dir, 'other-ca');
  await execa('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'redis.key', '-out', 'redis.csr', '-subj', '/CN=localhost'], {
    cwd: dir,
  });
  await execa('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1,DNS:localhost" > ext'], { cwd: dir });
  await execa(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'redis.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'redis.crt',
      '-days',
      '1',
      '-extfile',
      'ext',
    ],
    { cwd: dir },
  );
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'redis.crt'),
    keyFile: join(dir, 'redis.key'),
    otherCaFile: join(dir, 'other-ca.crt'),
  };
}
