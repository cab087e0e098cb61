/**
 * Counts fill's replies without parsing them: every command fill sends answers with one
 * line (`+OK`, `:1`, or an error `-OOM ...`), except the final ECHO (a bulk string: a
 * header line and a payload line). One native indexOf per reply, no allocation unless
 * an error line has to be kept. Pure.
 */
export class LineReplyCounter {
  replies = 0;
  errors = 0;
  private atStart = true;
  private kind = 0;
  private expectPayload = false;
  private err: Buffer[] | null = null;

  constructor(private readonly onError: (message: string) => void = () => {}) {}

  feed(b: Buffer): void {
    let pos = 0;
    const n = b.length;
    while (pos < n) {
      if (this.atStart) {
        const c = b[pos] as number;
        this.kind = this.expectPayload ? 0 : c;
        if (this.kind === 45) this.err = [];
        else if (this.kind !== 43 && this.kind !== 58 && this.kind !== 36 && this.kind !== 0)
          throw new Error(`protocol error: unexpected reply type '${String.fromCharCode(c)}' during the fill`);
        this.atStart = false;
      }
      const nl = b.indexOf(10, pos);
      if (nl < 0) {
        if (this.err) this.err.push(Buffer.from(b.subarray(pos)));
        return;
      }
      if (this.err) {
        this.err.push(b.subarray(pos, nl));
        const msg = Buffer.concat(this.err).toString('utf8');
        this.err = null;
        this.errors++;
        this.replies++;
        this.onError(msg.slice(1).replace(/\r$/, ''));
      } else if (this.kind === 36) {
        this.expectPayload = true;
      } else {
        this.expectPayload = false;
        this.replies++;
      }
      this.atStart = true;
      pos = nl + 1;
    }
  }
}
