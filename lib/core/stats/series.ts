/** Per-second buckets of counts, mergeable across workers by second index. */
export interface SecondBucket {
  /** Seconds since the series' start. */
  second: number;
  ops: number;
  errors: number;
}

export class PerSecondSeries {
  private readonly buckets: SecondBucket[] = [];
  constructor(readonly startMs: number) {}

  add(atMs: number, ops: number, errors = 0): void {
    const s = Math.max(0, Math.floor((atMs - this.startMs) / 1000));
    let b = this.buckets[s];
    if (!b) {
      for (let i = this.buckets.length; i <= s; i++) this.buckets[i] = { second: i, ops: 0, errors: 0 };
      b = this.buckets[s] as SecondBucket;
    }
    b.ops += ops;
    b.errors += errors;
  }

  merge(other: PerSecondSeries): this {
    const offset = Math.round((other.startMs - this.startMs) / 1000);
    for (const b of other.toArray()) this.add(this.startMs + (b.second + offset) * 1000, b.ops, b.errors);
    return this;
  }

  toArray(): SecondBucket[] {
    return this.buckets.map((b) => ({ ...b }));
  }
}
