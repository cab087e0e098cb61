/**
 * A native (sparse, exponential) histogram accumulator producing remote-write
 * HistogramSamples, with the parameters real k6 uses for trends under
 * K6_FEATURES=native-histograms: schema 3 (8 buckets per power of two) and the
 * client_golang default zero threshold. Pure.
 */
import type { BucketSpan, HistogramSample } from './write-request.js';

/** What k6 v2 writes (read from its remote-write requests). */
export const K6_NATIVE_SCHEMA = 3;
export const K6_ZERO_THRESHOLD = 2.938735877055719e-39;

/** Upper bound of bucket `index` for `schema`: 2^(index / 2^schema). */
export function bucketUpperBound(schema: number, index: number): number {
  return 2 ** (index / 2 ** schema);
}

/** The bucket index holding a positive value v (bucket i covers (upper(i-1), upper(i)]). */
export function bucketIndex(schema: number, v: number): number {
  let i = Math.ceil(Math.log2(v) * 2 ** schema);
  // correct floating-point error at bucket boundaries
  while (bucketUpperBound(schema, i - 1) >= v) i--;
  while (bucketUpperBound(schema, i) < v) i++;
  return i;
}

/** Spans and deltas of sparse bucket counts (index → count), as remote write encodes them. */
export function encodeBuckets(counts: Map<number, number>): { spans: BucketSpan[]; deltas: number[] } {
  const indices = [...counts.keys()].filter((i) => (counts.get(i) ?? 0) > 0).sort((a, b) => a - b);
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  let prevIndex: number | null = null;
  let prevCount = 0;
  for (const i of indices) {
    const c = counts.get(i) ?? 0;
    if (prevIndex === null) spans.push({ offset: i, length: 1 });
    else if (i === prevIndex + 1) (spans[spans.length - 1] as BucketSpan).length++;
    else spans.push({ offset: i - prevIndex - 1, length: 1 });
    deltas.push(c - prevCount);
    prevCount = c;
    prevIndex = i;
  }
  return { spans, deltas };
}

/** Inverse of encodeBuckets (for tests and for reading what k6 wrote). */
export function decodeBuckets(spans: BucketSpan[], deltas: number[]): Map<number, number> {
  const out = new Map<number, number>();
  let next = 0;
  let count = 0;
  let d = 0;
  spans.forEach((s, n) => {
    const start = n === 0 ? s.offset : next + s.offset;
    for (let k = 0; k < s.length; k++) {
      count += deltas[d++] ?? 0;
      out.set(start + k, count);
    }
    next = start + s.length;
  });
  return out;
}

/** A cumulative native histogram of non-negative observations (durations). */
export class NativeHistogram {
  private readonly buckets = new Map<number, number>();
  private zero = 0;
  count = 0;
  sum = 0;

  constructor(
    readonly schema = K6_NATIVE_SCHEMA,
    readonly zeroThreshold = K6_ZERO_THRESHOLD,
  ) {
    if (!Number.isInteger(schema) || schema < -4 || schema > 8) throw new RangeError(`schema must be an integer in -4..8 (got ${schema})`);
  }

  observe(v: number): void {
    this.add(v, 1);
  }

  /** `n` observations of the value `v` (e.g. one bucket of an HDR histogram). */
  add(v: number, n: number): void {
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`native histogram observations must be finite and >= 0 (got ${v})`);
    if (n <= 0) return;
    this.count += n;
    this.sum += v * n;
    if (v <= this.zeroThreshold) {
      this.zero += n;
      return;
    }
    const i = bucketIndex(this.schema, v);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + n);
  }

  sample(timestampMs: number): HistogramSample {
    const { spans, deltas } = encodeBuckets(this.buckets);
    return {
      count: this.count,
      sum: this.sum,
      schema: this.schema,
      zeroThreshold: this.zeroThreshold,
      zeroCount: this.zero,
      positiveSpans: spans,
      positiveDeltas: deltas,
      negativeSpans: [],
      negativeDeltas: [],
      resetHint: 'unknown',
      timestampMs,
    };
  }
}
