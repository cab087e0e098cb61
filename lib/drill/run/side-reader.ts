/**
 * The reader on the old primary's side of a partition: every 50 ms it reads the key of the
 * workload's last acknowledged write from the node that was primary when the drill began,
 * on the node's own port (a client on the old primary's side of the cut reaches it; the fault
 * proxy stands between the sides). A reply older than that write is a stale read
 * (lib/integrity/write/stale.ts): the writer moved on with the majority, the old primary did
 * not hear of it. Its counts join the writer's read probe's in the report's staleReads.
 */
import { writeKey } from '../../integrity/write/records.js';
import { isStaleRead, StaleReads } from '../../integrity/write/stale.js';
import type { Writer } from '../../integrity/write/writer.js';
import { formatEndpoint } from '../../redis/index.js';
import { redisOnce } from '../../redis/once.js';
import { nodeAuth } from '../../topology/node-auth.js';
import type { RunState } from './state.js';

/** Start the reader; its timer joins the run's timers (stopped with them). */
export function readOnOldPrimarySide(s: RunState, writer: Writer, o: { keyPrefix: string; valueSize: number }, intervalMs = 50): void {
  const name = s.primaryAtStart;
  if (!name) return;
  const node = s.t.node(name);
  const counts = new StaleReads();
  s.sideReads = counts;
  const endpoint = formatEndpoint({ host: node.host, port: node.port });
  let reading = false;
  const timer = setInterval(() => {
    const seq = writer.lastAcked();
    if (reading || seq < 0 || (node.process && node.process.status !== 'running')) return;
    reading = true;
    const sentMs = Date.now();
    redisOnce(node.port, ['GET', writeKey(o.keyPrefix, seq)], { ...nodeAuth(s.t, node), timeoutMs: 500 })
      .then(
        (v) => counts.record(endpoint, sentMs, isStaleRead('set', v, seq, o.valueSize)),
        () => {},
      )
      .finally(() => {
        reading = false;
      });
  }, intervalMs);
  s.timers.push(timer);
}
