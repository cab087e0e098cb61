/** `stormdrill bench --help`: redis-benchmark's layout, one line per flag of the bench's flag table. */
import { FLAGS } from '../../bench/options.js';

/** The help text (redis-benchmark's layout). */
export function helpText(): string {
  const lines = ['Usage: stormdrill bench [OPTIONS] [COMMAND ARGS...]', '', 'Options:'];
  for (const f of FLAGS) {
    const left = `${f.names.join(', ')}${f.arg ? ` ${f.arg}` : ''}`;
    lines.push(` ${left.padEnd(24)} ${f.help}`);
  }
  lines.push(
    '',
    'Examples:',
    '  stormdrill bench -t set,get -n 100000 -q',
    '  stormdrill bench -h 127.0.0.1 -p 6379 --cluster -d 100 -n 1000000 -r 1000000 -c 3 -q -t ping_inline,set,get,incr',
    '  stormdrill bench -r 10000 -n 10000 lpush mylist __rand_int__',
    '  stormdrill bench --duration 30 --mix set=1,get=10 -r 100000 --key-dist zipf:0.99 --json bench.json',
    '',
  );
  return lines.join('\n');
}
