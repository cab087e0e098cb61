/** Small readiness probes that do not retry or log (unlike ioredis or undici defaults). */
import { connect } from 'node:net';
import { request } from 'undici';
import { encodeCommand } from '../core/resp/encode.js';
import { ReplyError, ReplyReader, type RespValue } from '../core/resp/reader.js';

/** Send one command (after optional AUTH) and return its reply; rejects on timeout. */
export function redisOnce(
  port: number,
  args: string[],
  opts: { host?: string; password?: string; user?: string; timeoutMs?: number } = {},
): Promise<RespValue> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port });
    const replies: RespValue[] = [];
    const want = opts.password ? 2 : 1;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no reply from ${host}:${port} in ${opts.timeoutMs ?? 1000} ms`));
    }, opts.timeoutMs ?? 1000);
    const reader = new ReplyReader({
      keepValues: true,
      onReply: () => {},
      onValue: (v) => {
        replies.push(v);
        if (replies.length === want) {
          clearTimeout(timer);
          sock.destroy();
          const last = replies[want - 1] as RespValue;
          const auth = want === 2 ? replies[0] : null;
          if (auth instanceof ReplyError) reject(auth);
          else resolve(last);
        }
      },
    });
    sock.on('data', (d) => reader.feed(d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('connect', () => {
      if (opts.password) {
        sock.write(encodeCommand(opts.user ? ['AUTH', opts.user, opts.password] : ['AUTH', opts.password]));
      }
      sock.write(encodeCommand(args));
    });
  });
}

/** True when the server answers PING with PONG (not LOADING, not an error). */
export async function redisPingOk(port: number, opts: { host?: string; password?: string; user?: string } = {}): Promise<boolean> {
  const r = await redisOnce(port, ['PING'], { ...opts, timeoutMs: 500 });
  return r === 'PONG';
}

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
