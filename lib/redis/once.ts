/**
 * One command on a fresh connection (after AUTH with the ACL user, over TLS when given),
 * then close: the probes of topologies, drills and faults. No retries, no logging.
 */
import { ReplyError, type RespValue } from '../core/resp/index.js';
import type { Endpoint } from './endpoint.js';
import { exchange, openSocket } from './socket.js';
import type { TlsSettings } from './tls.js';

export interface OnceOptions {
  host?: string;
  password?: string;
  user?: string;
  tls?: TlsSettings;
  timeoutMs?: number;
}

/** Send one command and return its reply (a refused command as a ReplyError value); rejects when AUTH is refused or on timeout. */
export async function redisOnce(port: number, args: string[], o: OnceOptions = {}): Promise<RespValue> {
  const timeoutMs = o.timeoutMs ?? 1000;
  const e: Endpoint = { host: o.host ?? '127.0.0.1', port };
  const deadline = Date.now() + timeoutMs;
  const conn = await openSocket(e, { tls: o.tls, timeoutMs });
  try {
    const cmds = o.password ? [o.user ? ['AUTH', o.user, o.password] : ['AUTH', o.password], args] : [args];
    const replies = await exchange(conn, cmds, Math.max(1, deadline - Date.now()));
    if (o.password && replies[0] instanceof ReplyError) throw replies[0];
    return replies[replies.length - 1] as RespValue;
  } finally {
    conn.sock.destroy();
  }
}

/** True when the server answers PING with PONG (not LOADING, not an error). */
export async function redisPingOk(port: number, o: Omit<OnceOptions, 'timeoutMs'> = {}): Promise<boolean> {
  return (await redisOnce(port, ['PING'], { ...o, timeoutMs: 500 })) === 'PONG';
}
