/**
 * A topology's Sentinels on its timeline: every Sentinel's pub/sub (+sdown, +odown,
 * +switch-master, failover-end, ...) through the one Sentinel client (lib/redis), each
 * message a TopoEvent naming the instance it is about and the Sentinel that said it.
 */
import {
  type ConnectSettings,
  type Endpoint,
  messageAddress,
  type SentinelMessage,
  type SentinelSubscription,
  subscribeSentinels,
} from '../redis/index.js';
import type { Topology } from './types.js';

export type SentinelWatch = Pick<SentinelSubscription, 'stop'>;

/** Watch Sentinels (PSUBSCRIBE *); each link reconnects while running. */
export function watchSentinels(sentinels: Endpoint[], onMessage: (m: SentinelMessage) => void, s: ConnectSettings = {}): SentinelWatch {
  return subscribeSentinels(sentinels, s, { pattern: '*', onMessage });
}

/** Watch a topology's Sentinels (started or attached, on any hosts) and emit each message as a TopoEvent. */
export function watchTopologySentinels(t: Pick<Topology, 'sentinels' | 'nodeByAddress' | 'emit' | 'tls'>): SentinelWatch {
  return watchSentinels(
    t.sentinels.map((s) => ({ host: s.host, port: s.port })),
    (m) => {
      const addr = messageAddress(m.channel, m.message);
      const node = addr ? t.nodeByAddress(addr.host, addr.port) : undefined;
      const at = m.sentinel;
      const sentinel = t.sentinels.find((x) => x.host === at.host && x.port === at.port)?.name ?? String(at.port);
      t.emit({ atMs: m.atMs, kind: m.channel, node: node?.name, detail: `${sentinel}: ${m.message}` });
    },
    { tls: t.tls },
  );
}
