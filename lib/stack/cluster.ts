/** A Redis Cluster node's own view (CLUSTER INFO); clusters start in lib/topology/start.ts. */
import { redisOnce } from '../redis/once.js';
import { parseInfo } from './info.js';

/** `CLUSTER INFO` as a record. */
export async function clusterInfo(port: number, password?: string, host = '127.0.0.1', user?: string): Promise<Record<string, string>> {
  return parseInfo(String(await redisOnce(port, ['CLUSTER', 'INFO'], { host, password, user, timeoutMs: 1000 })));
}
