/**
 * Redis Cluster key slots: CRC16 (XMODEM polynomial 0x1021) of the key, or of its
 * `{hash tag}` when it has a non-empty one, modulo 16384. Shared by every capability that
 * routes keys to cluster masters (bench, fill, write, verify).
 */

export const SLOT_COUNT = 16384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/** CRC16/XMODEM of bytes [start, end). */
export function crc16(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ (buf[i] as number)) & 0xff] as number);
  return crc;
}

/** The slot of a key given as bytes (honours `{tag}`). */
export function slotOfBytes(key: Uint8Array, start = 0, end = key.length): number {
  let open = -1;
  for (let i = start; i < end; i++) {
    if (key[i] === 123) {
      open = i;
      break;
    }
  }
  if (open >= 0) {
    for (let j = open + 1; j < end; j++) {
      if (key[j] === 125) {
        if (j > open + 1) return crc16(key, open + 1, j) & (SLOT_COUNT - 1);
        break;
      }
    }
  }
  return crc16(key, start, end) & (SLOT_COUNT - 1);
}

const scratch = Buffer.allocUnsafe(1024);

/** The slot of a key. */
export function keySlot(key: string | Buffer): number {
  if (Buffer.isBuffer(key)) return slotOfBytes(key);
  const n = Buffer.byteLength(key);
  if (n <= scratch.length) {
    scratch.write(key, 0, 'utf8');
    return slotOfBytes(scratch, 0, n);
  }
  return slotOfBytes(Buffer.from(key));
}
