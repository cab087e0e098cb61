/** A Redis Cluster node's own view (CLUSTER INFO); clusters start in lib/topology/start.ts. */
import { type OnceOptions, redisOnce } from '../redis/once.js';
import { parseInfo } from './info.js';

/** `CLUSTER INFO` as a record; `auth` as for redisInfo (host, credentials, TLS: e.g. nodeAuth(t, n)). */
export async function clusterInfo(port: number, auth: OnceOptions = {}) {
  return parseInfo(String(await redisOnce(port, ['CLUSTER', 'INFO'], { ...auth, timeoutMs: 1000 })));
}
