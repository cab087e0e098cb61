/**
 * Slot hash tags for redis-benchmark's `--cluster` mode; the slot function itself is
 * lib/redis/key-slot.ts.
 */

import { crc16, SLOT_COUNT } from '../redis/key-slot.js';

const TAG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let tagTable: string[] | null = null;

/**
 * For every slot, the shortest hash tag (1 to 3 characters of [0-9A-Za-z]) that maps to
 * it, the first in that alphabet's order among tags of the same length: `key:{<tag>}:...`
 * lands on that slot. These are the tags redis-benchmark uses (slot 0 is `06S`, slot
 * 5461 `8M`), so both tools write the same key names. Computed once (about 240k CRCs).
 */
export function slotTags(): readonly string[] {
  if (tagTable) return tagTable;
  const table: (string | undefined)[] = new Array(SLOT_COUNT);
  let missing = SLOT_COUNT;
  const buf = Buffer.alloc(3);
  const n = TAG_ALPHABET.length;
  for (let len = 1; len <= 3 && missing > 0; len++) {
    const total = n ** len;
    for (let i = 0; i < total && missing > 0; i++) {
      let x = i;
      for (let j = len - 1; j >= 0; j--) {
        buf[j] = TAG_ALPHABET.charCodeAt(x % n);
        x = Math.floor(x / n);
      }
      const slot = crc16(buf, 0, len) % SLOT_COUNT;
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
