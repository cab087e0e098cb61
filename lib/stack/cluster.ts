/** A Redis Cluster node's own view (CLUSTER INFO); clusters start in lib/topology/start.ts. */
import { redisOnce } from '../redis/once.js';

/** `CLUSTER INFO` as a record. */
export async function clusterInfo(port: number, password?: string, host = '127.0.0.1', user?: string): Promise<Record<string, string>> {
  const r = await redisOnce(port, ['CLUSTER', 'INFO'], { host, password, user, timeoutMs: 1000 });
  const out: Record<string, string> = {};
  for (const line of String(r).split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
