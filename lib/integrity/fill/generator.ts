/**
 * Deterministic fill commands, written straight into a Buffer (no per-key allocation):
 * key n is `<prefix>fill:<n>`; its type (for `mixed`), value size (for a range), TTL and
 * value bytes follow from (seed, n) only, so two fills with the same seed write the same
 * data. Pure.
 */
import { writeUint } from '../../core/resp/index.js';
import type { FillType } from './options.js';

const TYPES: Array<Exclude<FillType, 'mixed'>> = ['string', 'hash', 'list', 'set', 'zset'];
const ALPHABET = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789');
const HEX = Buffer.from('0123456789abcdef');

export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A hash of (seed, n, salt), uniform in 0..2^32-1. */
export function hashOf(seed: number, n: number, salt: number): number {
  const lo = n % 4294967296;
  const hi = Math.floor(n / 4294967296);
  return mix32(mix32(lo ^ Math.imul(seed, 0x9e3779b1)) ^ Math.imul(hi + salt, 0x85ebca6b) ^ salt);
}

function digitsOf(n: number): number {
  let d = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) d++;
  return d;
}

export interface GeneratorPlan {
  keyPrefix: string;
  type: FillType;
  valueMin: number;
  valueMax: number;
  elements: number;
  ttlShare: number;
  ttlSeconds: number;
  seed: number;
}

export class FillGenerator {
  private readonly prefix: Buffer;
  private readonly template: Buffer;
  private readonly ttlThreshold: number;
  private readonly ttlMs: string;
  /** Commands written by the last write() (1, or 2 with a PEXPIRE). */
  lastCommands = 1;
  /** Upper bound of the bytes write() needs for one key. */
  readonly maxBytesPerKey: number;
  /** Decimal digits of the last key number (an odometer: sequential keys cost no division). */
  private readonly odo = new Uint8Array(24);
  private odoLen = 1;
  private odoN = 0;
  /** Fast path for fixed-size strings: the TTL tail, pre-encoded, and the value. */
  private readonly ttlTail: Buffer;
  private readonly fixedValue: Buffer | null;

  constructor(readonly plan: GeneratorPlan) {
    this.prefix = Buffer.from(`${plan.keyPrefix}fill:`);
    this.template = Buffer.allocUnsafe(Math.max(plan.valueMax, 8));
    let s = plan.seed >>> 0;
    for (let i = 0; i < this.template.length; i++) {
      s = mix32(s + 0x6d2b79f5);
      this.template[i] = ALPHABET[s % ALPHABET.length] as number;
    }
    this.ttlThreshold = Math.round(plan.ttlShare * 4294967296);
    this.ttlMs = String(plan.ttlSeconds * 1000);
    const keyMax = this.prefix.length + 20;
    const perElement = plan.valueMax + 20 + 40;
    this.maxBytesPerKey = 64 + keyMax * 2 + (plan.type === 'string' ? perElement : perElement * plan.elements * 2) + 64;
    this.odo[0] = 48;
    this.ttlTail = Buffer.from(`$2\r\nPX\r\n$${this.ttlMs.length}\r\n${this.ttlMs}\r\n`, 'latin1');
    this.fixedValue = plan.type === 'string' && plan.valueMin === plan.valueMax ? this.template.subarray(0, plan.valueMin) : null;
  }

  /** Point the odometer at n (increment when n follows the last one). */
  private seek(n: number): void {
    if (n === this.odoN) return;
    if (n === this.odoN + 1) {
      let i = this.odoLen - 1;
      while (i >= 0 && this.odo[i] === 57) {
        this.odo[i] = 48;
        i--;
      }
      if (i >= 0) this.odo[i] = (this.odo[i] as number) + 1;
      else {
        this.odo.copyWithin(1, 0, this.odoLen);
        this.odo[0] = 49;
        this.odoLen++;
      }
    } else {
      const d = String(n);
      this.odoLen = d.length;
      for (let i = 0; i < d.length; i++) this.odo[i] = d.charCodeAt(i);
    }
    this.odoN = n;
  }

  typeOf(n: number): Exclude<FillType, 'mixed'> {
    const t = this.plan.type;
    return t === 'mixed' ? (TYPES[hashOf(this.plan.seed, n, 7) % TYPES.length] as Exclude<FillType, 'mixed'>) : t;
  }

  sizeOf(n: number): number {
    const { valueMin, valueMax } = this.plan;
    return valueMin === valueMax ? valueMin : valueMin + (hashOf(this.plan.seed, n, 3) % (valueMax - valueMin + 1));
  }

