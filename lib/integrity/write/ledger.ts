/**
 * The writer's ledger: for every sequence number, whether the write was acknowledged,
 * failed (error reply) or unknown (timeout / connection lost before a reply).
 *
 * File format (little-endian):
 *   header  "SDLEDGER" | u16 version | u32 n | n bytes JSON LedgerHeader | u32 crc32(JSON)
 *   block   'B' | u48 firstSeq | u32 count | u32 crc32(payload) | payload: 2 bits per seq
 *           (0 = no outcome in this block, 1 acked, 2 failed, 3 unknown), seq i at bit 2*(i-firstSeq)
 *   end     'E' | u32 n | n bytes JSON LedgerEnd | u32 crc32(JSON)
 *
 * Blocks are appended with one writeSync() each on a descriptor opened for append, every
 * few milliseconds: once an outcome is in a block it survives a crash (kill -9) of the
 * writer. Outcomes cost ~2 bits per seq (100M writes ≈ 25-40 MiB).
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { UserError } from '../../core/errors.js';

export const LEDGER_MAGIC = 'SDLEDGER';
export const LEDGER_VERSION = 1;

export type OutcomeCode = 1 | 2 | 3;
export type OutcomeName = 'acked' | 'failed' | 'unknown';
export const OUTCOME_NAMES: Record<OutcomeCode, OutcomeName> = { 1: 'acked', 2: 'failed', 3: 'unknown' };

export interface LedgerHeader {
  runId: string;
  mode: string;
  keyPrefix: string;
  valueSize: number;
  startedAt: string;
}

export interface LedgerEnd {
  acked: number;
  failed: number;
  unknown: number;
  endedAt: string;
}

const BLOCK_TAG = 0x42; // 'B'
const END_TAG = 0x45; // 'E'
const BLOCK_HEAD = 1 + 6 + 4 + 4;

/** `lead` bytes, then u32 n | n bytes JSON | u32 crc32(JSON): the header and end records. Pure. */
function withJson(lead: Buffer, value: object): Buffer {
  const json = Buffer.from(JSON.stringify(value));
  const n = Buffer.alloc(4);
  n.writeUInt32LE(json.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(json));
  return Buffer.concat([lead, n, json, crc]);
}

/** Encode the file header. Pure. */
export function encodeHeader(h: LedgerHeader): Buffer {
  const lead = Buffer.alloc(10);
  lead.write(LEDGER_MAGIC, 0, 'latin1');
  lead.writeUInt16LE(LEDGER_VERSION, 8);
  return withJson(lead, h);
}

/** Encode one block of outcomes for seqs [first, first+count). Pure. */
export function encodeBlock(first: number, codes: Uint8Array): Buffer {
  const count = codes.length;
  const payloadLen = Math.ceil(count / 4);
  const b = Buffer.alloc(BLOCK_HEAD + payloadLen);
  b[0] = BLOCK_TAG;
  b.writeUIntLE(first, 1, 6);
  b.writeUInt32LE(count, 7);
  for (let i = 0; i < count; i++) {
    const c = codes[i] as number;
    if (c !== 0) b[BLOCK_HEAD + (i >> 2)] = (b[BLOCK_HEAD + (i >> 2)] as number) | (c << ((i & 3) * 2));
  }
  b.writeUInt32LE(crc32(b.subarray(BLOCK_HEAD)), 11);
  return b;
}

export function encodeEnd(e: LedgerEnd): Buffer {
  return withJson(Buffer.from([END_TAG]), e);
}

/**
 * Appends outcomes. record() is cheap (typed arrays); flush() writes one block with
 * one writeSync. Outcomes arrive nearly in seq order (bounded in-flight window), so a
 * block spans little more than the outcomes it carries.
 */
export class LedgerWriter {
  private readonly fd: number;
  private seqs = new Float64Array(4096);
  private codes = new Uint8Array(4096);
  private n = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Outcomes written to the file so far, by kind. */
  readonly written = { acked: 0, failed: 0, unknown: 0 };
  bytes = 0;

  constructor(
    readonly path: string,
    header: LedgerHeader,
    flushMs = 5,
  ) {
    try {
      this.fd = openSync(path, 'ax');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new UserError(`ledger ${path} already exists: choose another --ledger FILE (a ledger is never overwritten)`);
      throw new UserError(`cannot create ledger ${path}: ${(e as Error).message}`);
    }
    this.append(encodeHeader(header));
    if (flushMs > 0) {
      this.timer = setInterval(() => this.flush(), flushMs);
      this.timer.unref();
    }
  }

  record(seq: number, code: OutcomeCode): void {
    if (this.n === this.seqs.length) {
      const s = new Float64Array(this.n * 2);
      s.set(this.seqs);
      this.seqs = s;
      const c = new Uint8Array(this.n * 2);
      c.set(this.codes);
      this.codes = c;
    }
    this.seqs[this.n] = seq;
    this.codes[this.n] = code;
    this.n++;
  }

