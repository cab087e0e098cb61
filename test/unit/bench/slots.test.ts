import { describe, expect, it } from 'vitest';
import { slotTags, writeSlotTag } from '../../../lib/bench/slots.js';
import { crc16, keySlot, SLOT_COUNT } from '../../../lib/redis/key-slot.js';

describe('cluster slots', () => {
  it('computes CRC16/XMODEM', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
  });

  it('maps keys to the slots Redis uses, honouring hash tags', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % SLOT_COUNT);
  });

  it('has a short hash tag for every slot, and writes it in place', () => {
    const tags = slotTags();
    expect(tags).toHaveLength(SLOT_COUNT);
    for (let s = 0; s < SLOT_COUNT; s += 97) expect(keySlot(`x{${tags[s]}}y`)).toBe(s);
    // the tags redis-benchmark 7 writes for the first slot of each master of a 3-master cluster
    expect([tags[0], tags[5461], tags[10923]]).toEqual(['06S', '8M', '63n']);
    const buf = Buffer.from('key{tag}:000000000001');
    for (const slot of [0, 1, 5000, 16383]) {
      writeSlotTag(buf, 3, slot);
      expect(keySlot(buf)).toBe(slot);
    }
  });
});
