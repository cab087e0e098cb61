/**
 * The split window of a master change: the writes the old master acknowledged that the
 * new master does not have. One connection's writes run in the order they were sent and
 * a replica holds a prefix of its master's stream, so the new master has a prefix of the
 * old master's acknowledged writes: the lost ones are the tail after the last one it has,
 * found with a few EXISTS (exponential, then binary search from the end).
 */
import type { RespValue } from '../../core/resp/index.js';

/** The last acknowledged writes of one master, in acknowledgement order (at most `cap`, oldest dropped). */
export class AckLog {
  private seqs: Float64Array;
  private sent: Float64Array;
  private start = 0;
  length = 0;
  constructor(private readonly cap = 1 << 20) {
    this.seqs = new Float64Array(Math.min(4096, cap));
    this.sent = new Float64Array(this.seqs.length);
  }

  push(seq: number, sentMs: number): void {
    if (this.length === this.seqs.length && this.seqs.length < this.cap) {
      const n = Math.min(this.seqs.length * 2, this.cap);
      const seqs = new Float64Array(n);
      const sent = new Float64Array(n);
      for (let i = 0; i < this.length; i++) {
        seqs[i] = this.seqAt(i);
        sent[i] = this.sentAt(i);
      }
      this.seqs = seqs;
      this.sent = sent;
      this.start = 0;
    }
    const at = (this.start + this.length) % this.seqs.length;
    this.seqs[at] = seq;
    this.sent[at] = sentMs;
    if (this.length < this.seqs.length) this.length++;
    else this.start = (this.start + 1) % this.seqs.length;
  }

  seqAt(i: number): number {
    return this.seqs[(this.start + i) % this.seqs.length] as number;
  }
  sentAt(i: number): number {
    return this.sent[(this.start + i) % this.sent.length] as number;
  }
}

/** The smallest index in [0, n] whose entry is absent, given that presence is a prefix (pure search, async probe). */
export async function firstAbsent(n: number, present: (i: number) => Promise<boolean>): Promise<number> {
  if (n === 0 || (await present(n - 1))) return n;
  // exponential steps back from the end: the lost tail is short
  let hi = n - 1; // absent
  let step = 1;
  let lo = -1; // present (or before the start)
  for (;;) {
    const i = n - 1 - step;
    if (i < 0) break;
    if (await present(i)) {
      lo = i;
      break;
    }
    hi = i;
    step *= 2;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (await present(mid)) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Count the acknowledged writes of `acks` that `conn` (the new master) does not hold. */
export async function countSplit(
  acks: AckLog,
  keyOf: (seq: number) => string,
  conn: { call(args: string[]): Promise<RespValue> },
): Promise<{ writes: number; firstSentMs: number }> {
  const f = await firstAbsent(acks.length, async (i) => Number(await conn.call(['EXISTS', keyOf(acks.seqAt(i))])) === 1);
  return { writes: acks.length - f, firstSentMs: f < acks.length ? acks.sentAt(f) : 0 };
}
