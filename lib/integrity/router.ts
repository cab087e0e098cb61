/**
 * One connection per master of a target (the master a Sentinel group names, a standalone
 * server, or every master of a Cluster), keys routed by slot. Used by fill, audit and
 * verify (the writer manages its own connections and reconnects).
 */
import { UserError } from '../core/errors.js';
import type { RespValue } from '../core/resp/index.js';
import {
  type ConnectionError,
  connectOrExplain,
  discover,
  type Endpoint,
  encodeArgs,
  masterIndexOf,
  RespConn,
  type SlotMap,
  type Target,
} from '../redis/index.js';

/** Open a connection to an endpoint, turning failures into one clear UserError line. */
export async function openOrExplain(ep: Endpoint, target: Target): Promise<RespConn> {
  return new RespConn(await connectOrExplain(ep, target));
}

const MGET = [Buffer.from('MGET')];

export class Router {
  private constructor(
    readonly target: Target,
    readonly masters: Endpoint[],
    readonly conns: RespConn[],
    private readonly map: SlotMap | null,
  ) {}

  static async open(target: Target): Promise<Router> {
    const { masters, map } = await discover(target);
    const conns: RespConn[] = [];
    try {
      for (const m of masters) conns.push(await openOrExplain(m, target));
    } catch (e) {
      for (const c of conns) c.close();
      throw e;
    }
    return new Router(target, masters, conns, map);
  }

  /** Index of the master owning `key`. */
  nodeOf(key: Buffer): number {
    if (!this.map) return 0;
    const i = masterIndexOf(this.map, key);
    if (i < 0) throw new UserError('the cluster has unassigned slots: fix the cluster (CLUSTER INFO shows cluster_state) and retry');
    return i;
  }

  /** One command per key, each sent to its key's master (pipelined); replies in key order, a lost connection rejects with `lost(err)`. */
  perKey<K extends string | Buffer>(
    keys: K[],
    command: (key: K) => Array<string | Buffer>,
    lost: (err: ConnectionError) => Error,
  ): Promise<RespValue[]> {
    return new Promise((resolve, reject) => {
      const out: RespValue[] = new Array(keys.length);
      let left = keys.length;
      if (left === 0) resolve(out);
      keys.forEach((k, i) => {
        const conn = this.conns[this.nodeOf(typeof k === 'string' ? Buffer.from(k) : k)] as RespConn;
        conn.send(command(k), (err, v) => {
          if (err) return reject(lost(err));
          out[i] = v;
          if (--left === 0) resolve(out);
        });
      });
    });
  }

  /** String values of `keys` in order: one MGET on a single master, a GET per key to its master in a cluster. */
  async strings<K extends string | Buffer>(keys: K[], lost: (err: ConnectionError) => Error): Promise<RespValue[]> {
    if (this.conns.length === 1) {
      // Buffer keys (verify's scans) go through the one-allocation encoder
      const mget = keys.every(Buffer.isBuffer) ? encodeArgs(MGET, keys as Buffer[]) : ['MGET', ...keys];
      return (await (this.conns[0] as RespConn).call(mget)) as RespValue[];
    }
    return this.perKey(keys, (k) => ['GET', k], lost);
  }

  close(): void {
    for (const c of this.conns) c.close();
  }
}
