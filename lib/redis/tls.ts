/** TLS settings of a connection and the node:tls options they become. */
import { readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Endpoint } from './endpoint.js';

export interface TlsSettings {
  /** PEM file of the CA to trust (default: the system's). */
  caFile?: string;
  /** A directory of CA files (*.pem, *.crt) to trust. */
  caDir?: string;
  certFile?: string;
  keyFile?: string;
  /** Skip certificate verification (self-signed test setups). */
  insecure?: boolean;
  /** SNI name (default: the host when it is a name). */
  servername?: string;
  /** TLS 1.2 cipher list and TLS 1.3 cipher suites (OpenSSL syntax). */
  ciphers?: string;
  ciphersuites?: string;
}

/** The files named by the settings that cannot be read, as `flag: cannot read FILE` lines. */
export function unreadableTlsFiles(t: TlsSettings, flags: { ca: string; cert: string; key: string }): string[] {
  const out: string[] = [];
  for (const [flag, file] of [
    [flags.ca, t.caFile],
    [flags.cert, t.certFile],
    [flags.key, t.keyFile],
  ] as const) {
    if (file === undefined) continue;
    try {
      readFileSync(file);
    } catch {
      out.push(`${flag}: cannot read ${file}`);
    }
  }
  return out;
}

export function tlsOptions(t: TlsSettings, e: Endpoint): ConnectionOptions {
  const ca: Buffer[] = [];
  if (t.caFile) ca.push(readFileSync(t.caFile));
  if (t.caDir) for (const f of readdirSync(t.caDir)) if (/\.(pem|crt)$/.test(f)) ca.push(readFileSync(join(t.caDir, f)));
  const ciphers = [t.ciphers, t.ciphersuites].filter(Boolean).join(':');
  return {
    host: e.host,
    port: e.port,
    servername: t.servername ?? (isIP(e.host) ? undefined : e.host),
    ca: ca.length ? ca : undefined,
    cert: t.certFile ? readFileSync(t.certFile) : undefined,
    key: t.keyFile ? readFileSync(t.keyFile) : undefined,
    rejectUnauthorized: !t.insecure,
    ...(ciphers ? { ciphers } : {}),
  };
}
