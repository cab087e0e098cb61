/**
 * Waiting on the event a test is about instead of sleeping: the library's waitUntil, a new
 * master after a failover, N more acknowledged writes.
 */
import type { Writer } from '../../lib/integrity/index.js';
import { waitUntil } from '../../lib/stack/info.js';
import type { Topology, TopoNode } from '../../lib/topology/types.js';

export { waitUntil };

/** Until the topology's current master (the Sentinels' view for sentinel/haproxy) is not `old`; that master. */
export async function waitNewMaster(t: Topology, old: TopoNode, timeoutMs = 30_000): Promise<TopoNode> {
  let now: TopoNode | null = null;
  await waitUntil(
    `a master other than ${old.name} (port ${old.port})`,
    async () => {
      now = await t.currentPrimary();
      return now !== old;
    },
    timeoutMs,
    100,
  );
  return now as unknown as TopoNode;
}

/** Until the writer acknowledged `n` more writes than now; the count it started from. */
export async function waitMoreAcks(writer: Pick<Writer, 'snapshot'>, n: number, timeoutMs = 20_000): Promise<number> {
  const from = writer.snapshot().acked;
  await waitUntil(`${n} more acknowledged writes (from ${from})`, async () => writer.snapshot().acked >= from + n, timeoutMs, 20);
  return from;
}

/** Poll `get` until `done` holds for its value; that value (fails with `what` after `timeoutMs`). */
export async function waitForValue<T>(
  what: string,
  get: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  let last: { v: T } | null = null;
  await waitUntil(
    what,
    async () => {
      const v = await get();
      last = { v };
      return done(v);
    },
    timeoutMs,
    intervalMs,
  );
  return (last as unknown as { v: T }).v;
}
