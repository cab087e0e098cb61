/**
 * Latency histograms shared by bench, write, drills and the mirror: record locally
 * in microseconds, merge afterwards, serialise in the standard HdrHistogram compressed
 * base64 encoding.
 */
import * as hdr from 'hdr-histogram-js';

/** 1 µs .. 60 s at 3 significant digits (redis-benchmark tracks 10 µs .. 3 s). */
const LOWEST_US = 1;
const HIGHEST_US = 60_000_000;

/** What hdr-histogram-js's JS histograms have beyond their typed interface. */
interface HdrInternals {
  recordedValuesIterator?: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } };
  lowestEquivalentValue(value: number): number;
}

export class LatencyHistogram {
  private readonly h: hdr.Histogram;

  constructor(from?: hdr.Histogram) {
    this.h =
      from ??
      hdr.build({
        useWebAssembly: false,
        lowestDiscernibleValue: LOWEST_US,
        highestTrackableValue: HIGHEST_US,
        numberOfSignificantValueDigits: 3,
        autoResize: true,
      });
  }

  /** Record one latency in microseconds (values above 60 s are clamped). */
  record(us: number): void {
    this.h.recordValue(us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : Math.round(us));
  }

  /** Record the same latency for `count` operations (all replies of a pipelined batch). */
  recordN(us: number, count: number): void {
    this.h.recordValueWithCount(us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : Math.round(us), count);
  }

  get count(): number {
    return this.h.totalCount;
  }
  /** Microseconds. */
  get min(): number {
    return this.h.totalCount === 0 ? 0 : this.h.minNonZeroValue;
  }
  /**
   * Microseconds: the top of the largest value's bucket, as percentiles are the tops of
   * theirs (and as an encoded histogram gives it back), so max is never below p99.
   */
  get max(): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(100);
  }
  get mean(): number {
    return this.h.totalCount === 0 ? 0 : this.h.mean;
  }
  /** Percentile in microseconds, `p` in 0..100. */
  percentile(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  /**
   * Add every value of `other` into this one, bucket by bucket at each bucket's lowest value
   * (what hdr-histogram-js's add() records). Not add() itself: when the other's largest value
   * sits in the top slot of its counts (a 4.19 s latency in a bench histogram), add() reads one
   * slot past them and turns totalCount into NaN, and every later mean or iteration throws.
   */
  merge(other: LatencyHistogram): this {
    const from = other.h as unknown as HdrInternals;
    for (const [value, count] of other.buckets()) this.h.recordValueWithCount(from.lowestEquivalentValue(value), count);
    return this;
  }

  reset(): void {
    this.h.reset();
  }

  /** Iterate recorded values: [valueUs, count] per distinct bucket, ascending. */
  *buckets(): Generator<[number, number]> {
    // The histogram's own recorded-values iterator, via its public summary data.
    const it = (this.h as unknown as HdrInternals).recordedValuesIterator;
    if (!it) return;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      yield [v.valueIteratedTo, v.countAtValueIteratedTo];
    }
  }

  /** Standard HdrHistogram compressed base64 ("HISTFAAA..."). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  static decode(base64: string): LatencyHistogram {
    return new LatencyHistogram(hdr.decodeFromCompressedBase64(base64, 32, false));
  }

  /** The usual summary in milliseconds. */
  summaryMs(): LatencySummaryMs {
    const ms = (us: number) => us / 1000;
    return {
      count: this.count,
      avg: ms(this.mean),
      min: ms(this.min),
      p50: ms(this.percentile(50)),
      p90: ms(this.percentile(90)),
      p95: ms(this.percentile(95)),
      p99: ms(this.percentile(99)),
      p999: ms(this.percentile(99.9)),
      max: ms(this.max),
    };
  }
}

export interface LatencySummaryMs {
  count: number;
  avg: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}
