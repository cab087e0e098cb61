/** The `stormdrill bench --json` document (pure except for reading the package version). */
import { readFileSync } from 'node:fs';
import { redactSecrets } from '../core/errors.js';
import type { BenchOutcome } from './bench.js';
import type { BenchOptions } from './options.js';

export function benchVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Options as they go into reports: secrets replaced. */
export function publicConfig(o: BenchOptions): Record<string, unknown> {
  const c: Record<string, unknown> = { ...o };
  if (c.password !== undefined) c.password = '***';
  if (typeof c.promRw === 'string') c.promRw = redactSecrets(c.promRw);
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

/** The --json document (pure). */
export function jsonReport(
  o: BenchOptions,
  outcome: BenchOutcome,
  meta: { testid: string; startedAt: string; finishedAt: string },
): unknown {
  return {
    tool: 'stormdrill bench',
    version: benchVersion(),
    testid: meta.testid,
    instance: o.instance,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    seed: outcome.seed,
    interrupted: outcome.interrupted,
    config: publicConfig(o),
    cluster: outcome.topology
      ? { masters: outcome.topology.masters.map((m) => ({ host: m.host, port: m.port, slots: m.slots })) }
      : undefined,
    latencyMeasuredFrom:
      o.rate !== undefined ? 'intended send time (coordinated omission corrected)' : 'first write of each batch to first reply byte',
    tests: outcome.runs.map(({ run, titles, result }) => {
      const s = result.histogram.summaryMs();
      const sec = result.elapsedMs / 1000;
      return {
        title: run.title,
        requests: result.finished,
        /** When this test started (ms since the epoch): `stormdrill merge` lines instances up by it. */
        startedAtMs: result.series.startMs,
        elapsedSeconds: sec,
        rps: result.finished / sec,
        latencyMs: { avg: s.avg, min: s.min, p50: s.p50, p90: s.p90, p95: s.p95, p99: s.p99, p999: s.p999, max: s.max },
        errors: result.errors,
        redirects: { moved: result.moved, ask: result.ask },
        perSecond: result.series.toArray(),
        hdrHistogram: result.histogram.encode(),
        commands:
          titles.length > 1
            ? titles.map((t, i) => {
                const h = result.kindHistograms[i];
                const k = h?.summaryMs();
                return {
                  title: t,
                  requests: result.kindFinished[i] ?? 0,
                  rps: (result.kindFinished[i] ?? 0) / sec,
                  errors: result.kindErrors[i] ?? 0,
                  latencyMs: k
                    ? { avg: k.avg, min: k.min, p50: k.p50, p90: k.p90, p95: k.p95, p99: k.p99, p999: k.p999, max: k.max }
                    : undefined,
                  hdrHistogram: h?.encode(),
                };
              })
            : undefined,
      };
    }),
  };
}
