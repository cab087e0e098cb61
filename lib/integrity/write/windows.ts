/**
 * Unavailability windows: from the first failed or unanswered operation to the next
 * success of an operation sent after it, with the error kinds seen in between. Pure:
 * the caller passes wall-clock milliseconds.
 */

export interface UnavailabilityWindow {
  /** Epoch ms when the first failing operation was sent (or the connection attempt failed). */
  startMs: number;
  /** Epoch ms of the success that closed the window (or the end of the run when still open). */
  endMs: number;
  durationMs: number;
  /** Error kind → count, e.g. { ECONNREFUSED: 12, READONLY: 3, TIMEOUT: 1 }. */
  errors: Record<string, number>;
  /** True when the run ended inside this window. */
  open?: boolean;
}

export class WindowTracker {
  private readonly closed: UnavailabilityWindow[] = [];
  private current: { startMs: number; errors: Record<string, number> } | null = null;
  /** Errors by kind over the whole run. */
  readonly errorTotals: Record<string, number> = {};

  /** An operation sent at `sentMs` failed (or was not answered) with `kind`. */
  failure(sentMs: number, kind: string): void {
    if (this.current === null) this.current = { startMs: sentMs, errors: {} };
    else if (sentMs < this.current.startMs) this.current.startMs = sentMs;
    this.current.errors[kind] = (this.current.errors[kind] ?? 0) + 1;
    this.errorTotals[kind] = (this.errorTotals[kind] ?? 0) + 1;
  }

  /**
   * An operation sent at `sentMs` succeeded at `atMs`. Closes the open window only when
   * the operation was sent after the window began (a late reply to an older request
   * proves nothing about the present). Returns the window it closed, if any.
   */
  success(sentMs: number, atMs: number): UnavailabilityWindow | null {
    const c = this.current;
    if (c === null || sentMs < c.startMs) return null;
    const w = { startMs: c.startMs, endMs: atMs, durationMs: atMs - c.startMs, errors: c.errors };
    this.closed.push(w);
    this.current = null;
    return w;
  }

  /**
   * Learned afterwards: from `startMs` on, `count` operations that looked fine were not
   * (e.g. writes acknowledged by a master that had been replaced). Moves the start of the
   * open window, or of the last closed one, back to `startMs`.
   */
  backdate(startMs: number, kind: string, count: number): void {
    this.errorTotals[kind] = (this.errorTotals[kind] ?? 0) + count;
    const w = this.current ?? this.closed[this.closed.length - 1];
    if (!w) {
      this.current = { startMs, errors: { [kind]: count } };
      return;
    }
    w.errors[kind] = (w.errors[kind] ?? 0) + count;
    if (startMs < w.startMs) {
      w.startMs = startMs;
      if ('durationMs' in w) (w as UnavailabilityWindow).durationMs = (w as UnavailabilityWindow).endMs - startMs;
    }
  }

  /** The window in progress: its start and errors so far. */
  get openWindow(): { startMs: number; errors: Record<string, number> } | null {
    return this.current;
  }

  /** Every window, the one still open (if any) ending at `nowMs`. */
  windows(nowMs: number): UnavailabilityWindow[] {
    const out = this.closed.slice();
    if (this.current)
      out.push({
        startMs: this.current.startMs,
        endMs: nowMs,
        durationMs: nowMs - this.current.startMs,
        errors: { ...this.current.errors },
        open: true,
      });
    return out;
  }

  /** Total unavailable milliseconds. */
  totalMs(nowMs: number): number {
    return this.windows(nowMs).reduce((a, w) => a + w.durationMs, 0);
  }
}
