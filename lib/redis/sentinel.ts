/**
 * The one Sentinel client: ask the Sentinels which node is the master, and subscribe to
 * their pub/sub on every Sentinel given (one that is down or drops does not stop the
 * others; each link reconnects until stopped). Parsers for Sentinel messages are pure.
 */
import { UserError } from '../core/errors.js';
import type { RespValue } from '../core/resp/index.js';
import { RespConn } from './conn.js';
import { type Endpoint, formatEndpoint } from './endpoint.js';
import { type ConnectSettings, connectFailureMessage } from './handshake.js';

export interface SentinelMessage {
  /** Date.now() when it arrived. */
  atMs: number;
  sentinel: Endpoint;
  channel: string;
  message: string;
}

/** A pub/sub message (`pmessage` or `message`) as channel and text; null for anything else. Pure. */
export function parsePubSubMessage(v: RespValue): { channel: string; message: string } | null {
  if (!Array.isArray(v)) return null;
  const kind = String(v[0]);
  if (kind === 'pmessage' && v.length === 4) return { channel: String(v[2]), message: String(v[3]) };
  if (kind === 'message' && v.length === 3) return { channel: String(v[1]), message: String(v[2]) };
  return null;
}

/**
 * The instance a Sentinel message names: `<type> <name> <ip> <port> @ <master> <ip> <port>`
 * or, for +switch-master, `<master> <old-ip> <old-port> <new-ip> <new-port>` (→ the new one).
 */
export function messageAddress(channel: string, message: string): Endpoint | null {
  if (channel === '+switch-master') return parseSwitchMaster(message)?.to ?? null;
  const w = message.split(' ');
  if (w.length >= 4 && /^\d+$/.test(w[3] as string)) return { host: w[2] as string, port: Number(w[3]) };
  return null;
}

/** `+switch-master` text: `<master-name> <old-ip> <old-port> <new-ip> <new-port>`. Null when malformed. Pure. */
export function parseSwitchMaster(message: string): { masterName: string; from: Endpoint; to: Endpoint } | null {
  const w = message.split(' ');
  if (w.length < 5 || !/^\d+$/.test(w[2] as string) || !/^\d+$/.test(w[4] as string)) return null;
  return {
    masterName: w[0] as string,
    from: { host: w[1] as string, port: Number(w[2]) },
    to: { host: w[3] as string, port: Number(w[4]) },
  };
}

/** Connection settings for a Sentinel: its own password (if any), no ACL user, no database, the target's TLS and local address. */
export function sentinelSettings(s: ConnectSettings, sentinelPassword?: string): ConnectSettings {
  return { tls: s.tls, password: sentinelPassword, connectTimeoutMs: s.connectTimeoutMs, hints: s.hints, localAddress: s.localAddress };
}

/** Ask the Sentinels in turn which node is the master of `masterName`; the first answer wins. */
export async function askMaster(sentinels: Endpoint[], masterName: string, s: ConnectSettings): Promise<Endpoint> {
  const failures: string[] = [];
  for (const at of sentinels) {
    let conn: RespConn | null = null;
    try {
      conn = await RespConn.open(at, s);
      const r = await conn.call(['SENTINEL', 'get-master-addr-by-name', masterName]);
      if (Array.isArray(r) && r.length === 2) return { host: String(r[0]), port: Number(String(r[1])) };
      failures.push(`${formatEndpoint(at)} does not monitor a master named '${masterName}'`);
    } catch (e) {
      failures.push(connectFailureMessage(e, `sentinel ${formatEndpoint(at)}`, s.hints));
    } finally {
      conn?.close();
    }
  }
  throw new UserError(`no Sentinel named a master '${masterName}': ${failures.join('; ')}`);
}

export interface SentinelSubscription {
  /** Sentinels whose subscription is up now. */
  readonly up: ReadonlySet<string>;
  stop(): void;
}

export interface SubscribeOptions {
  /** PSUBSCRIBE pattern (default '*'), or `channel` for SUBSCRIBE. */
  pattern?: string;
  channel?: string;
  onMessage: (m: SentinelMessage) => void;
  /** A link came up (subscribed) or went down. */
  onLink?: (sentinel: Endpoint, up: boolean) => void;
  /** Reconnect delay, doubling from 50 ms up to this (default 1000 ms). */
  maxRetryMs?: number;
}

/** Subscribe on every Sentinel; each link reconnects (backoff) after a drop until stop(). */
export function subscribeSentinels(sentinels: Endpoint[], s: ConnectSettings, o: SubscribeOptions): SentinelSubscription {
  let stopped = false;
  const conns = new Set<RespConn>();
  const timers = new Set<NodeJS.Timeout>();
  const up = new Set<string>();
  const subscribe = o.channel ? ['SUBSCRIBE', o.channel] : ['PSUBSCRIBE', o.pattern ?? '*'];
  const link = (at: Endpoint, delay: number) => {
    const retry = () => {
      if (stopped) return;
      const t = setTimeout(() => {
        timers.delete(t);
        link(at, Math.min(delay * 2, o.maxRetryMs ?? 1000));
      }, delay);
      t.unref();
      timers.add(t);
    };
    RespConn.open(at, s, Math.min(s.connectTimeoutMs ?? 2000, 2000)).then(
      (conn) => {
        if (stopped) {
          conn.close();
          return;
        }
        conns.add(conn);
        conn.onPush = (v) => {
          const m = parsePubSubMessage(v);
          if (m && !m.channel.startsWith('__')) o.onMessage({ atMs: Date.now(), sentinel: at, ...m });
        };
        conn.onClose(() => {
          conns.delete(conn);
          if (up.delete(formatEndpoint(at))) o.onLink?.(at, false);
          retry();
        });
        conn.send(subscribe, (err) => {
          if (err || stopped) return;
          delay = 50;
          up.add(formatEndpoint(at));
          o.onLink?.(at, true);
        });
      },
      () => retry(),
    );
  };
  for (const at of sentinels) link(at, 50);
  return {
    up,
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of conns) c.close();
      conns.clear();
      up.clear();
    },
  };
}
