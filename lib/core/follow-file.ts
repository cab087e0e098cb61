/** Reading a file another process is still writing, line by line (k6's log and JSON output). */
import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Follow a growing file and hand out complete lines: `poll()` reads what was appended since
 * the last call; `flush()` also hands out a last line without its newline.
 */
export function followFile(path: string, onLine: (line: string) => void): { poll(): void; flush(): void } {
  let offset = 0;
  let rest = '';
  const buf = Buffer.alloc(64 * 1024);
  const poll = () => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    try {
      for (let i = 0; i < 1000; i++) {
        const n = readSync(fd, buf, 0, buf.length, offset);
        if (n <= 0) break;
        offset += n;
        rest += buf.subarray(0, n).toString('utf8');
      }
    } finally {
      closeSync(fd);
    }
    const lines = rest.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) onLine(l);
  };
  return {
    poll,
    flush() {
      poll();
      if (rest) onLine(rest);
      rest = '';
    },
  };
}
