import { describe, expect, it } from 'vitest';
import { LineReplyCounter } from '../../../lib/integrity/fill/reply-counter.js';

describe('fill reply counter', () => {
  const stream = Buffer.from('+OK\r\n:1\r\n-OOM command not allowed\r\n+OK\r\n:12\r\n$20\r\n-$+:0123456789abcdef\r\n+OK\r\n-ERR wrong\r\n');

  it('counts one-line replies, errors and the final ECHO bulk, whatever the chunk boundaries', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (let b = a; b <= stream.length; b += 3) {
        const errors: string[] = [];
        const c = new LineReplyCounter((m) => errors.push(m));
        c.feed(stream.subarray(0, a));
        c.feed(stream.subarray(a, b));
        c.feed(stream.subarray(b));
        expect(c.replies).toBe(8);
        expect(c.errors).toBe(2);
        expect(errors).toEqual(['OOM command not allowed', 'ERR wrong']);
      }
    }
  });

  it('refuses a reply fill never expects', () => {
    expect(() => new LineReplyCounter().feed(Buffer.from('*2\r\n'))).toThrow(/unexpected reply type/);
  });
});
