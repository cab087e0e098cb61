/**
 * A topology's ports are chosen free and bound later; another start may take one in
 * between. Several topologies started at once from allocators that hand out the same
 * ports (the worst case of two drills on one machine) all come up: the proxies bind a
 * port the kernel picks, and a node or Sentinel whose port was taken starts again on a
 * fresh one, never on someone else's server.
 */
import { describe, expect, it } from 'vitest';
import { PortAllocator } from '../../../lib/stack/ports.js';
import { serverPid } from '../../../lib/stack/redis.js';
import { startTopology } from '../../../lib/topology/start.js';
import type { Topology } from '../../../lib/topology/types.js';
import { namespace, tmpDir } from '../../support/namespace.js';

describe('ports taken between choosing and binding', () => {
  it('three topologies at once from the same port block, three rounds: every start succeeds on its own ports', async () => {
    for (let round = 0; round < 3; round++) {
      const started: Topology[] = [];
      try {
        const results = await Promise.allSettled(
          (['replicas', 'sentinel', 'replicas'] as const).map((kind, i) =>
            startTopology(
              { kind, replicas: 1, sentinels: kind === 'sentinel' ? 3 : undefined },
              // each allocator walks the same block: they hand out the same ports
              { ports: new PortAllocator(namespace.portBase, namespace.portLimit), dir: tmpDir(`race-${round}-${i}`) },
            ).then((t) => {
              started.push(t);
              return t;
            }),
          ),
        );
        const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
        expect(failures).toEqual([]);
        // every node and Sentinel is the process the topology started, each on its own port
        const seen = new Set<number>();
        for (const t of started) {
          for (const n of [...t.nodes, ...t.sentinels]) {
            expect(await serverPid(n.port, {}), `${n.name} on ${n.port}`).toBe(n.process?.pid);
            expect(seen.has(n.port), `port ${n.port} twice`).toBe(false);
            seen.add(n.port);
          }
          for (const n of t.nodes) if (n.proxyPort !== n.port) seen.add(n.proxyPort);
        }
      } finally {
        for (const t of started) await t.stop();
      }
    }
  });
});
