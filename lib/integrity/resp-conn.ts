/**
 * A small pipelined RESP connection over a raw socket (TCP or TLS) for write, audit and
 * verify: commands are encoded straight into an output buffer, flushed once per tick,
 * and replies are matched FIFO to callbacks through the allocation-light ReplyReader.
 * No retries, no offline queue: a lost connection fails every pending callback with a
 * ConnectionError, and the caller decides (the writer records those as "unknown").
 */

import { readFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions as TlsConnectOptions, connect as tlsConnect } from 'node:tls';
import { UserError } from '../core/errors.js';
import { encodedLength, ReplyError, ReplyReader, type RespValue, writeCommand } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint, type Target, type TlsSettings } from './connection.js';

/** The connection failed or was lost; `kind` is ECONNREFUSED, ECONNRESET, TIMEOUT, CLOSED, ... */
export class ConnectionError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

export type ReplyCallback = (err: ConnectionError | null, value: RespValue) => void;

export interface OpenOptions {
  timeoutMs?: number;
  /** Use these credentials instead of the target's (Sentinels have their own). */
  auth?: { user?: string; password?: string } | null;
  /** SELECT this db (default: the target's). */
  db?: number;
  /** Do not use TLS even if the target does. */
  plain?: boolean;
}

/** The error kind of a reply error or a connection error: READONLY, LOADING, MOVED, ECONNREFUSED, TIMEOUT, ... */
export function errorKind(err: unknown): string {
  if (err instanceof ConnectionError) return err.kind;
  const msg = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const first = /^([A-Z][A-Z_]+)\b/.exec(msg)?.[1];
  return first ?? 'ERR';
}

function tlsOptions(t: TlsSettings, host: string): TlsConnectOptions {
  return {
    host,
    servername: t.servername ?? (/^[\d.:]+$/.test(host) ? undefined : host),
    rejectUnauthorized: !t.insecure,
    ca: t.caFile ? readFileSync(t.caFile) : undefined,
    cert: t.certFile ? readFileSync(t.certFile) : undefined,
    key: t.keyFile ? readFileSync(t.keyFile) : undefined,
  };
}

export class RespConn {
  private readonly sock: Socket;
  private readonly reader: ReplyReader;
  private readonly queue: Array<ReplyCallback | undefined> = [];
  private head = 0;
  private out: Buffer = Buffer.allocUnsafe(64 * 1024);
  private outLen = 0;
  private flushScheduled = false;
  private closedWith: ConnectionError | null = null;
  private closeListeners: Array<(err: ConnectionError) => void> = [];
  readonly endpoint: Endpoint;

