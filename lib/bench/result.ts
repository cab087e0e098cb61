/** Results of one run as plain data, merging (threads) and the view formatters read. */
import { LatencyHistogram, PerSecondSeries, type SecondBucket } from '../core/stats/index.js';
import type { SlotMaster } from '../redis/index.js';
import { errorCount, type HistogramView, type MasterReport, type TestReport } from './format.js';
import { addRedirections, noRedirections } from './redirections.js';
import type { RunResult } from './runner.js';
import { benchHdr } from './setup.js';

/** A run result in transferable form (worker threads post this). */
export type WireResult = Omit<RunResult, 'histogram' | 'kindHistograms' | 'series'> & {
  histogram: string;
  kindHistograms: string[];
  seriesStartMs: number;
  series: SecondBucket[];
};

export function toWire({ histogram, kindHistograms, series, ...counts }: RunResult): WireResult {
  const encoded = { histogram: histogram.encode(), kindHistograms: kindHistograms.map((h) => h.encode()) };
  return { ...counts, ...encoded, seriesStartMs: series.startMs, series: series.toArray() };
}

export function fromWire({ histogram, kindHistograms, seriesStartMs, series: buckets, ...counts }: WireResult): RunResult {
  const series = new PerSecondSeries(seriesStartMs);
  for (const b of buckets) series.add(seriesStartMs + b.second * 1000, b.ops, b.errors);
  const decoded = { histogram: LatencyHistogram.decode(histogram), kindHistograms: kindHistograms.map((h) => LatencyHistogram.decode(h)) };
  return { ...counts, ...decoded, series };
}

/** Merge thread results into one (elapsed = the slowest thread's). */
export function mergeResults(parts: RunResult[], newHist: () => LatencyHistogram): RunResult {
  const kinds = Math.max(1, ...parts.map((p) => p.kindFinished.length));
  const m: RunResult = {
    finished: 0,
    elapsedMs: 0,
    histogram: newHist(),
    kindHistograms: Array.from({ length: Math.max(0, ...parts.map((p) => p.kindHistograms.length)) }, () => newHist()),
    kindFinished: new Array<number>(kinds).fill(0),
    errors: {},
    errorMessages: {},
    kindErrors: new Array<number>(kinds).fill(0),
    redirections: noRedirections(),
    series: new PerSecondSeries(Math.min(...parts.map((p) => p.series.startMs))),
    reconnects: 0,
  };
  const addInto = (into: number[], from: number[]) => {
    from.forEach((n, i) => {
      into[i] = (into[i] ?? 0) + n;
    });
  };
  for (const p of parts) {
    m.histogram.merge(p.histogram);
    p.kindHistograms.forEach((h, i) => {
      m.kindHistograms[i]?.merge(h);
    });
    addInto(m.kindFinished, p.kindFinished);
    addInto(m.kindErrors, p.kindErrors);
    for (const [k, n] of Object.entries(p.errors)) m.errors[k] = (m.errors[k] ?? 0) + n;
    for (const [k, msg] of Object.entries(p.errorMessages)) m.errorMessages[k] ??= msg;
    addRedirections(m.redirections, p.redirections);
    m.series.merge(p.series);
    m.finished += p.finished;
    m.elapsedMs = Math.max(m.elapsedMs, p.elapsedMs);
    m.reconnects += p.reconnects;
  }
  return m;
}

type Geometry = { highestEquivalentValue(v: number): number };
const geometries = new Map<number, Geometry>();

/** The formatter's view of a histogram (value arithmetic on an empty one of the same geometry). */
export function histogramView(h: LatencyHistogram, precision = 3): HistogramView {
  if (!geometries.has(precision)) geometries.set(precision, benchHdr(precision) as unknown as Geometry);
  const raw = geometries.get(precision) as Geometry;
  return {
    buckets: [...h.buckets()],
    count: h.count,
    min: h.min,
    max: h.max,
    mean: h.mean,
    percentile: (p) => h.percentile(p),
    highestEquivalent: (us) => raw.highestEquivalentValue(us),
  };
}

export type ReportContext = Omit<TestReport, 'title' | 'requests' | 'elapsedSec' | 'hist' | 'errors'>;

export function testReport(
  title: string,
  requests: number,
  elapsedMs: number,
  h: LatencyHistogram,
  errors: Record<string, number>,
  ctx: ReportContext,
  precision = 3,
): TestReport {
  return { ...ctx, title, requests, elapsedSec: elapsedMs / 1000, hist: histogramView(h, precision), errors };
}

/** Each master's share of a cluster run, for the report and --json. */
export function masterReports(perMaster: ReadonlyArray<{ master: SlotMaster; index: number; result: RunResult }>): MasterReport[] {
  return perMaster.map(({ master, index, result }) => {
    const h = result.histogram;
    return {
      index,
      id: master.id,
      address: `${master.host}:${master.port}`,
      requests: result.finished,
      errors: errorCount(result.errors),
      rps: result.elapsedMs > 0 ? (result.finished * 1000) / result.elapsedMs : 0,
      avgUs: h.mean,
      p50Us: h.percentile(50),
      p99Us: h.percentile(99),
      maxUs: h.max,
    };
  });
}
