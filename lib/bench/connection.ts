/**
 * Bench's connections, opened by the one Redis connection layer (lib/redis): redis-benchmark's
 * flags become ConnectSettings; failures name bench's flags. The hot path reads the raw
 * socket through `RawConn.onBytes` (one reused buffer, no stream machinery).
 */
import type { RespValue } from '../core/resp/index.js';
import { type ConnectSettings, connectOrExplain, type Endpoint, exchange, type FlagHints, type RawConn } from '../redis/index.js';
import type { BenchOptions } from './options.js';

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

export const BENCH_HINTS: FlagHints = { address: '-h/-p/-s', auth: '-a/--user', tls: '--tls', db: '--dbnum', cluster: '--cluster' };

/** redis-benchmark's connection flags as the connection layer's settings. */
export function benchSettings(o: ConnectOptions): ConnectSettings {
  return {
    user: o.user,
    password: o.password,
    db: o.dbnum,
    resp3: o.resp3,
    tracking: o.enableTracking,
    tls: o.tls
      ? {
          caFile: o.cacert,
          caDir: o.cacertdir,
          certFile: o.cert,
          keyFile: o.key,
          insecure: o.insecure,
          servername: o.sni,
          ciphers: o.tlsCiphers,
          ciphersuites: o.tlsCiphersuites,
        }
      : undefined,
    connectTimeoutMs: 5000,
    hints: BENCH_HINTS,
  };
}

/** Connect and run the handshake; a refused AUTH, SELECT etc. becomes one clear line. */
export function connect(e: Endpoint, o: ConnectOptions): Promise<RawConn> {
  return connectOrExplain(e, benchSettings(o));
}

/** CONFIG GET save/appendonly for the report header; null when the server refuses. */
export async function hostConfig(e: Endpoint, o: ConnectOptions): Promise<{ save: string; appendonly: string } | null> {
  let conn: RawConn | undefined;
  try {
    conn = await connect(e, { ...o, enableTracking: false });
    const [save, aof] = await exchange(conn, [
      ['CONFIG', 'GET', 'save'],
      ['CONFIG', 'GET', 'appendonly'],
    ]);
    const val = (v: RespValue | undefined) => (Array.isArray(v) && v.length >= 2 ? String(v[1]) : null);
    const s = val(save);
    const a = val(aof);
    return s === null || a === null ? null : { save: s, appendonly: a };
  } catch {
    return null;
  } finally {
    conn?.sock.destroy();
  }
}