  private constructor(sock: Socket, endpoint: Endpoint) {
    this.sock = sock;
    this.endpoint = endpoint;
    this.reader = new ReplyReader({
      keepValues: true,
      onReply: () => {},
      onValue: (v) => {
        const cb = this.queue[this.head];
        this.queue[this.head++] = undefined;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        cb?.(null, v);
      },
    });
    sock.on('data', (d: Buffer) => {
      try {
        this.reader.feed(d);
      } catch (e) {
        this.fail(new ConnectionError('PROTOCOL', e instanceof Error ? e.message : String(e)));
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) =>
      this.fail(new ConnectionError(e.code ?? 'ESOCKET', `${formatEndpoint(endpoint)}: ${e.message}`)),
    );
    sock.on('close', () => this.fail(new ConnectionError('CLOSED', `${formatEndpoint(endpoint)}: connection closed`)));
  }

  /** Connect, AUTH and SELECT; rejects with a ConnectionError or a UserError (bad password). */
  static async open(endpoint: Endpoint, target: Target, o: OpenOptions = {}): Promise<RespConn> {
    const timeoutMs = o.timeoutMs ?? target.connectTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    const sock = await rawConnect(endpoint, target, { timeoutMs, plain: o.plain });
    const conn = new RespConn(sock, endpoint);
    const auth = o.auth === undefined ? { user: target.user, password: target.password } : o.auth;
    const db = o.db ?? target.db;
    const steps: Promise<unknown>[] = [];
    if (auth?.password) steps.push(conn.call(auth.user ? ['AUTH', auth.user, auth.password] : ['AUTH', auth.password]));
    if (db) steps.push(conn.call(['SELECT', String(db)]));
    steps.push(conn.call(['PING']));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectionError('TIMEOUT', `${formatEndpoint(endpoint)}: no reply to the handshake within ${timeoutMs} ms`)),
        Math.max(1, deadline - Date.now()),
      );
    });
    try {
      await Promise.race([Promise.all(steps), timeout]);
      return conn;
    } catch (e) {
      conn.close();
      throw handshakeError(e, endpoint);
    } finally {
      clearTimeout(timer);
    }
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }
  /** Commands sent (or buffered) whose reply has not arrived. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  onClose(fn: (err: ConnectionError) => void): void {
    if (this.closedWith) fn(this.closedWith);
    else this.closeListeners.push(fn);
  }

  /** Queue a command; `cb` gets the reply (a ReplyError value for `-ERR` replies) or a ConnectionError. */
  send(args: ReadonlyArray<string | Buffer>, cb: ReplyCallback): void {
    if (this.closedWith) {
      const err = this.closedWith;
      queueMicrotask(() => cb(err, null));
      return;
    }
    const need = encodedLength(args);
    if (this.outLen + need > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLen + need));
      this.out.copy(grown, 0, 0, this.outLen);
      this.out = grown;
    }
    this.outLen = writeCommand(this.out, this.outLen, args);
    this.queue.push(cb);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** Queue one command already encoded as RESP (see encodeArgs). */
  sendEncoded(cmd: Buffer, cb: ReplyCallback): void {
    if (this.closedWith) {
      const err = this.closedWith;
      queueMicrotask(() => cb(err, null));
      return;
    }
    if (this.outLen + cmd.length > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLen + cmd.length));
      this.out.copy(grown, 0, 0, this.outLen);
      this.out = grown;
    }
    this.out.set(cmd, this.outLen);
    this.outLen += cmd.length;
    this.queue.push(cb);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** sendEncoded and await; rejects on a reply error or connection error. */
  callEncoded(cmd: Buffer): Promise<RespValue> {
    return new Promise((resolve, reject) => {
      this.sendEncoded(cmd, (err, v) => {
        if (err) reject(err);
        else if (v instanceof ReplyError) reject(v);
        else resolve(v);
      });
    });
  }

  /** Send and await; rejects on a reply error or connection error. */
  call(args: ReadonlyArray<string | Buffer>): Promise<RespValue> {
    return new Promise((resolve, reject) => {
      this.send(args, (err, v) => {
        if (err) reject(err);
        else if (v instanceof ReplyError) reject(v);
        else resolve(v);
      });
    });
  }

  /** Write buffered commands now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.outLen === 0 || this.closedWith) return;
    const chunk = Buffer.from(this.out.subarray(0, this.outLen));
    this.outLen = 0;
    if (this.out.length > 1024 * 1024) this.out = Buffer.allocUnsafe(64 * 1024);
    this.sock.write(chunk);
  }

  /** Bytes queued in the socket that the kernel has not taken yet. */
  get writableLength(): number {
    return this.sock.writableLength + this.outLen;
  }

  /** Close and fail pending callbacks with `err` (default CLOSED). */
  close(err?: ConnectionError): void {
    this.fail(err ?? new ConnectionError('CLOSED', `${formatEndpoint(this.endpoint)}: closed by client`));
  }

  private fail(err: ConnectionError): void {
    if (this.closedWith) return;
    this.closedWith = err;
    this.sock.destroy();
    const pending = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const cb of pending) cb?.(err, null);
    for (const l of this.closeListeners) l(err);
    this.closeListeners = [];
  }
}