  hasTtl(n: number): boolean {
    return this.ttlThreshold > 0 && hashOf(this.plan.seed, n, 11) < this.ttlThreshold;
  }

  /** Write key n's bytes at off; returns the new offset. */
  writeKey(buf: Buffer, off: number, n: number): number {
    this.seek(n);
    buf.set(this.prefix, off);
    let o = off + this.prefix.length;
    for (let i = 0; i < this.odoLen; i++) buf[o++] = this.odo[i] as number;
    return o;
  }

  keyLength(n: number): number {
    if (n === this.odoN) return this.prefix.length + this.odoLen;
    return this.prefix.length + digitsOf(n);
  }

  /** The value of key n (element `el` for collections), as a fresh Buffer (tests, verification). */
  value(n: number, el = -1): Buffer {
    const b = Buffer.allocUnsafe(this.sizeOf(n) + 12);
    const end = this.writeValue(b, 0, n, el);
    return b.subarray(0, end);
  }

  /** Value bytes: template with the first 8 bytes set from hash(seed, n, el). */
  private writeValue(buf: Buffer, off: number, n: number, el: number): number {
    const size = this.sizeOf(n);
    let o = off;
    if (el >= 0) {
      o = writeUint(buf, o, el);
      buf[o++] = 58; // ':' keeps members distinct
    }
    this.template.copy(buf, o, 0, size);
    if (size >= 8) {
      let h = hashOf(this.plan.seed, n, 1 + el);
      for (let i = 7; i >= 0; i--) {
        buf[o + i] = HEX[h & 15] as number;
        h >>>= 4;
      }
    }
    return o + size;
  }

  private bulkHeader(buf: Buffer, off: number, len: number): number {
    buf[off] = 36; // '$'
    const o = writeUint(buf, off + 1, len);
    buf[o] = 13;
    buf[o + 1] = 10;
    return o + 2;
  }

  private arrayHeader(buf: Buffer, off: number, n: number): number {
    buf[off] = 42; // '*'
    const o = writeUint(buf, off + 1, n);
    buf[o] = 13;
    buf[o + 1] = 10;
    return o + 2;
  }

  private literal(buf: Buffer, off: number, s: string): number {
    let o = this.bulkHeader(buf, off, s.length);
    o += buf.write(s, o, 'latin1');
    buf[o] = 13;
    buf[o + 1] = 10;
    return o + 2;
  }

  private keyArg(buf: Buffer, off: number, n: number): number {
    let o = this.bulkHeader(buf, off, this.keyLength(n));
    o = this.writeKey(buf, o, n);
    buf[o] = 13;
    buf[o + 1] = 10;
    return o + 2;
  }

  private valueArg(buf: Buffer, off: number, n: number, el: number): number {
    const len = this.sizeOf(n) + (el >= 0 ? digitsOf(el) + 1 : 0);
    let o = this.bulkHeader(buf, off, len);
    o = this.writeValue(buf, o, n, el);
    buf[o] = 13;
    buf[o + 1] = 10;
    return o + 2;
  }

  /** The whole SET command of the current key-digit count; per key only the digits and the hash change. */
  private rec: Buffer | null = null;
  private recTtl: Buffer | null = null;
  private recDigits = 0;
  private recKeyOff = 0;
  private recHashOff = 0;

  private buildRecords(): void {
    const digits = this.odoLen;
    const v = this.fixedValue as Buffer;
    const keyLen = this.prefix.length + digits;
    const head = Buffer.from(`*3\r\n$3\r\nSET\r\n$${keyLen}\r\n`, 'latin1');
    const mid = Buffer.from(`\r\n$${v.length}\r\n`, 'latin1');
    const zeros = Buffer.alloc(digits, 48);
    this.rec = Buffer.concat([head, this.prefix, zeros, mid, v, Buffer.from('\r\n')]);
    this.recTtl = Buffer.concat([Buffer.from('*5', 'latin1'), this.rec.subarray(2), this.ttlTail]);
    this.recKeyOff = head.length + this.prefix.length;
    this.recHashOff = this.recKeyOff + digits + mid.length;
    this.recDigits = digits;
  }

  /** SET of a fixed-size value: one copy of the pre-built command, then the key digits and the value hash. */
  private writeFixedString(buf: Buffer, off: number, n: number, ttl: boolean): number {
    this.seek(n);
    if (this.recDigits !== this.odoLen || this.rec === null) this.buildRecords();
    const rec = (ttl ? this.recTtl : this.rec) as Buffer;
    buf.set(rec, off);
    const k = off + this.recKeyOff;
    for (let i = 0; i < this.odoLen; i++) buf[k + i] = this.odo[i] as number;
    if ((this.fixedValue as Buffer).length >= 8) {
      const o = off + this.recHashOff;
      let h = hashOf(this.plan.seed, n, 0);
      for (let i = 7; i >= 0; i--) {
        buf[o + i] = HEX[h & 15] as number;
        h >>>= 4;
      }
    }
    return off + rec.length;
  }

