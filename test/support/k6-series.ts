/**
 * The shape of k6 remote-write series, in one comparable form for both sides: what real k6
 * wrote (read back from Prometheus' query API by test/support/record-k6-series.ts and kept
 * in test/fixtures/k6/) and what the emulation (test/support/k6-shape.ts) builds. Pure.
 */
import type { TimeSeries } from '../../lib/observability/write-request.js';

/** One series: its name, every other label (`testid` replaced by TESTID_PLACEHOLDER), and its kind. */
export interface SeriesShape {
  name: string;
  labels: Record<string, string>;
  kind: 'sample' | 'native-histogram';
  /** Native histograms: the bucket schema (resolution 2^(2^-schema) per bucket), when a bucket shows it. */
  schema?: number;
}

export interface K6SeriesRun {
  /** What the run shows: `native-histograms` (K6_FEATURES=native-histograms) or `trend-stats`. */
  mode: 'native-histograms' | 'trend-stats';
  /** The remote-write settings of the run (no URLs). */
  env: Record<string, string>;
  series: SeriesShape[];
}

export interface K6SeriesFixture {
  /** `k6 version` of the binary that wrote the series. */
  k6: string;
  prometheus: string;
  recordedAt: string;
  /** How the runs were made (scenario, profile, target). */
  how: string;
  runs: K6SeriesRun[];
}

export const TESTID_PLACEHOLDER = '$testid';

/** A series from Prometheus' instant-query API (`histogram` for native histograms). */
export interface PromInstantSeries {
  metric: Record<string, string>;
  value?: [number, string];
  histogram?: [number, { count: string; sum: string; buckets?: Array<[number, string, string, string]> }];
}

function shapeLabels(labels: Record<string, string>): { name: string; labels: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) {
    if (k === '__name__') continue;
    out[k] = k === 'testid' ? TESTID_PLACEHOLDER : (labels[k] as string);
  }
  return { name: labels.__name__ as string, labels: out };
}

/** The schema of a native histogram from one positive bucket's bounds (upper/lower = 2^(2^-schema)). */
export function schemaOfBucket(lower: number, upper: number): number | undefined {
  if (!(lower > 0 && upper > lower)) return undefined;
  return Math.round(-Math.log2(Math.log2(upper / lower)));
}

export function sortShapes(shapes: SeriesShape[]): SeriesShape[] {
  const key = (s: SeriesShape) => `${s.name}${JSON.stringify(s.labels)}`;
  return [...shapes].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Shapes of what Prometheus answers to an instant query for a run's series. */
export function shapesFromPrometheus(result: PromInstantSeries[]): SeriesShape[] {
  return sortShapes(
    result.map((r) => {
      const { name, labels } = shapeLabels(r.metric);
      if (!r.histogram) return { name, labels, kind: 'sample' };
      const bucket = (r.histogram[1].buckets ?? []).find(([, lo]) => Number(lo) > 0);
      const schema = bucket ? schemaOfBucket(Number(bucket[1]), Number(bucket[2])) : undefined;
      return { name, labels, kind: 'native-histogram', ...(schema === undefined ? {} : { schema }) };
    }),
  );
}

/** Shapes of remote-write series as our code builds them. */
export function shapesFromTimeSeries(series: TimeSeries[]): SeriesShape[] {
  return sortShapes(
    series.map((s) => {
      const { name, labels } = shapeLabels(s.labels);
      const h = s.histograms?.[0];
      return h ? { name, labels, kind: 'native-histogram', schema: h.schema } : { name, labels, kind: 'sample' };
    }),
  );
}

/** Series name → the label-name sets it is written with (e.g. `expected_response,method,name,...`). */
export function labelSetsByName(shapes: SeriesShape[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of shapes) {
    const set = out.get(s.name) ?? new Set<string>();
    set.add(Object.keys(s.labels).join(','));
    out.set(s.name, set);
  }
  return out;
}
