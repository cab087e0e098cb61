/**
 * Raw connections for the hot path: TCP, unix socket or TLS, Nagle off, then a handshake
 * (HELLO 3 / AUTH / SELECT / CLIENT TRACKING / PING) whose failures become one-line
 * UserErrors. Also a tiny request helper for control commands (CLUSTER SLOTS, CONFIG GET).
 */
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { UserError } from '../core/errors.js';
import { encodeCommand, ReplyError, ReplyReader, type RespValue } from '../core/resp/index.js';
import type { BenchOptions } from './options.js';

export interface Endpoint {
  host: string;
  port: number;
  socket?: string;
}

export type ConnectOptions = Pick<
  BenchOptions,
  | 'password'
  | 'user'
  | 'dbnum'
  | 'resp3'
  | 'enableTracking'
  | 'tls'
  | 'sni'
  | 'cacert'
  | 'cacertdir'
  | 'insecure'
  | 'cert'
  | 'key'
  | 'tlsCiphers'
  | 'tlsCiphersuites'
>;

export const describeEndpoint = (e: Endpoint) => (e.socket ? e.socket : `${e.host}:${e.port}`);

function tlsOptions(o: ConnectOptions, e: Endpoint): tls.ConnectionOptions {
  const ca: Buffer[] = [];
  if (o.cacert) ca.push(readFileSync(o.cacert));
  if (o.cacertdir) for (const f of readdirSync(o.cacertdir)) if (/\.(pem|crt)$/.test(f)) ca.push(readFileSync(join(o.cacertdir, f)));
  return {
    host: e.host,
    port: e.port,
    servername: o.sni ?? (net.isIP(e.host) ? undefined : e.host),
    ca: ca.length ? ca : undefined,
    cert: o.cert ? readFileSync(o.cert) : undefined,
    key: o.key ? readFileSync(o.key) : undefined,
    rejectUnauthorized: !o.insecure,
    ciphers: o.tlsCiphers,
    ...(o.tlsCiphersuites ? { ciphers: [o.tlsCiphers, o.tlsCiphersuites].filter(Boolean).join(':') } : {}),
  };
}

/**
 * A connection whose incoming bytes go to `onBytes(buf, n)`. Plain TCP and unix sockets
 * read into one reused 64 KiB buffer (net's `onread`, no stream machinery, no allocation
 * per read); TLS goes through 'data' events. `buf` is only valid during the call.
 */
export interface RawConn {
  sock: net.Socket;
  onBytes: (buf: Buffer, n: number) => void;
}

const ignore = () => {};

/** Open a socket (no handshake). Rejects with a UserError naming the endpoint. */
export function openSocket(e: Endpoint, o: ConnectOptions, timeoutMs = 5000): Promise<RawConn> {
  return new Promise((resolve, reject) => {
    let sock: net.Socket;
    const conn: RawConn = { sock: undefined as unknown as net.Socket, onBytes: ignore };
    const onread = {
      buffer: Buffer.allocUnsafe(64 * 1024),
      callback: (n: number, buf: Uint8Array) => {
        conn.onBytes(buf as Buffer, n);
        return true;
      },
    };
    try {
      sock = o.tls
        ? tls.connect(tlsOptions(o, e))
        : e.socket
          ? net.connect({ path: e.socket, onread })
          : net.connect({ host: e.host, port: e.port, onread });
      conn.sock = sock;
      if (o.tls) sock.on('data', (chunk: Buffer) => conn.onBytes(chunk, chunk.length));
    } catch (err) {
      reject(new UserError(`cannot connect to ${describeEndpoint(e)}: ${(err as Error).message}`));
      return;
    }
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new UserError(`cannot connect to ${describeEndpoint(e)}: timed out after ${timeoutMs} ms (check -h/-p and that redis-server runs)`),
      );
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      sock.destroy();
      const why = err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'ENOTFOUND' ? 'unknown host' : err.message;
      reject(new UserError(`cannot connect to ${describeEndpoint(e)}: ${why} (check -h/-p/-s and that redis-server runs)`));
    };
    sock.once('error', onError);
    sock.once(o.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      sock.off('error', onError);
      sock.setNoDelay(true);
      resolve(conn);
    });
  });
}

