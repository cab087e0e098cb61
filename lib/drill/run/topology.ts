/** Phase 1, topology: attach to --target, or start the runbook's topology in the run's work dir. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { UserError, userMessage } from '../../core/errors.js';
import { assertCanPartitionByAddress, clientAddress, partitionsByAddress } from '../../faults/partition.js';
import { PortAllocator } from '../../stack/ports.js';
import { attachTarget, describeAttachTarget } from '../../topology/attach.js';
import { startTopology } from '../../topology/start.js';
import { specOf } from '../spec.js';
import { isClientMember } from '../steps/partition.js';
import { connectionOf } from './connection.js';
import type { RunState } from './state.js';

export async function topologyPhase(s: RunState): Promise<void> {
  const { plan, o } = s;
  s.log(
    `drill ${plan.runbook}${plan.variant ? ` (${plan.variant})` : ''}: ${o.target ? `attaching to ${describeAttachTarget(o.target)}` : `starting a ${plan.topology.kind} topology`}`,
  );
  const pending = o.target
    ? attachTarget(o.target)
    : startTopology(specOf(plan.topology, plan.topology.auth ? randomBytes(18).toString('base64url') : undefined), {
        ports: o.ports ?? new PortAllocator(),
        dir: join((s.work as { path: string }).path, 'topology'),
        onEvent: (e) => s.addTopoEvent(e, plan.topology.kind),
        signal: s.abort.signal,
      });
  try {
    const t = await s.unlessAborted(pending);
    // a target the drill cannot partition is bad input: refused before the run has a topology (no report, nothing written)
    if (o.target && partitionsByAddress(t) && partitions(s).length > 0) {
      const removed = await assertCanPartitionByAddress(t, s.runId).catch(async (err) => {
        await t.stop();
        throw err;
      });
      for (const line of removed) s.log(line);
    }
    s.topology = t;
  } catch (err) {
    // Interrupted while starting: the start stops what it began; a topology that still comes up is stopped.
    if (s.abort.signal.aborted) {
      pending.then((t) => t.stop()).catch(() => undefined);
      throw err;
    }
    if (o.target) throw err;
    throw new UserError(`drill ${plan.runbook}: the ${plan.topology.kind} topology could not start: ${userMessage(err).split('\n')[0]}`, 3);
  }
  const t = s.t;
  if (o.target) t.events.on('event', (e) => s.addTopoEvent(e, t.kind));
  o.onTopology?.(t);
  // With partitions cut by address, the drill's clients leave from an address of their own (a side can hold them).
  s.connection = { ...connectionOf(t), ...(cutsClientsByAddress(s) ? { localAddress: clientAddress(t) } : {}) };
  s.initialNodes = t.nodes.map((n) => n.name);
}

/** The run's partition steps' sides. */
function partitions(s: RunState): string[][][] {
  return [...s.plan.steps, ...s.plan.rollback].flatMap((x) => (x.params.action === 'partition' ? [x.params.sides] : []));
}

/** A partition step puts the writer on a side and the topology is cut by address. */
function cutsClientsByAddress(s: RunState): boolean {
  return partitionsByAddress(s.t) && partitions(s).some((sides) => sides.flat().some(isClientMember));
}
