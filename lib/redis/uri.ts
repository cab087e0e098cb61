/**
 * The one Redis URI parser: `redis://[user:password@]host:port[/db]`, `rediss://` (TLS),
 * `unix:/path/to/socket`, `redis-sentinel://[user:password@]host:port[,host:port...]/master`
 * and `redis-cluster://[user:password@]host:port[,host:port...]` (`rediss-` for TLS).
 * Credentials in a URI are the data nodes'; they are never printed (see redactUri).
 */
import { UserError } from '../core/errors.js';
import { type Endpoint, parseHostPort } from './endpoint.js';

export type RedisUriKind = 'direct' | 'sentinel' | 'cluster';

export interface RedisUri {
  kind: RedisUriKind;
  /** direct: the server (or socket); sentinel: the Sentinels; cluster: the seed nodes. */
  endpoints: Endpoint[];
  masterName?: string;
  tls: boolean;
  user?: string;
  password?: string;
  db?: number;
}

export const URI_FORMS = {
  direct: 'redis://host:port[/db] (user:password@ before the host if needed; rediss:// for TLS; or unix:/path)',
  sentinel: 'redis-sentinel://host:port[,host:port...]/master-name',
  cluster: 'redis-cluster://host:port[,host:port...]',
} as const;

export const redactUri = (uri: string) => uri.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

const MULTI_HOST = /^(rediss?)-(sentinel|cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)(?:\/([^/?#]*))?$/;

/** Parse a URI; `flag` names the option in messages (e.g. '--target', '-u/--uri'). Throws a UserError naming the form. */
export function parseRedisUri(uri: string, flag = '-u/--uri'): RedisUri {
  const multi = MULTI_HOST.exec(uri);
  if (multi) {
    const kind = multi[2] as 'sentinel' | 'cluster';
    const form = URI_FORMS[kind];
    const name = multi[6] ? decodeURIComponent(multi[6]) : undefined;
    if (kind === 'sentinel' ? !name : name) throw new UserError(`${flag} '${redactUri(uri)}' is not ${form}`);
    const endpoints = (multi[5] as string).split(',').map((hp) => {
      const e = parseHostPort(hp, kind === 'sentinel' ? 26379 : 6379);
      if (!e) throw new UserError(`${flag}: '${hp}' is not host:port (in ${form})`);
      return e;
    });
    return {
      kind,
      endpoints,
      masterName: name,
      tls: multi[1] === 'rediss',
      user: multi[3] ? decodeURIComponent(multi[3]) : undefined,
      password: multi[4] ? decodeURIComponent(multi[4]) : undefined,
    };
  }
  if (uri.startsWith('unix:')) {
    const path = uri.replace(/^unix:(\/\/)?/, '');
    if (!path.startsWith('/')) throw new UserError(`${flag} '${uri}' is not unix:/absolute/path/to/socket`);
    return { kind: 'direct', endpoints: [{ host: 'localhost', port: 0, socket: path }], tls: false };
  }
  let u: URL;
  try {
    u = new URL(uri.includes('://') ? uri : `redis://${uri}`);
  } catch {
    throw new UserError(`${flag} '${redactUri(uri)}' is not ${URI_FORMS.direct}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new UserError(`${flag} must be ${URI_FORMS.direct}, ${URI_FORMS.sentinel} or ${URI_FORMS.cluster} (got ${u.protocol}//)`);
  const port = u.port ? Number(u.port) : 6379;
  const path = u.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) throw new UserError(`${flag}: database '${path}' must be a number`);
  return {
    kind: 'direct',
    endpoints: [{ host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port }],
    tls: u.protocol === 'rediss:',
    user: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: path === '' ? undefined : Number(path),
  };
}
