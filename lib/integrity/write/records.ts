/**
 * What the writer writes and how the audit reads it back: one key per sequence number
 * (`<prefix>w:<seq>`) whose value carries the seq and a checksum. Pure.
 */
import { crc32 } from 'node:zlib';
import type { RespValue } from '../../core/resp/index.js';
import { ReplyError } from '../../core/resp/index.js';

export const WRITE_MODES = ['set', 'incr', 'rpush', 'xadd'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

export function writeKey(prefix: string, seq: number): string {
  return `${prefix}w:${seq}`;
}

/** `<seq>:<crc32 hex of seq>:` padded with a seq-dependent filler to `size` bytes (at least the header). */
export function writeValue(seq: number, size: number): string {
  const head = `${seq}:${crc32(String(seq)).toString(16).padStart(8, '0')}:`;
  if (head.length >= size) return head;
  const fill = 'abcdefghijklmnopqrstuvwxyz0123456789'[seq % 36] as string;
  return head + fill.repeat(size - head.length);
}

const WRITE_COMMANDS: Record<WriteMode, (key: string, value: string) => string[]> = {
  set: (k, v) => ['SET', k, v],
  incr: (k) => ['INCR', k],
  rpush: (k, v) => ['RPUSH', k, v],
  xadd: (k, v) => ['XADD', k, '*', 'v', v],
};

/** The command that writes `seq`. */
export function writeCommandFor(mode: WriteMode, key: string, value: string): string[] {
  return WRITE_COMMANDS[mode](key, value);
}

/** True when modes are read back with one MGET per batch. */
export function readsWithMget(mode: WriteMode): boolean {
  return mode === 'set' || mode === 'incr';
}

/** The per-key read command for modes that cannot use MGET. */
export function readCommandFor(mode: WriteMode, key: string): string[] {
  if (mode === 'rpush') return ['LRANGE', key, '0', '-1'];
  if (mode === 'xadd') return ['XRANGE', key, '-', '+'];
  return ['GET', key];
}

export type ReadState = 'ok' | 'absent' | 'corrupt';

/** Classify what the server holds for `seq`. */
export function classifyRead(mode: WriteMode, reply: RespValue, seq: number, valueSize: number): ReadState {
  if (reply instanceof ReplyError) return 'corrupt';
  if (reply === null) return 'absent';
  const expected = mode === 'incr' ? '1' : writeValue(seq, valueSize);
  if (mode === 'set' || mode === 'incr') return Buffer.isBuffer(reply) && reply.toString('latin1') === expected ? 'ok' : 'corrupt';
  if (!Array.isArray(reply)) return 'corrupt';
  if (reply.length === 0) return 'absent';
  if (mode === 'rpush')
    return reply.length === 1 && Buffer.isBuffer(reply[0]) && reply[0].toString('latin1') === expected ? 'ok' : 'corrupt';
  // xadd: [[id, [field, value]]]
  const entry = reply[0];
  if (reply.length !== 1 || !Array.isArray(entry) || !Array.isArray(entry[1])) return 'corrupt';
  const fv = entry[1] as RespValue[];
  return fv.length === 2 && String(fv[0]) === 'v' && Buffer.isBuffer(fv[1]) && fv[1].toString('latin1') === expected ? 'ok' : 'corrupt';
}
