/**
 * Bench over a Redis Cluster: the slot map (lib/redis) read with bench's flags, a uniform
 * slot chooser per master, and the refresh after MOVED/ASK. Raw (no client library) so
 * worker threads refresh it the same way.
 */
import { UserError } from '../core/errors.js';
import { type Endpoint, formatEndpoint, readSlotMap, redirectTarget, type SlotMap, type SlotMaster } from '../redis/index.js';
import { benchSettings, type ConnectOptions } from './connection.js';
import { prng32 } from './random.js';

/** Ask one node for the cluster's masters. Errors name the node and bench's flags. */
export async function discoverCluster(seed: Endpoint, o: ConnectOptions): Promise<SlotMap> {
  try {
    return await readSlotMap(seed, benchSettings(o));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw new UserError(`--cluster: ${e.message}`);
  }
}

/** Uniform random slot among a master's ranges. */
export function slotChooser(m: SlotMaster, rand: () => number): () => number {
  const starts: number[] = [];
  const before: number[] = [];
  let total = 0;
  for (const [s, e] of m.slots) {
    starts.push(s);
    before.push(total);
    total += e - s + 1;
  }
  if (total === 0) return () => -1;
  return () => {
    const x = rand() % total;
    let i = before.length - 1;
    while (i > 0 && (before[i] as number) > x) i--;
    return (starts[i] as number) + x - (before[i] as number);
  };
}

/**
 * After MOVED/ASK: re-read CLUSTER SLOTS (one refresh at a time) and give every client the
 * new slot ranges of its master, so later batches only use slots it owns. The map is read
 * from the node the redirect names — the one that knows of the change first — and from the
 * seed only when that node cannot answer: the seed may not have heard of the move yet.
 */
export function slotMapRefresher(
  o: ConnectOptions & { host: string; port: number },
  clients: Array<{ endpoint: Endpoint; nextSlot: () => number }>,
): (redirect: string) => Promise<void> {
  let running: Promise<void> | null = null;
  const rand = prng32((Date.now() ^ 0x2545f491) >>> 0);
  const seed: Endpoint = { host: o.host, port: o.port };
  return (redirect) => {
    if (running) return running;
    running = (async () => {
      const target = redirectTarget(redirect, o.host);
      const fresh =
        (target ? await discoverCluster(target, o).catch(() => null) : null) ?? (await discoverCluster(seed, o).catch(() => null));
      if (!fresh) return;
      for (const c of clients) {
        const m = fresh.masters.find((x) => formatEndpoint(x) === formatEndpoint(c.endpoint));
        c.nextSlot = m ? slotChooser(m, rand) : () => -1;
      }
    })().finally(() => {
      running = null;
    });
    return running;
  };
}
