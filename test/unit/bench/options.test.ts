import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseBenchArgv } from '../../../lib/bench/options.js';
import { helpText } from '../../../lib/cli/bench/help.js';

describe('parseBenchArgv', () => {
  it('takes a redis-benchmark cluster line as is', () => {
    const r = parseBenchArgv(
      '-h 10.0.0.7 -p 6380 --cluster -d 100 -n 1000000 -r 1000000 -c 3 -q -t PING_INLINE,SET,GET,INCR,LPUSH,RPUSH,LPOP,RPOP,HSET,MSET'.split(
        ' ',
      ),
    );
    expect(r.problems).toEqual([]);
    expect(r.options).toMatchObject({
      host: '10.0.0.7',
      port: 6380,
      cluster: true,
      dataSize: 100,
      requests: 1000000,
      keyspace: 1000000,
      clients: 3,
      quiet: true,
      tests: ['ping_inline', 'set', 'get', 'incr', 'lpush', 'rpush', 'lpop', 'rpop', 'hset', 'mset'],
    });
  });

  it("uses redis-benchmark's defaults", () => {
    const { options, problems } = parseBenchArgv([]);
    expect(problems).toEqual([]);
    expect(options).toMatchObject({
      host: '127.0.0.1',
      port: 6379,
      clients: 50,
      requests: 100000,
      dataSize: 3,
      pipeline: 1,
      keepAlive: true,
    });
    expect(options.keyspace).toBeUndefined();
    expect(DEFAULTS.clients).toBe(50);
  });

  it('reads single-dash flags (-3, -x, -P, -I, -l) and a trailing command', () => {
    const r = parseBenchArgv(['-3', '-P', '16', '-x', '-r', '100', 'set', 'foo:__rand_int__', '-P']);
    expect(r.problems).toEqual([]);
    expect(r.options.resp3).toBe(true);
    expect(r.options.stdinArg).toBe(true);
    expect(r.options.pipeline).toBe(16);
    expect(r.options.command).toEqual(['set', 'foo:__rand_int__', '-P']);
  });

  it('reads -u URIs and --flag=value', () => {
    const r = parseBenchArgv(['-u', 'rediss://alice:s3cret@cache.local:7000/2', '--duration=5']);
    expect(r.problems).toEqual([]);
    expect(r.options).toMatchObject({
      host: 'cache.local',
      port: 7000,
      user: 'alice',
      password: 's3cret',
      dbnum: 2,
      tls: true,
      durationSec: 5,
    });
  });

  it.each([
    [['-t', 'set,nosuch'], /^unknown test 'nosuch' in -t: known tests are /],
    [['-c', '0'], /^-c must be between 1 and \d+ \(parallel connections/],
    [['-P', '0'], /^-P must be between 1 and \d+ \(requests per pipeline/],
    [['-d', '0'], /^-d must be between 1 and 536870912 \(payload bytes\)/],
    [['-d', '999999999999'], /^-d must be between 1 and 536870912/],
    [['-n', 'lots'], /^-n must be an integer/],
    [['-k', '2'], /^-k must be 1 \(keep alive\) or 0/],
    [['--bogus'], /^unknown option '--bogus'/],
    [['-c'], /^option -c needs a value/],
    [['--key-dist', 'pareto'], /^--key-dist must be uniform, sequential/],
    [['--data-size-range', '10-5'], /^--data-size-range needs 1 <= MIN <= MAX/],
    [['--mix', 'set=0'], /^--mix entry 'set=0' must be NAME=WEIGHT/],
    [['--user', 'bob'], /^--user needs -a/],
    [
      ['-n', '99999999999999999999999'],
      /^-n is too large: at most 9007199254740991 \(total requests, e.g. -n 100000\), got 99999999999999999999999$/,
    ],
    [['--cluster', '--dbnum', '2'], /^--cluster cannot be used with --dbnum/],
  ])('rejects %j with one clear line', (argv, message) => {
    const { problems } = parseBenchArgv(argv);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).not.toContain('\n');
  });

  it('reports every problem at once', () => {
    const { problems } = parseBenchArgv(['-c', '0', '-P', '0', '-t', 'nope', '-d', '0']);
    expect(problems).toHaveLength(4);
  });

  it('parses mixes, key distributions and size ranges', () => {
    const r = parseBenchArgv([
      '--mix',
      'set=1,get=10,HGET myhash element:__rand_int__=2',
      '--key-dist',
      'zipf:0.9',
      '--data-size-range',
      '10-100',
    ]);
    expect(r.problems).toEqual([]);
    expect(r.options.mix).toEqual([
      { name: 'set', weight: 1 },
      { name: 'get', weight: 10 },
      { name: 'HGET myhash element:__rand_int__', weight: 2, command: ['HGET', 'myhash', 'element:__rand_int__'] },
    ]);
    expect(r.options.keyDist).toEqual({ kind: 'zipf', s: 0.9 });
    expect(r.options.dataSizeRange).toEqual([10, 100]);
    expect(parseBenchArgv(['--key-dist', 'gaussian:500,50']).options.keyDist).toEqual({ kind: 'gaussian', mean: 500, stddev: 50 });
  });

  it('help lists every redis-benchmark option', () => {
    const h = helpText();
    for (const f of [
      '-h',
      '-p',
      '-s',
      '-a',
      '--user',
      '-u',
      '-c',
      '-n',
      '-d',
      '--dbnum',
      '-3',
      '--threads',
      '--cluster',
      '--enable-tracking',
      '-k',
      '-r',
      '-P',
      '-q',
      '--precision',
      '--csv',
      '-l',
      '-t',
      '-I',
      '-x',
      '--seed',
      '--tls',
      '--help',
      '--version',
    ])
      expect(h).toMatch(new RegExp(`^ ${f.replace(/[-]/g, '\\-')}[ ,]`, 'm'));
  });
});
