/**
 * The mitigation checks of partition drills (min-replicas-to-write with
 * min-replicas-max-lag): the old primary refused writes with NOREPLICAS within the lag plus
 * a margin after the cut, and the acknowledged writes lost are no more than the writes
 * acknowledged within the lag plus a margin of the cut (what the setting allows). Pure.
 */

import { formatDuration } from '../core/duration.js';
import { type CheckResult, notMeasured } from './check-result.js';
import type { ChecksSection } from './schema.js';
import { REFUSES } from './split-brain.js';

/** What a partition drill measured for these checks. */
export interface LagMeasurements {
  /** Epoch ms of the cut (the partition event); null: no partition happened. */
  cutAtMs: number | null;
  /** min-replicas-max-lag in ms; null without min-replicas-to-write. */
  lagMs: number | null;
  /** Epoch ms the old primary stopped accepting writes after the cut (null: it never did). */
  refusedAtMs: number | null;
  /** NOREPLICAS replies the writer got. */
  noReplicas: number;
  /** The writer's acknowledged-writes counter, sampled (epoch ms, running total). */
  ackSamples: Array<{ atMs: number; acked: number }>;
}

/**
 * Writes acknowledged from `fromMs` to `toMs`, counted generously from the samples around
 * the interval (the last sample at or before `fromMs`, the first at or after `toMs`).
 */
export function ackedBetween(samples: Array<{ atMs: number; acked: number }>, fromMs: number, toMs: number): number {
  let before = 0;
  let after: number | null = null;
  for (const s of samples) {
    if (s.atMs <= fromMs) before = s.acked;
    if (s.atMs >= toMs && after === null) after = s.acked;
  }
  const last = samples.length ? (samples[samples.length - 1] as { acked: number }).acked : 0;
  return Math.max(0, (after ?? last) - before);
}

export function lagChecks(
  checks: Pick<ChecksSection, 'ackedLostWithinLag' | 'refusedWithinLag'>,
  lag: LagMeasurements | undefined,
  ackedLost: number | null,
): CheckResult[] {
  const out: CheckResult[] = [];
  const missing =
    !lag || lag.cutAtMs === null
      ? 'no partition step cut the old primary off'
      : lag.lagMs === null
        ? 'the topology has no min-replicas-to-write'
        : null;
  if (checks.ackedLostWithinLag) {
    const margin = checks.ackedLostWithinLag.margin;
    const limit = `<= writes acked within min-replicas-max-lag + ${formatDuration(margin)} of the cut`;
    if (missing || !lag) out.push(notMeasured('ackedLostWithinLag', limit, missing ?? ''));
    else if (ackedLost === null) out.push(notMeasured('ackedLostWithinLag', limit, 'no acknowledged writes were tracked'));
    else {
      const cut = lag.cutAtMs as number;
      const windowMs = (lag.lagMs as number) + margin;
      const bound = ackedBetween(lag.ackSamples, cut, cut + windowMs);
      out.push({
        name: 'ackedLostWithinLag',
        ok: ackedLost <= bound,
        limit: `<= ${bound}`,
        measured: ackedLost,
        detail: `${ackedLost} acknowledged write(s) lost; ${bound} acknowledged in the ${formatDuration(windowMs)} after the cut`,
      });
    }
  }
  if (checks.refusedWithinLag) {
    const margin = checks.refusedWithinLag.margin;
    if (missing || !lag)
      out.push(notMeasured('refusedWithinLag', `NOREPLICAS <= min-replicas-max-lag + ${formatDuration(margin)}`, missing ?? ''));
    else {
      const lagMs = lag.lagMs as number;
      const after = lag.refusedAtMs === null ? null : lag.refusedAtMs - (lag.cutAtMs as number);
      out.push({
        name: 'refusedWithinLag',
        ok: after !== null && after <= lagMs + margin && lag.noReplicas > 0,
        limit: `NOREPLICAS <= ${formatDuration(lagMs + margin)} after the cut`,
        measured: after,
        detail:
          after === null
            ? `the old primary never refused writes after the cut (${lag.noReplicas} NOREPLICAS replies)`
            : `the old primary refused writes ${formatDuration(after)} after the cut; the writer got ${lag.noReplicas} NOREPLICAS replies`,
      });
    }
  }
  return out;
}

/** The measurements from the drill's events: the first cut (a `cut` event), and the old primary's first refusal after it. */
export function lagMeasurementsOf(
  events: Array<{ atMs: number; kind: string; node?: string }>,
  o: { oldPrimary: string | null; lagS: number | null; noReplicas: number; ackSamples: Array<{ atMs: number; acked: number }> },
): LagMeasurements {
  const cutAtMs = events.find((e) => e.kind === 'cut')?.atMs ?? null;
  const refused = cutAtMs === null ? undefined : events.find((e) => e.kind === REFUSES && e.node === o.oldPrimary && e.atMs >= cutAtMs);
  return {
    cutAtMs,
    lagMs: o.lagS === null ? null : o.lagS * 1000,
    refusedAtMs: refused?.atMs ?? null,
    noReplicas: o.noReplicas,
    ackSamples: o.ackSamples,
  };
}
