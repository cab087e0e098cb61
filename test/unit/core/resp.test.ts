import { describe, expect, it } from 'vitest';
import { encodeCommand, encodedLength, splitCommandLine, writeCommand } from '../../../lib/core/resp/encode.js';
import { ReplyError, ReplyReader, type RespValue } from '../../../lib/core/resp/reader.js';

function readAll(stream: Buffer, cuts: number[], keepValues = true) {
  const values: RespValue[] = [];
  const errors: Array<string | null> = [];
  const r = new ReplyReader({ keepValues, onReply: (e) => errors.push(e), onValue: (v) => values.push(v) });
  let last = 0;
  for (const c of [...cuts, stream.length]) {
    r.feed(stream.subarray(last, c));
    last = c;
  }
  return { values, errors, reader: r };
}

const STREAM = Buffer.from(
  '+OK\r\n-ERR wrong\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*3\r\n$1\r\na\r\n*1\r\n:1\r\n-OOM no\r\n*0\r\n$12\r\nwith\r\ncrlf!!\r\n',
);

describe('RESP encoding', () => {
  it('encodes arrays of bulk strings', () => {
    expect(encodeCommand(['SET', 'k', 'v']).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect(encodedLength(['SET', 'k', 'vé'])).toBe(encodeCommand(['SET', 'k', 'vé']).length);
    const b = Buffer.alloc(64);
    const end = writeCommand(b, 0, ['GET', Buffer.from('key')]);
    expect(b.subarray(0, end).toString()).toBe(encodeCommand(['GET', 'key']).toString());
  });

  it('splits command lines like redis-cli', () => {
    expect(splitCommandLine(`SET "a b" 'c d' e\\n`)).toEqual(['SET', 'a b', 'c d', 'e\\n']);
    expect(splitCommandLine('SET "x\\ny"')).toEqual(['SET', 'x\ny']);
    expect(() => splitCommandLine('SET "open')).toThrow(/unbalanced/);
  });
});

describe('ReplyReader', () => {
  it('decodes a stream in one chunk', () => {
    const { values, errors } = readAll(STREAM, []);
    expect(values).toHaveLength(8);
    expect(values[0]).toBe('OK');
    expect(values[1]).toBeInstanceOf(ReplyError);
    expect(values[2]).toBe(42);
    expect(String(values[3])).toBe('hello');
    expect(values[4]).toBeNull();
    const arr = values[5] as RespValue[];
    expect(String(arr[0])).toBe('a');
    expect(arr[1]).toEqual([1]);
    expect(arr[2]).toBeInstanceOf(ReplyError);
    expect(values[6]).toEqual([]);
    expect(String(values[7])).toBe('with\r\ncrlf!!');
    expect(errors.filter(Boolean)).toEqual(['ERR wrong', 'OOM no']);
  });

  it('gives the same replies for every way of cutting the stream into two or three chunks', () => {
    const whole = readAll(STREAM, []);
    for (let i = 1; i < STREAM.length; i++) {
      for (const j of [i + 1, i + 7, STREAM.length - 1]) {
        if (j <= i || j >= STREAM.length) continue;
        for (const keep of [true, false]) {
          const cut = readAll(STREAM, [i, j], keep);
          expect(cut.errors).toEqual(whole.errors);
          expect(cut.reader.replies).toBe(8);
          expect(cut.reader.idle).toBe(true);
          if (keep) expect(cut.values.map(String)).toEqual(whole.values.map(String));
        }
      }
    }
  });

  it('counts byte-by-byte feeding without values', () => {
    const r = new ReplyReader({ onReply: () => {} });
    for (let i = 0; i < STREAM.length; i++) r.feed(STREAM.subarray(i, i + 1));
    expect(r.replies).toBe(8);
    expect(r.errors).toBe(2);
  });

  it('rejects garbage with a protocol error', () => {
    const r = new ReplyReader({ onReply: () => {} });
    expect(() => r.feed(Buffer.from('?what\r\n'))).toThrow(/protocol error/);
  });
});
