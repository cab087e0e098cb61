/**
 * Command templates and pipelined batches. A command is encoded to RESP once; the
 * `__rand_int__` digits and `{tag}` hash tags are overwritten in place before each batch
 * (redis-benchmark's and memtier's way), so the hot path only writes a few bytes.
 */
import { writeDigits12 } from './random.js';
import { writeSlotTag } from './slots.js';

/** Stands for the payload (-d / --data-size-range) in a command's arguments. */
export const VALUE: unique symbol = Symbol('value');
export type TemplateArg = string | Buffer | typeof VALUE;

export const RAND_PLACEHOLDER = '__rand_int__';
export const TAG_PLACEHOLDER = '{tag}';

/** Static bytes of a command with the offsets of its placeholders. */
export interface Chunk {
  bytes: Buffer;
  /** Offsets of the first digit of each `__rand_int__` (12 bytes). */
  rand: number[];
  /** Offsets of each `{tag}` (5 bytes). */
  tags: number[];
}

/** A compiled command: static chunks with variable-size payloads between them. */
export interface CompiledCommand {
  /** 'value' = a payload bulk string (`$L\r\n<bytes>\r\n`) whose size is chosen per request. */
  parts: Array<Chunk | 'value'>;
  /** True when the command has no variable part (one chunk). */
  fixed: boolean;
}

function findAll(b: Buffer, needle: string, base: number, out: number[]): void {
  let i = b.indexOf(needle);
  while (i !== -1) {
    out.push(base + i);
    i = b.indexOf(needle, i + needle.length);
  }
}

/**
 * Compile a command. With `value` the payload is fixed (one static chunk); without it each
 * VALUE becomes a variable part. `inline` sends the words as an inline command
 * (`PING\r\n`). `{tag}` placeholders are tracked only when `cluster` is set.
 */
export function compileCommand(
  args: readonly TemplateArg[],
  opts: { value?: Buffer; cluster?: boolean; inline?: boolean } = {},
): CompiledCommand {
  const parts: Array<Chunk | 'value'> = [];
  let pieces: Buffer[] = [];
  let len = 0;
  let cur: Chunk = { bytes: Buffer.alloc(0), rand: [], tags: [] };
  const push = (b: Buffer, scan: boolean) => {
    if (scan) {
      findAll(b, RAND_PLACEHOLDER, len, cur.rand);
      if (opts.cluster) findAll(b, TAG_PLACEHOLDER, len, cur.tags);
    }
    pieces.push(b);
    len += b.length;
  };
  const flush = () => {
    if (len > 0) {
      cur.bytes = Buffer.concat(pieces, len);
      parts.push(cur);
    }
    pieces = [];
    len = 0;
    cur = { bytes: Buffer.alloc(0), rand: [], tags: [] };
  };
  if (opts.inline) {
    const words = args.map((a) => (a === VALUE ? (opts.value ?? Buffer.alloc(0)) : Buffer.isBuffer(a) ? a : Buffer.from(a)));
    push(Buffer.concat([...words.flatMap((w, i) => (i === 0 ? [w] : [Buffer.from(' '), w])), Buffer.from('\r\n')]), true);
    flush();
    return { parts, fixed: true };
  }
  push(Buffer.from(`*${args.length}\r\n`), false);
  for (const a of args) {
    if (a === VALUE) {
      if (opts.value) {
        push(Buffer.from(`$${opts.value.length}\r\n`), false);
        push(opts.value, false);
        push(Buffer.from('\r\n'), false);
      } else {
        flush();
        parts.push('value');
      }
      continue;
    }
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    push(Buffer.from(`$${b.length}\r\n`), false);
    push(b, true);
    push(Buffer.from('\r\n'), false);
  }
  flush();
  return { parts, fixed: parts.length === 1 && parts[0] !== 'value' };
}

/** Variable payload sizes: a deterministic data buffer of `max` bytes and a size chooser. */
export interface ValueSource {
  data: Buffer;
  min: number;
  max: number;
  /** Uniform 32-bit generator (seeded). */
  rand: () => number;
}

/** Where one batch's placeholders are, and which command sits at each position. */
export interface BatchSpec {
  commands: readonly CompiledCommand[];
  /** Relative weights per command (mixes); one command = [1]. */
  weights: readonly number[];
  pipeline: number;
  values?: ValueSource;
  /** Chooses a command by weight; only used for mixes. */
  pick?: () => number;
}

function maxLength(c: CompiledCommand, valueMax: number): number {
  let n = 0;
  for (const p of c.parts) n += p === 'value' ? 1 + String(valueMax).length + 2 + valueMax + 2 : p.bytes.length;
  return n;
}

