/**
 * Stale reads of the writer's read probe: a read of a key whose write was acknowledged
 * before the read was sent, answered with something older than that write (the key absent:
 * every key is written once). Counted per endpoint read from, with the first and last time
 * one was seen. Pure.
 */
import type { RespValue } from '../../core/resp/index.js';
import { classifyRead, type WriteMode } from './records.js';

/** Whether `reply` to a read of `seq`'s key (acknowledged before the read was sent) is older than that write. */
export function isStaleRead(mode: WriteMode, reply: RespValue, seq: number, valueSize: number): boolean {
  return classifyRead(mode, reply, seq, valueSize) === 'absent';
}

export interface StaleReadCount {
  /** Where the reads went (host:port). */
  endpoint: string;
  reads: number;
  stale: number;
  /** Epoch ms the first and the last stale read were sent (null: none). */
  firstMs: number | null;
  lastMs: number | null;
}

export class StaleReads {
  private readonly by = new Map<string, StaleReadCount>();

  record(endpoint: string, sentMs: number, stale: boolean): void {
    let c = this.by.get(endpoint);
    if (!c) {
      c = { endpoint, reads: 0, stale: 0, firstMs: null, lastMs: null };
      this.by.set(endpoint, c);
    }
    c.reads++;
    if (!stale) return;
    c.stale++;
    c.firstMs = c.firstMs === null ? sentMs : Math.min(c.firstMs, sentMs);
    c.lastMs = c.lastMs === null ? sentMs : Math.max(c.lastMs, sentMs);
  }

  counts(): StaleReadCount[] {
    return [...this.by.values()].map((c) => ({ ...c }));
  }
}
