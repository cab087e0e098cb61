/** A Redis Cluster node's own view (CLUSTER INFO); clusters start in lib/topology/start.ts. */
import { redisOnce } from '../redis/once.js';
import type { TlsSettings } from '../redis/tls.js';
import { parseInfo } from './info.js';

/** `CLUSTER INFO` as a record (over TLS with `tls`: a TLS-only node). */
export async function clusterInfo(port: number, password?: string, host = '127.0.0.1', user?: string, tls?: TlsSettings) {
  return parseInfo(String(await redisOnce(port, ['CLUSTER', 'INFO'], { host, password, user, tls, timeoutMs: 1000 })));
}