/**
 * One connection's reusable batch buffer. `prepare(nextKey, slot)` fills the next batch
 * (in place when the batch is fixed) and returns its byte length; `kinds[i]` tells which
 * command sits at position i (for per-command results in mixes).
 */
export class Batch {
  readonly buf: Buffer;
  readonly kinds: Uint16Array;
  readonly size: number;
  private readonly rand: number[] = [];
  private readonly tags: number[] = [];
  /** Start of each command in `buf` (pipeline + 1 entries: the last is the batch's end). */
  private readonly starts: Uint32Array;
  private readonly composed: boolean;
  private length = 0;
  /** The slot whose tag a fixed batch holds (-1: none yet). */
  private taggedSlot = -1;

  constructor(private readonly spec: BatchSpec) {
    this.size = spec.pipeline;
    this.kinds = new Uint16Array(spec.pipeline);
    this.starts = new Uint32Array(spec.pipeline + 1);
    const valueMax = spec.values?.max ?? 0;
    const maxCmd = Math.max(...spec.commands.map((c) => maxLength(c, valueMax)));
    this.buf = Buffer.allocUnsafe(maxCmd * spec.pipeline);
    this.composed = spec.commands.length > 1 || !(spec.commands[0] as CompiledCommand).fixed;
    if (!this.composed) {
      const chunk = (spec.commands[0] as CompiledCommand).parts[0] as Chunk;
      let o = 0;
      for (let i = 0; i < spec.pipeline; i++) {
        this.starts[i] = o;
        chunk.bytes.copy(this.buf, o);
        for (const r of chunk.rand) this.rand.push(o + r);
        for (const t of chunk.tags) this.tags.push(o + t);
        o += chunk.bytes.length;
      }
      this.starts[spec.pipeline] = o;
      this.length = o;
    }
  }

  /** A copy of the bytes of the command at position `i` of the last prepared batch (to resend it elsewhere). */
  command(i: number): Buffer {
    return Buffer.from(this.buf.subarray(this.starts[i] as number, this.starts[i + 1] as number));
  }

  /** True when any placeholder needs filling per batch. */
  get dynamic(): boolean {
    return this.composed || this.rand.length > 0 || this.tags.length > 0;
  }

  /**
   * Fill the batch. `nextKey` gives the number for each `__rand_int__` (null: leave the
   * placeholder text, as redis-benchmark does without -r); `slot` the cluster slot whose
   * hash tag goes into every `{tag}` (-1: none).
   */
  prepare(nextKey: (() => number) | null, slot: number): number {
    if (this.composed) this.compose();
    const buf = this.buf;
    if (nextKey !== null) {
      const rand = this.rand;
      for (let i = 0; i < rand.length; i++) writeDigits12(buf, rand[i] as number, nextKey());
    }
    // a fixed batch keeps the tags it was given: rewrite them only when the slot changed
    if (slot >= 0 && (this.composed || slot !== this.taggedSlot)) {
      const tags = this.tags;
      for (let i = 0; i < tags.length; i++) writeSlotTag(buf, tags[i] as number, slot);
      this.taggedSlot = slot;
    }
    return this.length;
  }

  private compose(): void {
    const { commands, pipeline, values, pick } = this.spec;
    const buf = this.buf;
    this.rand.length = 0;
    this.tags.length = 0;
    let o = 0;
    for (let i = 0; i < pipeline; i++) {
      this.starts[i] = o;
      const kind = commands.length > 1 && pick ? pick() : 0;
      this.kinds[i] = kind;
      const cmd = commands[kind] as CompiledCommand;
      for (const p of cmd.parts) {
        if (p === 'value') {
          const v = values as ValueSource;
          const span = v.max - v.min + 1;
          const n = span <= 1 ? v.min : v.min + (v.rand() % span);
          o += buf.write(`$${n}\r\n`, o, 'latin1');
          o += v.data.copy(buf, o, 0, n);
          buf[o++] = 13;
          buf[o++] = 10;
        } else {
          p.bytes.copy(buf, o);
          for (const r of p.rand) this.rand.push(o + r);
          for (const t of p.tags) this.tags.push(o + t);
          o += p.bytes.length;
        }
      }
    }
    this.starts[pipeline] = o;
    this.length = o;
  }
}

/** A weighted chooser over indices (cumulative weights + one draw). */
export function weightedPicker(weights: readonly number[], rand: () => number): () => number {
  const cum: number[] = [];
  let total = 0;
  for (const w of weights) {
    total += w;
    cum.push(total);
  }
  return () => {
    const x = (rand() / 4294967296) * total;
    for (let i = 0; i < cum.length; i++) if (x < (cum[i] as number)) return i;
    return cum.length - 1;
  };
}
