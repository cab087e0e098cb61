/** How probes reach a topology's nodes and Sentinels: the ACL user, the password and TLS of the topology (started or attached). */
import type { OnceOptions } from '../redis/once.js';
import type { Topology } from './types.js';

type Auth = Pick<Topology, 'password' | 'username' | 'tls'>;

/** The topology's credentials and TLS, as every client connection to a data node carries them. */
export function topologyAuth(t: Auth): Pick<OnceOptions, 'password' | 'user' | 'tls'> {
  return { password: t.password, user: t.username, tls: t.tls };
}

/** redisOnce/redisInfo options for a data node of `t`. */
export function nodeAuth(t: Auth, n?: { host: string }): OnceOptions {
  return { host: n?.host, ...topologyAuth(t) };
}

/** redisOnce options for a Sentinel of `t` (Sentinels take no data-node credentials; TLS as the nodes). */
export function sentinelAuth(t: Pick<Topology, 'tls'>, s: { host: string }): OnceOptions {
  return { host: s.host, tls: t.tls };
}
