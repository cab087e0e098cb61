/**
 * Redis Cluster key slots: CRC16 (XMODEM: polynomial 0x1021, initial value 0) modulo
 * 16384, honouring `{hash tags}`. Exported for every capability that routes keys.
 */

export const CLUSTER_SLOTS = 16384;

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

/** CRC16/XMODEM of bytes [start, end). */
export function crc16(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ (data[i] as number)) & 0xff] as number);
  return crc;
}

/** The cluster slot of a key: only the part inside the first non-empty `{...}` counts. */
export function keySlot(key: string | Uint8Array): number {
  const b = typeof key === 'string' ? Buffer.from(key) : key;
  const open = b.indexOf(123); // '{'
  if (open !== -1) {
    const close = b.indexOf(125, open + 1); // '}'
    if (close > open + 1) return crc16(b, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(b) % CLUSTER_SLOTS;
}

const TAG_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

let tagTable: string[] | null = null;

/**
 * For every slot, the shortest hash tag (1 to 3 characters of [a-zA-Z0-9]) that maps to
 * it: `key{<tag>}:...` lands on that slot. Computed once (about 240k CRCs).
 */
export function slotTags(): readonly string[] {
  if (tagTable) return tagTable;
  const table: (string | undefined)[] = new Array(CLUSTER_SLOTS);
  let missing = CLUSTER_SLOTS;
  const buf = Buffer.alloc(3);
  const n = TAG_ALPHABET.length;
  for (let len = 1; len <= 3 && missing > 0; len++) {
    const total = n ** len;
    for (let i = 0; i < total && missing > 0; i++) {
      let x = i;
      for (let j = 0; j < len; j++) {
        buf[j] = TAG_ALPHABET.charCodeAt(x % n);
        x = Math.floor(x / n);
      }
      const slot = crc16(buf, 0, len) % CLUSTER_SLOTS;
      if (table[slot] === undefined) {
        table[slot] = buf.toString('latin1', 0, len);
        missing--;
      }
    }
  }
  if (missing > 0) throw new Error(`internal: ${missing} cluster slots have no 3-character hash tag`);
  tagTable = table as string[];
  return tagTable;
}

/**
 * Write the 5-byte hash tag placeholder at `offset` (`{tag}` in a command) for `slot`:
 * `{` + tag padded with `}` to 3 characters + `}`, the way redis-benchmark fills it.
 */
export function writeSlotTag(buf: Buffer, offset: number, slot: number): void {
  const tag = slotTags()[slot] as string;
  buf[offset] = 123;
  buf[offset + 1] = tag.charCodeAt(0);
  buf[offset + 2] = tag.length >= 2 ? tag.charCodeAt(1) : 125;
  buf[offset + 3] = tag.length >= 3 ? tag.charCodeAt(2) : 125;
  buf[offset + 4] = 125;
}
