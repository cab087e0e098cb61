/**
 * One connection per master of a target (the master a Sentinel group names, a standalone
 * server, or every master of a Cluster), keys routed by slot. Used by fill, audit and
 * verify (the writer manages its own connections and reconnects).
 */
import { UserError } from '../core/errors.js';
import {
  connectFailureMessage,
  discover,
  type Endpoint,
  formatEndpoint,
  masterIndexOf,
  RespConn,
  type SlotMap,
  type Target,
} from '../redis/index.js';

/** Open a connection to an endpoint, turning failures into one clear UserError line. */
export async function openOrExplain(ep: Endpoint, target: Target): Promise<RespConn> {
  try {
    return await RespConn.open(ep, target);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(connectFailureMessage(e, formatEndpoint(ep), target.hints));
  }
}

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

  close(): void {
    for (const c of this.conns) c.close();
  }
}
