/**
 * The one socket opener (TCP, unix socket or TLS; Nagle off) and a request/response
 * exchange on an idle socket. Incoming bytes go to `RawConn.onBytes(buf, n)`: plain TCP and
 * unix sockets read into one reused 64 KiB buffer (net's `onread`: no stream machinery, no
 * allocation per read), TLS through 'data' events. Hot paths (bench) set `onBytes` directly.
 */
import net from 'node:net';
import tls from 'node:tls';
import { encodeCommand, ReplyReader, type RespValue } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint } from './endpoint.js';
import { type TlsSettings, tlsOptions } from './tls.js';

/** The connection failed or was lost; `kind` is ECONNREFUSED, ECONNRESET, TIMEOUT, CLOSED, CERT, ... */
export class ConnectionError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

/** The error kind of a reply error or a connection error: READONLY, LOADING, MOVED, ECONNREFUSED, TIMEOUT, ... */
export function errorKind(err: unknown): string {
  if (err instanceof ConnectionError) return err.kind;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return /^([A-Z][A-Z_]+)\b/.exec(msg)?.[1] ?? 'ERR';
}

/** A socket whose incoming bytes go to `onBytes(buf, n)`; `buf` is only valid during the call. */
export interface RawConn {
  sock: net.Socket;
  endpoint: Endpoint;
  onBytes: (buf: Buffer, n: number) => void;
}

const ignore = () => {};

/** Open a socket (no handshake). Rejects with a ConnectionError naming the endpoint. */
export function openSocket(e: Endpoint, o: { tls?: TlsSettings; timeoutMs?: number; localAddress?: string } = {}): Promise<RawConn> {
  const timeoutMs = o.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const conn: RawConn = { sock: undefined as unknown as net.Socket, endpoint: e, onBytes: ignore };
    const onread = {
      buffer: Buffer.allocUnsafe(64 * 1024),
      callback: (n: number, buf: Uint8Array) => {
        conn.onBytes(buf as Buffer, n);
        return true;
      },
    };
    let sock: net.Socket;
    try {
      const local = o.localAddress !== undefined && !e.socket ? { localAddress: o.localAddress } : {};
      sock = o.tls
        ? tls.connect({ ...tlsOptions(o.tls, e), ...local })
        : e.socket
          ? net.connect({ path: e.socket, onread })
          : net.connect({ host: e.host, port: e.port, onread, ...local });
    } catch (err) {
      reject(new ConnectionError('ESOCKET', `${formatEndpoint(e)}: ${(err as Error).message}`));
      return;
    }
    conn.sock = sock;
    if (o.tls) sock.on('data', (chunk: Buffer) => conn.onBytes(chunk, chunk.length));
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ConnectionError('TIMEOUT', `${formatEndpoint(e)}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      sock.destroy();
      reject(new ConnectionError(err.code ?? 'ESOCKET', `${formatEndpoint(e)}: ${err.message}`));
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

/**
 * Send commands on an idle socket and collect one reply each (errors as ReplyError values).
 * Rejects with a ConnectionError when the socket fails, closes or does not answer in time.
 */
export function exchange(conn: RawConn, commands: ReadonlyArray<ReadonlyArray<string | Buffer>>, timeoutMs = 10_000): Promise<RespValue[]> {
  const { sock, endpoint } = conn;
  return new Promise((resolve, reject) => {
    const values: RespValue[] = [];
    const reader = new ReplyReader({ onReply: ignore, keepValues: true, onValue: (v) => values.push(v) });
    const done = (err?: Error) => {
      clearTimeout(timer);
      conn.onBytes = ignore;
      sock.off('error', onError);
      sock.off('close', onClose);
      if (err) reject(err);
      else resolve(values);
    };
    const onError = (err: NodeJS.ErrnoException) =>
      done(new ConnectionError(err.code ?? 'ESOCKET', `${formatEndpoint(endpoint)}: ${err.message}`));
    const onClose = () => done(new ConnectionError('CLOSED', `${formatEndpoint(endpoint)}: the server closed the connection`));
    const timer = setTimeout(
      () => done(new ConnectionError('TIMEOUT', `${formatEndpoint(endpoint)}: no reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    conn.onBytes = (buf, n) => {
      try {
        reader.feed(buf.subarray(0, n));
      } catch (err) {
        done(new ConnectionError('PROTOCOL', `${formatEndpoint(endpoint)}: ${(err as Error).message}`));
        return;
      }
      if (values.length >= commands.length) done();
    };
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
  });
}
