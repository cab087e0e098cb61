/** Phase 2, preconditions: fill to a share of maxmemory (or a key count), let the replicas catch up, read the counters. */
import { keyPrefix } from '../../core/naming.js';
import { waitFor } from '../../faults/wait.js';
import { runFill } from '../../integrity/fill/fill.js';
import { nodeCounters } from './measure.js';
import type { RunState } from './state.js';

export async function preconditionsPhase(s: RunState): Promise<void> {
  const { plan, t } = s;
  const pre = plan.preconditions;
  if (pre.fillPercent !== undefined || pre.fillKeys !== undefined) {
    s.log(`filling ${pre.fillPercent !== undefined ? `to ${pre.fillPercent}% of maxmemory` : `${pre.fillKeys} keys`}`);
    const fill = await runFill({
      connection: s.conn,
      runId: s.runId,
      keyPrefix: keyPrefix(s.runId),
      keys: pre.fillKeys ?? 0,
      untilMemory: pre.fillPercent !== undefined ? `${pre.fillPercent}%` : undefined,
      valueSize: pre.fillValueSize ?? 100,
      allowEviction: plan.topology.maxmemoryPolicy !== undefined && plan.topology.maxmemoryPolicy !== 'noeviction',
      maxSeconds: 300,
    });
    const filled = `${fill.keys} keys, used_memory ${fill.usedMemory ?? '?'} of ${fill.maxmemory ?? '?'} (${fill.stoppedBy})`;
    s.addEvent('drill', 'fill', undefined, filled);
    if (t.kind !== 'standalone')
      await waitFor({ topology: t, signal: s.abort.signal }, { condition: { kind: 'caught-up' }, timeoutMs: 60_000 });
  }
  s.before = await nodeCounters(t);
  s.primaryAtStart = (await t.currentPrimary()).name;
}
