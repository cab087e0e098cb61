/**
 * A pipelined RESP connection (TCP, unix socket or TLS) for control and integrity work:
 * commands are encoded straight into an output buffer, flushed once per tick, and replies
 * are matched FIFO to callbacks. Pub/sub messages (no pending callback) go to `onPush`.
 * No retries, no offline queue: a lost connection fails every pending callback with a
 * ConnectionError, and the caller decides (the writer records those as "unknown").
 */
import { encodedLength, ReplyError, ReplyReader, type RespValue, writeCommand, writeUint } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint } from './endpoint.js';
import { type ConnectSettings, connectRaw } from './handshake.js';
import { ConnectionError, type RawConn } from './socket.js';

export type ReplyCallback = (err: ConnectionError | null, value: RespValue) => void;

export class RespConn {
  private readonly raw: RawConn;
  private readonly reader: ReplyReader;
  private readonly queue: Array<ReplyCallback | undefined> = [];
  private head = 0;
  private out: Buffer = Buffer.allocUnsafe(64 * 1024);
  private outLen = 0;
  private flushScheduled = false;
  private closedWith: ConnectionError | null = null;
  private closeListeners: Array<(err: ConnectionError) => void> = [];
  /** Replies nobody asked for: pub/sub messages. */
  onPush: ((v: RespValue) => void) | null = null;
  readonly endpoint: Endpoint;

  /** Wrap a socket whose handshake is done. */
  constructor(raw: RawConn) {
    this.raw = raw;
    this.endpoint = raw.endpoint;
    const where = formatEndpoint(raw.endpoint);
    this.reader = new ReplyReader({
      keepValues: true,
      onReply: () => {},
      onValue: (v) => {
        if (this.head >= this.queue.length) {
          this.onPush?.(v);
          return;
        }
        const cb = this.queue[this.head];
        this.queue[this.head++] = undefined;
        if (this.head > 4096 && this.head * 2 > this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        cb?.(null, v);
      },
    });
    raw.onBytes = (buf, n) => {
      try {
        this.reader.feed(buf.subarray(0, n));
      } catch (e) {
        this.fail(new ConnectionError('PROTOCOL', `${where}: ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    raw.sock.on('error', (e: NodeJS.ErrnoException) => this.fail(new ConnectionError(e.code ?? 'ESOCKET', `${where}: ${e.message}`)));
    raw.sock.on('close', () => this.fail(new ConnectionError('CLOSED', `${where}: connection closed`)));
  }

  /** Connect and run the handshake; rejects with a ConnectionError (unreachable) or a UserError (refused). */
  static async open(endpoint: Endpoint, s: ConnectSettings, timeoutMs = s.connectTimeoutMs ?? 5000): Promise<RespConn> {
    return new RespConn(await connectRaw(endpoint, s, timeoutMs));
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  onClose(fn: (err: ConnectionError) => void): void {
    if (this.closedWith) fn(this.closedWith);
    else this.closeListeners.push(fn);
  }

  private reserve(need: number): void {
    if (this.outLen + need <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.outLen + need));
    this.out.copy(grown, 0, 0, this.outLen);
    this.out = grown;
  }

  /**
   * Queue a command, given as its arguments or already encoded as RESP (see encodeArgs); `cb`
   * gets the reply (a ReplyError value for `-ERR` replies) or a ConnectionError.
   */
  send(cmd: ReadonlyArray<string | Buffer> | Buffer, cb: ReplyCallback): void {
    if (this.closedWith) {
      const err = this.closedWith;
      queueMicrotask(() => cb(err, null));
      return;
    }
    if (Buffer.isBuffer(cmd)) {
      this.reserve(cmd.length);
      this.out.set(cmd, this.outLen);
      this.outLen += cmd.length;
    } else {
      this.reserve(encodedLength(cmd));
      this.outLen = writeCommand(this.out, this.outLen, cmd);
    }
    this.queue.push(cb);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  /** Send and await; rejects on a reply error or connection error. */
  call(cmd: ReadonlyArray<string | Buffer> | Buffer): Promise<RespValue> {
    return new Promise((resolve, reject) =>
      this.send(cmd, (err, v) => (err ? reject(err) : v instanceof ReplyError ? reject(v) : resolve(v))),
    );
  }

  /** Write buffered commands now. */
  flush(): void {
    this.flushScheduled = false;
    if (this.outLen === 0 || this.closedWith) return;
    const chunk = Buffer.from(this.out.subarray(0, this.outLen));
    this.outLen = 0;
    if (this.out.length > 1024 * 1024) this.out = Buffer.allocUnsafe(64 * 1024);
    this.raw.sock.write(chunk);
  }

  /** Close and fail pending callbacks with `err` (default CLOSED). */
  close(err?: ConnectionError): void {
    this.fail(err ?? new ConnectionError('CLOSED', `${formatEndpoint(this.endpoint)}: closed by client`));
  }

  private fail(err: ConnectionError): void {
    if (this.closedWith) return;
    this.closedWith = err;
    this.raw.sock.destroy();
    const pending = this.queue.slice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const cb of pending) cb?.(err, null);
    for (const l of this.closeListeners) l(err);
    this.closeListeners = [];
  }
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
  let o = writeUint(b, 1, count);
  b[o++] = 13;
  b[o++] = 10;
  for (const list of [head, keys]) {
    for (const a of list) {
      b[o++] = 36;
      o = writeUint(b, o, a.length);
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