/** Open a TCP or TLS socket (no handshake); rejects with a ConnectionError. */
export function rawConnect(endpoint: Endpoint, target: Target, o: { timeoutMs?: number; plain?: boolean } = {}): Promise<Socket> {
  const timeoutMs = o.timeoutMs ?? target.connectTimeoutMs;
  return new Promise<Socket>((resolve, reject) => {
    const useTls = target.tls && !o.plain;
    const sock = useTls
      ? tlsConnect({ port: endpoint.port, ...tlsOptions(target.tls as TlsSettings, endpoint.host) })
      : netConnect({ host: endpoint.host, port: endpoint.port });
    sock.setNoDelay(true);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ConnectionError('TIMEOUT', `${formatEndpoint(endpoint)}: no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      sock.destroy();
      reject(new ConnectionError(e.code ?? 'ESOCKET', `${formatEndpoint(endpoint)}: ${e.message}`));
    };
    sock.once('error', onError);
    sock.once(useTls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      sock.off('error', onError);
      resolve(sock);
    });
  });
}

/** A handshake reply error (AUTH, SELECT, PING) as the one line a user sees. */
export function handshakeError(e: unknown, endpoint: Endpoint): unknown {
  if (e instanceof ConnectionError || e instanceof UserError) return e;
  const kind = errorKind(e);
  const msg = String((e as Error).message);
  if (kind === 'WRONGPASS' || /invalid password|invalid username/i.test(msg))
    return new UserError(
      `authentication failed at ${formatEndpoint(endpoint)}: wrong password or user; check -a/--pass, --user or REDISCLI_AUTH`,
    );
  if (kind === 'NOAUTH')
    return new UserError(
      `${formatEndpoint(endpoint)} requires a password: add -a/--pass (or -u redis://:PASSWORD@host:port, or REDISCLI_AUTH)`,
    );
  if (/AUTH.*no password is set|without any password configured/i.test(msg))
    return new UserError(`${formatEndpoint(endpoint)} has no password set: drop -a/--pass (and REDISCLI_AUTH)`);
  if (/DB index is out of range/i.test(msg))
    return new UserError(`${formatEndpoint(endpoint)}: database index out of range: check the /db of -u`);
  return e;
}

/** Turn a connection failure at start into the one line a user sees. */
export function connectFailureMessage(err: unknown, what: string): string {
  if (err instanceof UserError) return err.message;
  const kind = errorKind(err);
  const msg = err instanceof Error ? err.message : String(err);
  const hint =
    kind === 'ECONNREFUSED'
      ? 'nothing listens there: check -h/-p, -u or that the server runs'
      : kind === 'TIMEOUT'
        ? 'no answer: check the address, a firewall, or TLS (--tls)'
        : kind === 'ENOTFOUND'
          ? 'unknown host: check -h or -u'
          : kind === 'NOAUTH'
            ? 'the server requires a password: add -a/--pass or set REDISCLI_AUTH'
            : 'check the connection options';
  return `cannot connect to ${what}: ${msg.replace(/^[^:]*:\d+: /, '')} (${kind}): ${hint}`;
}

/**
 * Run the handshake (AUTH, SELECT, PING) on a raw socket before a caller takes it over
 * for a counting pipe (fill). Resolves when every reply arrived and all were OK.
 */
export function handshakeRaw(sock: Socket, endpoint: Endpoint, target: Target, timeoutMs = target.connectTimeoutMs): Promise<void> {
  const cmds: string[][] = [];
  if (target.password) cmds.push(target.user ? ['AUTH', target.user, target.password] : ['AUTH', target.password]);
  if (target.db) cmds.push(['SELECT', String(target.db)]);
  cmds.push(['PING']);
  return new Promise<void>((resolve, reject) => {
    let got = 0;
    let failed: unknown = null;
    const timer = setTimeout(
      () => finish(new ConnectionError('TIMEOUT', `${formatEndpoint(endpoint)}: no reply to the handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err: unknown) => {
      clearTimeout(timer);
      sock.off('data', onData);
      sock.off('error', onError);
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve();
    };
    const reader = new ReplyReader({
      keepValues: true,
      onReply: () => {},
      onValue: (v) => {
        if (v instanceof ReplyError && failed === null) failed = handshakeError(v, endpoint);
        if (++got === cmds.length) finish(failed);
      },
    });
    const onData = (d: Buffer) => reader.feed(d);
    const onError = (e: NodeJS.ErrnoException) =>
      finish(new ConnectionError(e.code ?? 'ESOCKET', `${formatEndpoint(endpoint)}: ${e.message}`));
    sock.on('data', onData);
    sock.on('error', onError);
    sock.write(Buffer.concat(cmds.map((c) => encodeCommandArgs(c))));
  });
}

function encodeCommandArgs(args: string[]): Buffer {
  const b = Buffer.allocUnsafe(encodedLength(args));
  writeCommand(b, 0, args);
  return b;
}

function putUint(buf: Buffer, off: number, n: number): number {
  if (n < 10) {
    buf[off] = 48 + n;
    return off + 1;
  }
  const s = String(n);
  for (let i = 0; i < s.length; i++) buf[off + i] = s.charCodeAt(i);
  return off + s.length;
}

/**
 * Encode a command whose fixed head (e.g. EVAL script 0 mode) is followed by many keys,
 * in one allocation and without per-argument strings (verify's batches of 1000 keys).
 */
export function encodeArgs(head: ReadonlyArray<Buffer>, keys: ReadonlyArray<Buffer>): Buffer {
  const count = head.length + keys.length;
  let size = 1 + String(count).length + 2;
  for (const a of head) size += 1 + String(a.length).length + 2 + a.length + 2;
  for (const k of keys) size += 1 + String(k.length).length + 2 + k.length + 2;
  const b = Buffer.allocUnsafe(size);
  b[0] = 42;
  let o = putUint(b, 1, count);
  b[o++] = 13;
  b[o++] = 10;
  for (const list of [head, keys]) {
    for (const a of list) {
      b[o++] = 36;
      o = putUint(b, o, a.length);
      b[o++] = 13;
      b[o++] = 10;
      b.set(a, o);
      o += a.length;
      b[o++] = 13;
      b[o++] = 10;
    }
  }
  return b;
}
