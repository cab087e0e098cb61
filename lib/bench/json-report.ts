/** The `stormdrill bench --json` document (pure except for reading the package version). */
import { redactSecrets } from '../core/errors.js';
import type { LatencyHistogram, LatencySummaryMs } from '../core/stats/index.js';
import { packageVersion } from '../core/version.js';
import type { BenchOutcome } from './bench.js';
import type { BenchOptions } from './options.js';

/**
 * The exit code of a finished run: 130 when Ctrl-C stopped it, 1 when any request failed
 * (unless --allow-errors), else 0.
 */
export function benchExitCode(outcome: Pick<BenchOutcome, 'errors' | 'interrupted'>, o: Pick<BenchOptions, 'allowErrors'>): number {
  if (outcome.interrupted) return 130;
  return outcome.errors > 0 && !o.allowErrors ? 1 : 0;
}

/** Options as they go into reports: secrets replaced. */
export function publicConfig(o: BenchOptions): Record<string, unknown> {
  const c: Record<string, unknown> = { ...o };
  if (c.password !== undefined) c.password = '***';
  if (typeof c.promRw === 'string') c.promRw = redactSecrets(c.promRw);
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

/** The --json document: what `stormdrill merge` and `stormdrill gate` read (older files may lack startedAtMs and hdrHistogram). */
export type BenchJsonDoc = ReturnType<typeof jsonReport>;

/** The --json document (pure). */
export function jsonReport(o: BenchOptions, outcome: BenchOutcome, meta: { testid: string; startedAt: string; finishedAt: string }) {
  return {
    tool: 'stormdrill bench' as const,
    version: packageVersion(),
    testid: meta.testid,
    instance: o.instance,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    seed: outcome.seed,
    interrupted: outcome.interrupted,
    config: publicConfig(o),
    cluster: outcome.topology
      ? { masters: outcome.topology.masters.map((m) => ({ id: m.id, host: m.host, port: m.port, slots: m.slots })) }
      : undefined,
    latencyMeasuredFrom:
      o.rate !== undefined ? 'intended send time (coordinated omission corrected)' : 'first write of each batch to first reply byte',
    tests: outcome.runs.map(({ run, titles, result, perMaster, interrupted }) => {
      const sec = result.elapsedMs / 1000;
      return {
        title: run.title,
        interrupted,
        requests: result.finished,
        /** When this test started (ms since the epoch): `stormdrill merge` lines instances up by it. */
        startedAtMs: result.series.startMs,
        elapsedSeconds: sec,
        rps: result.finished / sec,
        latencyMs: latencyMs(result.histogram),
        errors: result.errors,
        redirections: result.redirections,
        masters: perMaster?.map((m) => ({
          index: m.index,
          id: m.master.id,
          host: m.master.host,
          port: m.master.port,
          requests: m.result.finished,
          elapsedSeconds: m.result.elapsedMs / 1000,
          rps: m.result.finished / (m.result.elapsedMs / 1000),
          latencyMs: latencyMs(m.result.histogram),
          errors: m.result.errors,
          redirections: m.result.redirections,
          hdrHistogram: m.result.histogram.encode(),
        })),
        perSecond: result.series.toArray(),
        hdrHistogram: result.histogram.encode(),
        commands:
          titles.length > 1
            ? titles.map((t, i) => {
                const h = result.kindHistograms[i];
                return {
                  title: t,
                  requests: result.kindFinished[i] ?? 0,
                  rps: (result.kindFinished[i] ?? 0) / sec,
                  errors: result.kindErrors[i] ?? 0,
                  latencyMs: h ? latencyMs(h) : undefined,
                  hdrHistogram: h?.encode(),
                };
              })
            : undefined,
      };
    }),
  };
}

/** The latency summary of a test in ms. */
export function latencyMs(h: LatencyHistogram): Omit<LatencySummaryMs, 'count'> {
  const { count: _count, ...summary } = h.summaryMs();
  return summary;
}
