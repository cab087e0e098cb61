/**
 * cluster-minority-master through the real runner on a real 3+3 cluster: master-1 and the
 * writer cut from the rest (client and bus proxies), a fixed count of writes to its slots at
 * a fixed rate for longer than cluster-node-timeout. The loss must equal exactly what
 * master-1 acknowledged (from the ledger), it must have refused the rest (CLUSTERDOWN), its
 * replica must be promoted by the majority, and after the heal it is a replica again.
 */
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../../lib/drill/load.js';
import { runDrill } from '../../../lib/drill/runner.js';
import type { Topology } from '../../../lib/topology/types.js';
import { ports, tmpDir } from '../../support/namespace.js';
import { assertNothingLeft } from '../../support/topology.js';

const COUNT = 400;
const RATE = 50;

describe('cluster-minority-master', () => {
  it.each([
    { nodeTimeout: '2s', readsWhenDown: 'false', timeoutMs: 2000 },
    { nodeTimeout: '5s', readsWhenDown: 'true', timeoutMs: 5000 },
  ])(
    'cluster-node-timeout $nodeTimeout, reads when down $readsWhenDown: the loss is exactly what the cut-off master acknowledged',
    async ({ nodeTimeout, readsWhenDown, timeoutMs }) => {
      const rb = loadRunbook('cluster-minority-master', {
        set: { count: String(COUNT), rate: String(RATE), nodeTimeout, readsWhenDown },
      });
      let topo: Topology | null = null;
      const r = await runDrill({ plan: rb.plans[0]!, ports, reportDir: tmpDir('cluster-minority'), onTopology: (t) => (topo = t) });
      expect(r.report.reason, JSON.stringify(r.report.steps)).toBeNull();
      const f = r.report.clusterPartition;
      if (!f) throw new Error('no clusterPartition figures in the report');
      expect(f.node).toBe('master-1');
      expect(f.nodeTimeoutMs).toBe(timeoutMs);
      // a fixed count, part acknowledged before master-1 saw the cluster down, the rest refused
      expect(f.ackedWhileCut + f.refusedWhileCut + f.unknownWhileCut).toBe(COUNT);
      expect(f.ackedWhileCut).toBeGreaterThan(0);
      expect(f.refusedWhileCut).toBeGreaterThan(0);
      // the audit finds exactly the acknowledged ones gone: every one of them, no more
      expect(r.report.audit?.acked).toBe(f.ackedWhileCut);
      expect(r.report.ackedLost).toBe(f.ackedWhileCut);
      expect(r.report.checks.find((c) => c.name === 'ackedLost')).toMatchObject({ ok: true, measured: f.ackedWhileCut });
      // it accepted writes for about the node timeout (no sooner than it could stop hearing the majority)
      expect(f.acceptedWritesMs).not.toBeNull();
      expect(f.acceptedWritesMs as number).toBeGreaterThanOrEqual(timeoutMs - 500);
      expect(f.acceptedWritesMs as number).toBeLessThanOrEqual(2 * timeoutMs + 1000);
      // reads: refused once it saw the cluster down, unless cluster-allow-reads-when-down
      if (readsWhenDown === 'true') {
        expect(f.readsRefusedAfterMs).toBeNull();
        expect(f.readsWhileCut.failed).toBe(0);
      } else {
        expect(f.readsRefusedAfterMs).not.toBeNull();
        expect(f.readsWhileCut.failed).toBeGreaterThan(0);
      }
      expect(f.readsWhileCut.ok).toBeGreaterThan(0);
      // the step's read probe read master-1 (where the writer wrote): it answered, never stale
      const sides = r.report.staleReads?.sides ?? [];
      expect(sides.map((x) => [x.side, x.nodes, x.stale])).toEqual([['old-primary', ['master-1'], 0]]);
      expect(sides[0]?.reads).toBeGreaterThan(0);
      expect(sides[0]?.reads).toBeLessThanOrEqual(f.readsWhileCut.ok);
      // the majority promoted a replica while master-1 was cut off; master-1 is a replica after the heal
      const ev = r.report.events;
      const healAt = ev.find((e) => e.kind === 'heal')?.atMs ?? 0;
      const promoted = ev.find((e) => e.kind === '+promoted');
      expect(promoted?.atMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(healAt);
      expect(f.failoverMs).not.toBeNull();
      expect(
        ev
          .filter((e) => e.kind === 'cut')
          .map((e) => e.node)
          .sort(),
      ).toEqual(['master-1', 'master-2', 'master-3', 'replica-1', 'replica-2', 'replica-3']);
      expect(r.report.checks.every((c) => c.ok)).toBe(true);
      expect(r.exitCode).toBe(0);
      assertNothingLeft(topo);
    },
  );
});
