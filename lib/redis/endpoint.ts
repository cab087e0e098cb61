/**
 * Where a Redis server (or Sentinel) listens: `host:port`, or a unix socket path. The one
 * shape of an address in stormdrill; parsed from `host:port` / `[v6]:port` text.
 */

export interface Endpoint {
  host: string;
  port: number;
  /** A unix socket path; when set, host and port only name it in messages. */
  socket?: string;
}

/** Parse `host:port` (IPv6 as `[::1]:6379`); the port may be left out when `defaultPort` is given. Null when malformed. */
export function parseHostPort(text: string, defaultPort?: number): Endpoint | null {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!m) return null;
  const port = m[2] !== undefined ? Number(m[2]) : defaultPort;
  if (port === undefined || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host: m[1] as string, port };
}

/** Parse a comma-separated `host:port` list; every malformed entry is named in `errors`. */
export function parseHostPortList(text: string, defaultPort?: number): { list: Endpoint[]; errors: string[] } {
  const list: Endpoint[] = [];
  const errors: string[] = [];
  for (const part of text.split(',').map((s) => s.trim())) {
    if (part === '') continue;
    const e = parseHostPort(part, defaultPort);
    if (e) list.push(e);
    else errors.push(`'${part}' must be host:port, e.g. 127.0.0.1:${defaultPort ?? 6379}`);
  }
  if (list.length === 0 && errors.length === 0) errors.push('no host:port given');
  return { list, errors };
}

/** `host:port`, `[v6]:port`, or the socket path. */
export function formatEndpoint(e: Endpoint): string {
  if (e.socket) return e.socket;
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.socket || b.socket ? a.socket === b.socket : a.host === b.host && a.port === b.port;
}
