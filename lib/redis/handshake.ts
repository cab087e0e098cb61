/**
 * How to talk to a node once the socket is open: the one handshake (HELLO 3 or AUTH with an
 * ACL user, SELECT, CLIENT SETNAME, CLIENT TRACKING, PING) and the one-line messages a user
 * sees when the connection or the handshake fails. Messages name the flags of the command
 * that connects (`hints`), so each command suggests its own fix.
 */
import { UserError } from '../core/errors.js';
import { ReplyError } from '../core/resp/index.js';
import { type Endpoint, formatEndpoint } from './endpoint.js';
import { errorKind, exchange, openSocket, type RawConn } from './socket.js';
import type { TlsSettings } from './tls.js';

/**
 * The flags a command takes for each part of a connection, for messages: the address, the
 * credentials, TLS, the database, and the flag that says the target is a cluster.
 */
export const DEFAULT_HINTS = {
  address: '-h/-p',
  auth: '-a/--pass, --user or REDISCLI_AUTH',
  tls: '--tls',
  db: '-n/--db',
  cluster: '--cluster',
};
export type FlagHints = typeof DEFAULT_HINTS;

/** How to connect to a node: credentials, database, TLS, protocol. */
export interface ConnectSettings {
  /** ACL user (with password); unset = the default user. */
  user?: string;
  password?: string;
  db?: number;
  /** Unset = plain TCP. */
  tls?: TlsSettings;
  /** HELLO 3 (RESP3). */
  resp3?: boolean;
  /** CLIENT SETNAME. */
  clientName?: string;
  /** CLIENT TRACKING on. */
  tracking?: boolean;
  connectTimeoutMs?: number;
  hints?: FlagHints;
  /** The local address outgoing connections bind to (a client on its own side of an address partition); unset = the kernel's choice. */
  localAddress?: string;
}

/** The setup commands, in order (the last is PING). */
export function handshakeCommands(s: ConnectSettings): string[][] {
  const cmds: string[][] = [];
  if (s.resp3) {
    const hello = ['HELLO', '3'];
    if (s.password !== undefined) hello.push('AUTH', s.user ?? 'default', s.password);
    cmds.push(hello);
  } else if (s.password !== undefined) cmds.push(s.user !== undefined ? ['AUTH', s.user, s.password] : ['AUTH', s.password]);
  if (s.db) cmds.push(['SELECT', String(s.db)]);
  if (s.clientName) cmds.push(['CLIENT', 'SETNAME', s.clientName]);
  if (s.tracking) cmds.push(['CLIENT', 'TRACKING', 'on']);
  cmds.push(['PING']);
  return cmds;
}

/** A refused setup command as the one line a user sees. */
export function handshakeFailure(command: string, reply: ReplyError, e: Endpoint, hints: FlagHints = DEFAULT_HINTS): UserError {
  const where = formatEndpoint(e);
  const msg = reply.message.split('\n')[0] as string;
  if (/^NOAUTH/.test(msg)) return new UserError(`${where} requires a password: pass it with ${hints.auth}`);
  if (/no password is set|without any password configured/i.test(msg))
    return new UserError(`${where} has no password set: drop ${hints.auth}`);
  if (/^WRONGPASS|invalid password|invalid username/i.test(msg) || (command === 'AUTH' && /^ERR/.test(msg)))
    return new UserError(`authentication failed on ${where}: ${msg} (check ${hints.auth})`);
  if (/DB index is out of range/i.test(msg)) return new UserError(`${where}: database index out of range (check ${hints.db})`);
  return new UserError(`${command} failed on ${where}: ${msg}`);
}

/** A connection failure as the one line a user sees (`what` names the node, e.g. "sentinel 10.0.0.1:26379"). */
export function connectFailureMessage(err: unknown, what: string, hints: FlagHints = DEFAULT_HINTS): string {
  if (err instanceof UserError) return err.message;
  const kind = errorKind(err);
  const msg = (err instanceof Error ? err.message : String(err)).replace(/^[^ ]*:\d+: /, '');
  const hint =
    kind === 'ECONNREFUSED'
      ? `nothing listens there; check ${hints.address} and that the server runs`
      : kind === 'TIMEOUT'
        ? `no answer: check the address, a firewall, or TLS (${hints.tls})`
        : kind === 'ENOTFOUND'
          ? `unknown host: check ${hints.address}`
          : kind === 'ECONNRESET' || kind === 'CLOSED'
            ? `the server dropped the connection: a TLS port needs ${hints.tls}, a plain port none`
            : `check ${hints.address} and ${hints.tls}`;
  const text = kind === 'ECONNREFUSED' ? 'connection refused' : msg;
  return `cannot connect to ${what}: ${text} (${kind}): ${hint}`;
}

/** Open a socket and run the handshake. Rejects with a ConnectionError (unreachable) or a UserError (refused); the socket is destroyed on failure. */
export async function connectRaw(e: Endpoint, s: ConnectSettings, timeoutMs = s.connectTimeoutMs ?? 5000): Promise<RawConn> {
  const deadline = Date.now() + timeoutMs;
  const conn = await openSocket(e, { tls: s.tls, timeoutMs, localAddress: s.localAddress });
  const cmds = handshakeCommands(s);
  try {
    const replies = await exchange(conn, cmds, Math.max(1, deadline - Date.now()));
    const refused = replies.findIndex((r) => r instanceof ReplyError);
    if (refused >= 0) throw handshakeFailure((cmds[refused] as string[])[0] as string, replies[refused] as ReplyError, e, s.hints);
  } catch (err) {
    conn.sock.destroy();
    throw err;
  }
  return conn;
}

/** connectRaw() whose every failure is one UserError line naming the node and the fix. */
export async function connectOrExplain(e: Endpoint, s: ConnectSettings, what = formatEndpoint(e)): Promise<RawConn> {
  try {
    return await connectRaw(e, s);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(connectFailureMessage(err, what, s.hints));
  }
}