/** Send commands on an idle socket and collect their replies (errors as ReplyError values). */
export function request(conn: RawConn, commands: ReadonlyArray<ReadonlyArray<string | Buffer>>, timeoutMs = 10_000): Promise<RespValue[]> {
  const sock = conn.sock;
  return new Promise((resolve, reject) => {
    const values: RespValue[] = [];
    const reader = new ReplyReader({ onReply: () => {}, keepValues: true, onValue: (v) => values.push(v) });
    const done = (err?: Error) => {
      clearTimeout(timer);
      conn.onBytes = ignore;
      sock.off('error', onError);
      sock.off('close', onClose);
      if (err) reject(err);
      else resolve(values);
    };
    const onData = (buf: Buffer, n: number) => {
      try {
        reader.feed(buf.subarray(0, n));
      } catch (err) {
        done(err as Error);
        return;
      }
      if (values.length >= commands.length) done();
    };
    const onError = (err: Error) => done(new UserError(`connection error: ${err.message}`));
    const onClose = () => done(new UserError('the server closed the connection during setup'));
    const timer = setTimeout(() => done(new UserError(`no reply within ${timeoutMs} ms`)), timeoutMs);
    conn.onBytes = onData;
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
  });
}

/** The setup commands every benchmark connection sends first. */
export function handshakeCommands(o: ConnectOptions): string[][] {
  const cmds: string[][] = [];
  if (o.resp3) {
    const hello = ['HELLO', '3'];
    if (o.password !== undefined) hello.push('AUTH', o.user ?? 'default', o.password);
    cmds.push(hello);
  } else if (o.password !== undefined) cmds.push(o.user !== undefined ? ['AUTH', o.user, o.password] : ['AUTH', o.password]);
  if (o.dbnum) cmds.push(['SELECT', String(o.dbnum)]);
  if (o.enableTracking) cmds.push(['CLIENT', 'TRACKING', 'on']);
  cmds.push(['PING']);
  return cmds;
}

/** Connect and run the handshake; a refused AUTH, SELECT etc. becomes one clear line. */
export async function connect(e: Endpoint, o: ConnectOptions): Promise<RawConn> {
  const conn = await openSocket(e, o);
  const sock = conn.sock;
  const cmds = handshakeCommands(o);
  let replies: RespValue[];
  try {
    replies = await request(conn, cmds);
  } catch (err) {
    sock.destroy();
    throw err;
  }
  for (let i = 0; i < cmds.length; i++) {
    const r = replies[i];
    if (!(r instanceof ReplyError)) continue;
    sock.destroy();
    const what = (cmds[i] as string[])[0] as string;
    const msg = r.message;
    if (/^(WRONGPASS|ERR invalid password|ERR AUTH)/.test(msg) || (what === 'HELLO' && /WRONGPASS|invalid/.test(msg)))
      throw new UserError(`authentication failed on ${describeEndpoint(e)}: ${msg.split('\n')[0]} (check -a/--user)`);
    if (msg.startsWith('NOAUTH'))
      throw new UserError(`${describeEndpoint(e)} requires a password: pass it with -a (and --user for ACL users)`);
    throw new UserError(`${what} failed on ${describeEndpoint(e)}: ${msg}`);
  }
  return conn;
}

/** CONFIG GET save/appendonly for the report header; null when the server refuses. */
export async function hostConfig(e: Endpoint, o: ConnectOptions): Promise<{ save: string; appendonly: string } | null> {
  let conn: RawConn | undefined;
  try {
    conn = await connect(e, { ...o, enableTracking: false });
    const [save, aof] = await request(conn, [
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'GET', 'appendonly'],
    ]);
    const val = (v: RespValue) => {
      if (Array.isArray(v) && v.length >= 2) return String(v[1]);
      return null;
    };
    const s = val(save as RespValue);
    const a = val(aof as RespValue);
    return s === null || a === null ? null : { save: s, appendonly: a };
  } catch {
    return null;
  } finally {
    conn?.sock.destroy();
  }
}
