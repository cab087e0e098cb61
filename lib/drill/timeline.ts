/**
 * Per-second figures of the background workload for the report chart: acknowledged ops,
 * errors and p99 latency. Pure: the runner feeds it wall-clock timestamps.
 */
import { LatencyHistogram } from '../core/stats/index.js';

export interface TimelinePoint {
  /** Seconds since the drill started (bucket start). */
  t: number;
  ops: number;
  errors: number;
  /** p99 latency of the ops answered in this second, ms (null: none answered). */
  p99Ms: number | null;
}

interface Bucket {
  ops: number;
  errors: number;
  hist: LatencyHistogram | null;
}

export class Timeline {
  private readonly buckets: Bucket[] = [];
  constructor(readonly startMs: number) {}

  private bucket(atMs: number): Bucket {
    const i = Math.max(0, Math.floor((atMs - this.startMs) / 1000));
    for (let k = this.buckets.length; k <= i; k++) this.buckets[k] = { ops: 0, errors: 0, hist: null };
    return this.buckets[i] as Bucket;
  }

  ops(atMs: number, n: number): void {
    if (n > 0) this.bucket(atMs).ops += n;
  }
  errors(atMs: number, n: number): void {
    if (n > 0) this.bucket(atMs).errors += n;
  }
  latency(atMs: number, seconds: number): void {
    const b = this.bucket(atMs);
    b.hist ??= new LatencyHistogram();
    b.hist.record(Math.max(1, Math.round(seconds * 1e6)));
  }

  points(): TimelinePoint[] {
    return this.buckets.map((b, t) => ({
      t,
      ops: b.ops,
      errors: b.errors,
      p99Ms: b.hist && b.hist.count > 0 ? Math.round(b.hist.percentile(99)) / 1000 : null,
    }));
  }
}
