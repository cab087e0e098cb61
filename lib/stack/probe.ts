/** Small readiness probes that do not retry or log (unlike undici defaults). Redis probes: lib/redis/once.ts. */
import { connect } from 'node:net';
import { request } from 'undici';

/** True when GET url answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  const res = await request(url, { headersTimeout: 1000, bodyTimeout: 1000 });
  await res.body.dump();
  return res.statusCode >= 200 && res.statusCode < 300;
}

/** True when a TCP connection to host:port succeeds. */
export function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