  /** Total outcomes in the file. */
  get writtenTotal(): number {
    return this.written.acked + this.written.failed + this.written.unknown;
  }

  flush(): void {
    if (this.n === 0 || this.closed) return;
    let min = Number.POSITIVE_INFINITY;
    let max = -1;
    for (let i = 0; i < this.n; i++) {
      const s = this.seqs[i] as number;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    // Split far-apart stragglers into their own blocks so one late outcome cannot blow up a block.
    const span = max - min + 1;
    if (span > Math.max(8 * this.n, 65536)) {
      const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => (this.seqs[a] as number) - (this.seqs[b] as number));
      let start = 0;
      for (let k = 1; k <= order.length; k++) {
        const gap =
          k < order.length
            ? (this.seqs[order[k] as number] as number) - (this.seqs[order[k - 1] as number] as number)
            : Number.POSITIVE_INFINITY;
        if (gap > 4096) {
          const first = this.seqs[order[start] as number] as number;
          const last = this.seqs[order[k - 1] as number] as number;
          const codes = new Uint8Array(last - first + 1);
          for (let j = start; j < k; j++)
            codes[(this.seqs[order[j] as number] as number) - first] = this.codes[order[j] as number] as number;
          this.append(encodeBlock(first, codes));
          start = k;
        }
      }
    } else {
      const codes = new Uint8Array(span);
      for (let i = 0; i < this.n; i++) codes[(this.seqs[i] as number) - min] = this.codes[i] as number;
      this.append(encodeBlock(min, codes));
    }
    for (let i = 0; i < this.n; i++) this.written[OUTCOME_NAMES[this.codes[i] as OutcomeCode]]++;
    this.n = 0;
  }

  private append(b: Buffer): void {
    writeSync(this.fd, b);
    this.bytes += b.length;
  }

  /** Flush, append the end record, fsync and close. */
  close(): void {
    if (this.closed) return;
    this.flush();
    if (this.timer) clearInterval(this.timer);
    this.append(encodeEnd({ ...this.written, endedAt: new Date().toISOString() }));
    try {
      fsyncSync(this.fd);
    } catch {
      /* not every filesystem supports fsync */
    }
    closeSync(this.fd);
    this.closed = true;
  }
}

/** A ledger read back: 2 bits per seq. */
export class LedgerOutcomes {
  private bits: Uint8Array;
  /** 1 + the highest seq with an outcome. */
  size = 0;
  readonly counts = { acked: 0, failed: 0, unknown: 0 };

  constructor(capacity = 1024) {
    this.bits = new Uint8Array(Math.ceil(capacity / 4));
  }

  get(seq: number): 0 | OutcomeCode {
    if (seq >= this.size) return 0;
    return (((this.bits[seq >> 2] as number) >> ((seq & 3) * 2)) & 3) as 0 | OutcomeCode;
  }

  set(seq: number, code: OutcomeCode): void {
    const byte = seq >> 2;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    const shift = (seq & 3) * 2;
    const old = (((this.bits[byte] as number) >> shift) & 3) as 0 | OutcomeCode;
    if (old !== 0) this.counts[OUTCOME_NAMES[old]]--;
    this.bits[byte] = ((this.bits[byte] as number) & ~(3 << shift)) | (code << shift);
    this.counts[OUTCOME_NAMES[code]]++;
    if (seq >= this.size) this.size = seq + 1;
  }

  get total(): number {
    return this.counts.acked + this.counts.failed + this.counts.unknown;
  }

  /** Every seq with an outcome, ascending. */
  *entries(): Generator<[number, OutcomeCode]> {
    for (let s = 0; s < this.size; s++) {
      const c = this.get(s);
      if (c !== 0) yield [s, c];
    }
  }
}

export interface Ledger {
  path: string;
  header: LedgerHeader;
  outcomes: LedgerOutcomes;
  /** The end record, or null when the writer did not finish cleanly (crash, kill -9). */
  end: LedgerEnd | null;
  bytes: number;
  /** Set when the file is cut short and was read with `allowTruncated`: what was lost. */
  cut: LedgerCut | null;
}

/** Where a truncated ledger ends and how many recorded outcomes went with the cut. */
export interface LedgerCut {
  atByte: number;
  /** The record that is cut short: 'block header', 'block' or 'end record'. */
  what: string;
  /** Outcomes in the cut block (0 for the end record); null when the block header itself is cut. */
  recordsCutOff: number | null;
  /** The first sequence number of the cut block, when its header still says it. */
  firstSeq: number | null;
}

export interface ReadLedgerOptions {
  /** Refuse a ledger of another run. */
  runId?: string;
  /** Read the intact blocks of a truncated ledger (the cut is in `Ledger.cut`) instead of refusing it. */
  allowTruncated?: boolean;
}