  /** True when keys can be batched into MSET: fixed-size strings without TTLs. */
  get msetable(): boolean {
    return this.fixedValue !== null && this.ttlThreshold === 0;
  }

  /**
   * One MSET of keys [n, n + count): the same keys and values as `count` SETs, in one
   * command (one dispatch and one reply on the server). Requires msetable.
   */
  writeMset(buf: Buffer, off: number, n: number, count: number): number {
    buf[off] = 42; // '*'
    let o = writeUint(buf, off + 1, 1 + 2 * count);
    o += buf.write('\r\n$4\r\nMSET\r\n', o, 'latin1');
    for (let i = 0; i < count; i++) o = this.writeFixedPair(buf, o, n + i);
    this.lastCommands = 1;
    return o;
  }

  /** The key and value arguments of key n's SET record (everything after `*3 $3 SET`). */
  private writeFixedPair(buf: Buffer, off: number, n: number): number {
    const SET_HEAD = 13; // '*3\r\n$3\r\nSET\r\n'
    this.seek(n);
    if (this.recDigits !== this.odoLen || this.rec === null) this.buildRecords();
    const rec = this.rec as Buffer;
    buf.set(rec.subarray(SET_HEAD), off);
    const k = off + this.recKeyOff - SET_HEAD;
    for (let i = 0; i < this.odoLen; i++) buf[k + i] = this.odo[i] as number;
    if ((this.fixedValue as Buffer).length >= 8) {
      const o = off + this.recHashOff - SET_HEAD;
      let h = hashOf(this.plan.seed, n, 0);
      for (let i = 7; i >= 0; i--) {
        buf[o + i] = HEX[h & 15] as number;
        h >>>= 4;
      }
    }
    return off + rec.length - SET_HEAD;
  }

  /** Write the command(s) for key n at off (buf must have maxBytesPerKey room); returns the new offset. */
  write(buf: Buffer, off: number, n: number): number {
    const ttl = this.hasTtl(n);
    this.lastCommands = 1;
    if (this.fixedValue !== null) return this.writeFixedString(buf, off, n, ttl);
    const type = this.typeOf(n);
    let o = off;
    if (type === 'string') {
      o = this.arrayHeader(buf, o, ttl ? 5 : 3);
      o = this.literal(buf, o, 'SET');
      o = this.keyArg(buf, o, n);
      o = this.valueArg(buf, o, n, -1);
      if (ttl) {
        o = this.literal(buf, o, 'PX');
        o = this.literal(buf, o, this.ttlMs);
      }
      return o;
    }
    const k = this.plan.elements;
    if (type === 'hash') {
      o = this.arrayHeader(buf, o, 2 + 2 * k);
      o = this.literal(buf, o, 'HSET');
      o = this.keyArg(buf, o, n);
      for (let e = 0; e < k; e++) {
        o = this.bulkHeader(buf, o, 1 + digitsOf(e));
        buf[o++] = 102; // 'f'
        o = writeUint(buf, o, e);
        buf[o++] = 13;
        buf[o++] = 10;
        o = this.valueArg(buf, o, n, e);
      }
    } else if (type === 'zset') {
      o = this.arrayHeader(buf, o, 2 + 2 * k);
      o = this.literal(buf, o, 'ZADD');
      o = this.keyArg(buf, o, n);
      for (let e = 0; e < k; e++) {
        o = this.bulkHeader(buf, o, digitsOf(e));
        o = writeUint(buf, o, e);
        buf[o++] = 13;
        buf[o++] = 10;
        o = this.valueArg(buf, o, n, e);
      }
    } else {
      o = this.arrayHeader(buf, o, 2 + k);
      o = this.literal(buf, o, type === 'list' ? 'RPUSH' : 'SADD');
      o = this.keyArg(buf, o, n);
      for (let e = 0; e < k; e++) o = this.valueArg(buf, o, n, e);
    }
    if (ttl) {
      o = this.arrayHeader(buf, o, 3);
      o = this.literal(buf, o, 'PEXPIRE');
      o = this.keyArg(buf, o, n);
      o = this.literal(buf, o, this.ttlMs);
      this.lastCommands = 2;
    }
    return o;
  }
}
