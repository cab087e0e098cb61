/**
 * Sentinel pieces shared by the topology code (lib/topology/start.ts starts the groups):
 * the sentinel.conf text and SENTINEL MASTER as a record.
 */
import { redisOnce } from '../redis/once.js';
import type { TlsSettings } from '../redis/tls.js';
import { bindLines } from './redis.js';

/** The sentinel.conf text. Exported for tests. */
export function sentinelConfig(o: {
  port: number;
  dir: string;
  masterName: string;
  primary: { host: string; port: number };
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  parallelSyncs: number;
  password?: string;
  /** An own loopback address (bound with 127.0.0.1, source of its outgoing connections); see RedisServerOptions.ownAddress. */
  ownAddress?: string;
  /** The address this Sentinel gives its peers in its hello messages (e.g. its fault proxy's). */
  announce?: { host: string; port: number };
}): string {
  const m = o.masterName;
  const lines = [
    `port ${o.port}`,
    ...bindLines(o.ownAddress ?? '127.0.0.1', o.ownAddress !== undefined),
    // protected mode counts only 127.0.0.1/::1 as local: with an own address it would refuse its peers
    ...(o.ownAddress !== undefined ? ['protected-mode no'] : []),
    'daemonize no',
    `dir ${o.dir}`,
    'logfile ""',
    `sentinel monitor ${m} ${o.primary.host} ${o.primary.port} ${o.quorum}`,
    `sentinel down-after-milliseconds ${m} ${o.downAfterMs}`,
    `sentinel failover-timeout ${m} ${o.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${m} ${o.parallelSyncs}`,
  ];
  if (o.password) lines.push(`sentinel auth-pass ${m} "${o.password}"`);
  if (o.announce) lines.push(`sentinel announce-ip ${o.announce.host}`, `sentinel announce-port ${o.announce.port}`);
  return `${lines.join('\n')}\n`;
}

/** A Sentinel's flat [field, value, ...] reply (SENTINEL MASTER, one entry of REPLICAS/SENTINELS) as a record. */
export function fieldRecord(r: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < r.length; i += 2) out[String(r[i])] = String(r[i + 1]);
  return out;
}

/** SENTINEL MASTER <name> as a record (over TLS with `tls`: a TLS-only Sentinel). */
export async function sentinelMasterInfo(
  port: number,
  masterName: string,
  host = '127.0.0.1',
  tls?: TlsSettings,
): Promise<Record<string, string>> {
  const r = await redisOnce(port, ['SENTINEL', 'MASTER', masterName], { host, tls, timeoutMs: 1000 });
  if (!Array.isArray(r)) throw new Error(`unexpected SENTINEL MASTER reply from ${port}`);
  return fieldRecord(r);
}