/** Read and check a ledger; a foreign, truncated or corrupt file is one clear UserError. */
export function readLedger(path: string, expect: ReadLedgerOptions = {}): Ledger {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new UserError(
      `cannot read ledger ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
    );
  }
  return parseLedger(buf, path, expect);
}

/** Parse a ledger from bytes. Pure (exported for tests). */
export function parseLedger(buf: Buffer, path: string, expect: ReadLedgerOptions = {}): Ledger {
  if (buf.length < 14 || buf.toString('latin1', 0, 8) !== LEDGER_MAGIC)
    throw new UserError(`${path} is not a stormdrill ledger (no SDLEDGER header): pass the file that \`stormdrill write --ledger\` wrote`);
  const version = buf.readUInt16LE(8);
  if (version !== LEDGER_VERSION)
    throw new UserError(`${path} is a version ${version} ledger; this stormdrill reads version ${LEDGER_VERSION}`);
  const hlen = buf.readUInt32LE(10);
  if (14 + hlen + 4 > buf.length) throw truncated(path, buf.length, 'header', false);
  const hjson = buf.subarray(14, 14 + hlen);
  if (crc32(hjson) !== buf.readUInt32LE(14 + hlen)) throw new UserError(`ledger ${path} has a corrupt header (checksum mismatch)`);
  const header = JSON.parse(hjson.toString('utf8')) as LedgerHeader;
  if (expect.runId !== undefined && header.runId !== expect.runId)
    throw new UserError(
      `ledger ${path} is from run ${header.runId}, not ${expect.runId}: pass the ledger of run ${expect.runId} (or drop --run-id)`,
    );
  const outcomes = new LedgerOutcomes();
  let end: LedgerEnd | null = null;
  let cut: LedgerCut | null = null;
  /** The ledger is cut at `at`: refused, or (allowTruncated) read up to there. */
  const cutAt = (at: number, what: string): void => {
    if (!expect.allowTruncated) throw truncated(path, at, what);
    const known = what !== 'end record' && at + 11 <= buf.length;
    cut = {
      atByte: at,
      what,
      recordsCutOff: what === 'end record' ? 0 : known ? buf.readUInt32LE(at + 7) : null,
      firstSeq: what !== 'end record' && at + 7 <= buf.length ? buf.readUIntLE(at + 1, 6) : null,
    };
  };
  let pos = 14 + hlen + 4;
  while (pos < buf.length && cut === null) {
    const tag = buf[pos];
    if (end !== null) throw new UserError(`ledger ${path} has data after its end record at byte ${pos}: it was appended to by another run`);
    if (tag === BLOCK_TAG) {
      if (pos + BLOCK_HEAD > buf.length) {
        cutAt(pos, 'block header');
        break;
      }
      const first = buf.readUIntLE(pos + 1, 6);
      const count = buf.readUInt32LE(pos + 7);
      const plen = Math.ceil(count / 4);
      if (pos + BLOCK_HEAD + plen > buf.length) {
        cutAt(pos, 'block');
        break;
      }
      const payload = buf.subarray(pos + BLOCK_HEAD, pos + BLOCK_HEAD + plen);
      if (crc32(payload) !== buf.readUInt32LE(pos + 11))
        throw new UserError(`ledger ${path} is corrupt at byte ${pos} (block checksum mismatch)`);
      for (let i = 0; i < count; i++) {
        const c = ((payload[i >> 2] as number) >> ((i & 3) * 2)) & 3;
        if (c !== 0) outcomes.set(first + i, c as OutcomeCode);
      }
      pos += BLOCK_HEAD + plen;
    } else if (tag === END_TAG) {
      const n = pos + 5 <= buf.length ? buf.readUInt32LE(pos + 1) : 0;
      if (pos + 5 > buf.length || pos + 5 + n + 4 > buf.length) {
        cutAt(pos, 'end record');
        break;
      }
      const json = buf.subarray(pos + 5, pos + 5 + n);
      if (crc32(json) !== buf.readUInt32LE(pos + 5 + n))
        throw new UserError(`ledger ${path} is corrupt at byte ${pos} (end record checksum)`);
      end = JSON.parse(json.toString('utf8')) as LedgerEnd;
      pos += 5 + n + 4;
    } else {
      throw new UserError(`ledger ${path} is corrupt at byte ${pos} (unknown record 0x${(tag ?? 0).toString(16)})`);
    }
  }
  return { path, header, outcomes, end, bytes: buf.length, cut };
}

function truncated(path: string, at: number, what: string, blocksLeft = true): UserError {
  return new UserError(
    `ledger ${path} is truncated: its ${what} at byte ${at} is cut short (the file was cut or copied while being written)${blocksLeft ? '; audit its intact blocks with --allow-truncated' : ''}`,
  );
}
