/**
 * The built-in tests, in redis-benchmark's order, with its exact titles, commands and key
 * names. Pure data: the runner turns a test into a command template.
 */
import { type TemplateArg, VALUE } from './template.js';

export interface BuildContext {
  /** Prepended to every key name (`--key-prefix`; '' keeps redis-benchmark's names). */
  prefix: string;
  /** ':{tag}' in cluster mode (`key:{06S}:...`, the hash tag of the client's master), else ''. */
  tag: string;
  /** -r given: ZADD scores are random too. */
  randomKeys: boolean;
}

export interface TestDef {
  /** Lower-case name used by -t and --mix. */
  name: string;
  /** The title printed in reports (redis-benchmark's). */
  title: string;
  /** -t names that also select this test besides `name`. */
  alsoSelectedBy: readonly string[];
  /** The command; VALUE stands for the -d payload. */
  build(ctx: BuildContext): TemplateArg[];
  /** Not selectable on its own (the LRANGE pre-fill). */
  hidden?: boolean;
  /**
   * Cluster mode: the test fills one key per master that later tests read (the LRANGE
   * pre-fill's list), so -n is split evenly over the masters instead of going to whichever
   * thread claims first: a slow master's list still gets its share.
   */
  sharePerMaster?: boolean;
}

const k = (ctx: BuildContext, name: string) => `${ctx.prefix}${name}${ctx.tag}`;

export const TESTS: readonly TestDef[] = [
  { name: 'ping_inline', title: 'PING_INLINE', alsoSelectedBy: ['ping'], build: () => ['PING'] },
  { name: 'ping_mbulk', title: 'PING_MBULK', alsoSelectedBy: ['ping'], build: () => ['PING'] },
  { name: 'set', title: 'SET', alsoSelectedBy: [], build: (c) => ['SET', `${k(c, 'key')}:__rand_int__`, VALUE] },
  { name: 'get', title: 'GET', alsoSelectedBy: [], build: (c) => ['GET', `${k(c, 'key')}:__rand_int__`] },
  { name: 'incr', title: 'INCR', alsoSelectedBy: [], build: (c) => ['INCR', `${k(c, 'counter')}:__rand_int__`] },
  { name: 'lpush', title: 'LPUSH', alsoSelectedBy: [], build: (c) => ['LPUSH', k(c, 'mylist'), VALUE] },
  { name: 'rpush', title: 'RPUSH', alsoSelectedBy: [], build: (c) => ['RPUSH', k(c, 'mylist'), VALUE] },
  { name: 'lpop', title: 'LPOP', alsoSelectedBy: [], build: (c) => ['LPOP', k(c, 'mylist')] },
  { name: 'rpop', title: 'RPOP', alsoSelectedBy: [], build: (c) => ['RPOP', k(c, 'mylist')] },
  { name: 'sadd', title: 'SADD', alsoSelectedBy: [], build: (c) => ['SADD', k(c, 'myset'), 'element:__rand_int__'] },
  { name: 'hset', title: 'HSET', alsoSelectedBy: [], build: (c) => ['HSET', k(c, 'myhash'), 'element:__rand_int__', VALUE] },
  { name: 'spop', title: 'SPOP', alsoSelectedBy: [], build: (c) => ['SPOP', k(c, 'myset')] },
  {
    name: 'zadd',
    title: 'ZADD',
    alsoSelectedBy: [],
    build: (c) => ['ZADD', k(c, 'myzset'), c.randomKeys ? '__rand_int__' : '0', 'element:__rand_int__'],
  },
  { name: 'zpopmin', title: 'ZPOPMIN', alsoSelectedBy: [], build: (c) => ['ZPOPMIN', k(c, 'myzset')] },
  {
    name: 'lrange_prefill',
    title: 'LPUSH (needed to benchmark LRANGE)',
    alsoSelectedBy: ['lrange', 'lrange_100', 'lrange_300', 'lrange_500', 'lrange_600'],
    hidden: true,
    sharePerMaster: true,
    build: (c) => ['LPUSH', k(c, 'mylist'), VALUE],
  },
  ...[100, 300, 500, 600].map(
    (n): TestDef => ({
      name: `lrange_${n}`,
      title: `LRANGE_${n} (first ${n} elements)`,
      alsoSelectedBy: ['lrange'],
      build: (c) => ['LRANGE', k(c, 'mylist'), '0', String(n - 1)],
    }),
  ),
  {
    name: 'mset',
    title: 'MSET (10 keys)',
    alsoSelectedBy: [],
    build: (c) => {
      const args: TemplateArg[] = ['MSET'];
      for (let i = 0; i < 10; i++) args.push(`${k(c, 'key')}:__rand_int__`, VALUE);
      return args;
    },
  },
  { name: 'xadd', title: 'XADD', alsoSelectedBy: [], build: (c) => ['XADD', k(c, 'mystream'), '*', 'myfield', VALUE] },
];

/** Every name -t accepts (lower-case). */
export const TEST_NAMES: readonly string[] = [
  ...new Set([...TESTS.filter((t) => !t.hidden).map((t) => t.name), ...TESTS.flatMap((t) => t.alsoSelectedBy)]),
];

/** The tests -t selects, in catalogue order; no -t selects all. Unknown names are ignored here (validate() reports them). */
export function selectTests(names?: readonly string[]): TestDef[] {
  if (!names || names.length === 0) return [...TESTS];
  const want = new Set(names.map((n) => n.toLowerCase()));
  return TESTS.filter((t) => (!t.hidden && want.has(t.name)) || t.alsoSelectedBy.some((a) => want.has(a)));
}

/** A test by its -t/--mix name (not the hidden pre-fill). */
export function testByName(name: string): TestDef | undefined {
  const n = name.toLowerCase();
  return TESTS.find((t) => !t.hidden && t.name === n);
}
