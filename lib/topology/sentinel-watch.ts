/**
 * Subscribe to every Sentinel's pub/sub (PSUBSCRIBE *) and turn its messages
 * (+sdown, +odown, +switch-master, failover-end, ...) into timestamped events.
 */
import { connect, type Socket } from 'node:net';
import { encodeCommand } from '../core/resp/encode.js';
import { ReplyReader, type RespValue } from '../core/resp/reader.js';
import type { Topology } from './types.js';

export interface SentinelMessage {
  atMs: number;
  sentinelPort: number;
  channel: string;
  message: string;
}

/** Parse a pmessage reply; null for anything else. Pure. */
export function parsePmessage(v: RespValue): { channel: string; message: string } | null {
  if (!Array.isArray(v) || v.length !== 4) return null;
  const kind = String(v[0]);
  if (kind !== 'pmessage') return null;
  return { channel: String(v[2]), message: String(v[3]) };
}

/**
 * The instance a Sentinel message names: `<type> <name> <ip> <port> @ <master> <ip> <port>`
 * or, for +switch-master, `<master> <old-ip> <old-port> <new-ip> <new-port>` (→ the new one).
 */
export function messageAddress(channel: string, message: string): { host: string; port: number } | null {
  const w = message.split(' ');
  if (channel === '+switch-master' && w.length >= 5) return { host: w[3] as string, port: Number(w[4]) };
  if (w.length >= 4 && /^\d+$/.test(w[3] as string)) return { host: w[2] as string, port: Number(w[3]) };
  return null;
}

export interface SentinelWatch {
  stop(): void;
}

/** Watch the Sentinels on `ports`; reconnects (bounded) if a link drops while running. */
export function watchSentinels(ports: number[], onMessage: (m: SentinelMessage) => void, host = '127.0.0.1'): SentinelWatch {
  let stopped = false;
  const sockets = new Set<Socket>();
  const open = (port: number, attempt: number) => {
    if (stopped || attempt > 50) return;
    const s = connect({ host, port });
    sockets.add(s);
    const reader = new ReplyReader({
      keepValues: true,
      onReply: () => {},
      onValue: (v) => {
        const m = parsePmessage(v);
        if (m && !m.channel.startsWith('__')) onMessage({ atMs: Date.now(), sentinelPort: port, ...m });
      },
    });
    s.on('connect', () => s.write(encodeCommand(['PSUBSCRIBE', '*'])));
    s.on('data', (d) => reader.feed(d));
    s.on('error', () => {});
    s.on('close', () => {
      sockets.delete(s);
      if (!stopped) setTimeout(() => open(port, attempt + 1), 200).unref();
    });
  };
  for (const p of ports) open(p, 0);
  return {
    stop: () => {
      stopped = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}

/**
 * Watch a topology's Sentinels (started or attached, on any hosts) and emit each message
 * as a TopoEvent naming the instance it is about and the Sentinel that said it.
 */
export function watchTopologySentinels(t: Pick<Topology, 'sentinels' | 'nodeByAddress' | 'emit'>): SentinelWatch {
  const hosts = [...new Set(t.sentinels.map((s) => s.host))];
  const watches = hosts.map((host) =>
    watchSentinels(
      t.sentinels.filter((s) => s.host === host).map((s) => s.port),
      (m) => {
        const addr = messageAddress(m.channel, m.message);
        const node = addr ? t.nodeByAddress(addr.host, addr.port) : undefined;
        const sentinel = t.sentinels.find((x) => x.host === host && x.port === m.sentinelPort)?.name ?? String(m.sentinelPort);
        t.emit({ atMs: m.atMs, kind: m.channel, node: node?.name, detail: `${sentinel}: ${m.message}` });
      },
      host,
    ),
  );
  return {
    stop: () => {
      for (const w of watches) w.stop();
    },
  };
}
