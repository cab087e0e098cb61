/** Results of one run as plain data, merging (threads) and the view formatters read. */
import * as hdr from 'hdr-histogram-js';
import {
  type LatencyHistogram,
  LatencyHistogram as LatencyHistogramClass,
  PerSecondSeries,
  type SecondBucket,
} from '../core/stats/index.js';
import type { SlotMaster } from '../redis/index.js';
import { addRedirections, noRedirections, type Redirections } from './cluster-router.js';
import { type Bucket, errorCount, type HistogramView, type MasterReport, type TestReport } from './format.js';
import type { RunResult } from './runner.js';

/** A run result in transferable form (worker threads post this). */
export interface WireResult {
  finished: number;
  elapsedMs: number;
  histogram: string;
  kindHistograms: string[];
  kindFinished: number[];
  errors: Record<string, number>;
  errorMessages: Record<string, string>;
  kindErrors: number[];
  redirections: Redirections;
  seriesStartMs: number;
  series: SecondBucket[];
  reconnects: number;
}

export function toWire(r: RunResult): WireResult {
  return {
    finished: r.finished,
    elapsedMs: r.elapsedMs,
    histogram: r.histogram.encode(),
    kindHistograms: r.kindHistograms.map((h) => h.encode()),
    kindFinished: r.kindFinished,
    errors: r.errors,
    errorMessages: r.errorMessages,
    kindErrors: r.kindErrors,
    redirections: r.redirections,
    seriesStartMs: r.series.startMs,
    series: r.series.toArray(),
    reconnects: r.reconnects,
  };
}

/** Merge thread results into one (elapsed = the slowest thread's). */
export function mergeResults(parts: RunResult[], newHist: () => LatencyHistogram): RunResult {
  const histogram = newHist();
  const kinds = Math.max(0, ...parts.map((p) => p.kindHistograms.length));
  const kindHistograms = Array.from({ length: kinds }, () => newHist());
  const kindFinished = new Array<number>(Math.max(1, ...parts.map((p) => p.kindFinished.length))).fill(0);
  const kindErrors = new Array<number>(kindFinished.length).fill(0);
  const errors: Record<string, number> = {};
  const errorMessages: Record<string, string> = {};
  const redirections = noRedirections();
  const start = Math.min(...parts.map((p) => p.series.startMs));
  const series = new PerSecondSeries(start);
  let finished = 0;
  let elapsedMs = 0;
  let reconnects = 0;
  for (const p of parts) {
    histogram.merge(p.histogram);
    p.kindHistograms.forEach((h, i) => {
      kindHistograms[i]?.merge(h);
    });
    p.kindFinished.forEach((n, i) => {
      kindFinished[i] = (kindFinished[i] ?? 0) + n;
    });
    p.kindErrors.forEach((n, i) => {
      kindErrors[i] = (kindErrors[i] ?? 0) + n;
    });
    for (const [k, n] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + n;
    for (const [k, m] of Object.entries(p.errorMessages)) errorMessages[k] ??= m;
    addRedirections(redirections, p.redirections);
    series.merge(p.series);
    finished += p.finished;
    elapsedMs = Math.max(elapsedMs, p.elapsedMs);
    reconnects += p.reconnects;
  }
  return {
    finished,
    elapsedMs,
    histogram,
    kindHistograms,
    kindFinished,
    errors,
    errorMessages,
    kindErrors,
    redirections,
    series,
    reconnects,
  };
}

/** The formatter's view of a histogram. */
export function histogramView(h: LatencyHistogram, precision = 3): HistogramView {
  const raw = referenceHistogram(precision);
  const buckets: Bucket[] = [...h.buckets()];
  return {
    buckets,
    count: h.count,
    min: h.min,
    max: h.max,
    mean: h.mean,
    percentile: (p) => h.percentile(p),
    highestEquivalent: (us) => raw.highestEquivalentValue(us),
  };
}

type Geometry = { highestEquivalentValue(v: number): number };
const refs = new Map<number, Geometry>();
/** A histogram with the same geometry as setup.newHistogram(precision), for value arithmetic. */
function referenceHistogram(precision: number): Geometry {
  let r = refs.get(precision);
  if (!r) {
    r = hdr.build({
      useWebAssembly: false,
      lowestDiscernibleValue: 10,
      highestTrackableValue: 3_000_000,
      numberOfSignificantValueDigits: Math.min(5, Math.max(1, precision)) as 1 | 2 | 3 | 4 | 5,
      autoResize: true,
    }) as unknown as Geometry;
    refs.set(precision, r);
  }
  return r;
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

export function fromWire(w: WireResult): RunResult {
  const series = new PerSecondSeries(w.seriesStartMs);
  for (const b of w.series) series.add(w.seriesStartMs + b.second * 1000, b.ops, b.errors);
  return {
    finished: w.finished,
    elapsedMs: w.elapsedMs,
    histogram: LatencyHistogramClass.decode(w.histogram),
    kindHistograms: w.kindHistograms.map((h) => LatencyHistogramClass.decode(h)),
    kindFinished: w.kindFinished,
    errors: w.errors,
    errorMessages: w.errorMessages,
    kindErrors: w.kindErrors,
    redirections: w.redirections,
    series,
    reconnects: w.reconnects,
  };
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
