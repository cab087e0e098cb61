/**
 * RESP2 command encoding. Commands are encoded once into Buffers (bench, fill) so the hot
 * path only copies bytes.
 */

const CRLF = '\r\n';

/** Encode one command as a RESP array of bulk strings. */
export function encodeCommand(args: ReadonlyArray<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}${CRLF}`)];
  for (const arg of args) {
    const b = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${b.length}${CRLF}`), b, Buffer.from(CRLF));
  }
  return Buffer.concat(parts);
}

/** Byte length of a command once encoded, without encoding it. */
export function encodedLength(args: ReadonlyArray<string | Buffer>): number {
  let n = 1 + String(args.length).length + 2;
  for (const arg of args) {
    const len = Buffer.isBuffer(arg) ? arg.length : Buffer.byteLength(arg);
    n += 1 + String(len).length + 2 + len + 2;
  }
  return n;
}

/**
 * Write a command straight into `target` at `offset` (no intermediate Buffers) and
 * return the new offset. `target` must have room: see encodedLength().
 */
export function writeCommand(target: Buffer, offset: number, args: ReadonlyArray<string | Buffer>): number {
  let o = offset;
  o += target.write(`*${args.length}\r\n`, o, 'latin1');
  for (const arg of args) {
    if (Buffer.isBuffer(arg)) {
      o += target.write(`$${arg.length}\r\n`, o, 'latin1');
      o += arg.copy(target, o);
    } else {
      const len = Buffer.byteLength(arg);
      o += target.write(`$${len}\r\n`, o, 'latin1');
      o += target.write(arg, o, 'utf8');
    }
    target[o++] = 13;
    target[o++] = 10;
  }
  return o;
}

/** Write a non-negative integer's decimal digits; returns the new offset. */
export function writeUint(buf: Buffer, off: number, n: number): number {
  if (n < 10) {
    buf[off] = 48 + n;
    return off + 1;
  }
  let digits = 0;
  for (let x = n; x >= 1; x = Math.floor(x / 10)) digits++;
  let o = off + digits;
  let x = n;
  while (x >= 1) {
    const q = Math.floor(x / 10);
    buf[--o] = 48 + (x - q * 10);
    x = q;
  }
  return off + digits;
}

/**
 * Split a command line the way redis-cli does: whitespace separates, double and single
 * quotes group, backslash escapes inside double quotes.
 */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let word = '';
    const q = line[i];
    if (q === '"' || q === "'") {
      i++;
      while (i < line.length && line[i] !== q) {
        if (q === '"' && line[i] === '\\' && i + 1 < line.length) {
          const n = line[i + 1] as string;
          word += n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n;
          i += 2;
        } else word += line[i++];
      }
      if (i >= line.length) throw new Error(`unbalanced quotes in: ${line}`);
      i++;
    } else {
      while (i < line.length && !/\s/.test(line[i] as string)) word += line[i++];
    }
    out.push(word);
  }
  return out;
}
