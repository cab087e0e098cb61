/**
 * Seeded randomness for keys and values: deterministic from --seed, cheap on the hot
 * path (no allocation per draw).
 */

/** A 32-bit PRNG (mulberry32). Returns integers in [0, 2^32). */
export function prng32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform double in [0, 1) from a 32-bit generator. */
export function unit(r: () => number): () => number {
  return () => r() / 4294967296;
}

export type KeyDist =
  | { kind: 'uniform' }
  | { kind: 'sequential' }
  | { kind: 'zipf'; s: number }
  | { kind: 'gaussian'; mean?: number; stddev?: number };

/**
 * A key-index generator over [0, keyspace). `uniform` is redis-benchmark's
 * `random() % keyspace`; `sequential` counts up from `start` and wraps; `zipf:S` draws
 * index k with probability roughly proportional to 1/(k+1)^S (continuous inverse CDF,
 * index 0 hottest); `gaussian:MEAN,STDDEV` is a normal around MEAN (default the middle)
 * with STDDEV (default keyspace/6), clamped to the keyspace.
 */
export function keyGenerator(dist: KeyDist, keyspace: number, seed: number, start = 0): () => number {
  const n = Math.max(1, Math.floor(keyspace));
  const r32 = prng32(seed);
  switch (dist.kind) {
    case 'uniform':
      return n <= 0xffffffff ? () => r32() % n : () => Math.floor((r32() * 4294967296 + r32()) % n);
    case 'sequential': {
      let i = start % n;
      return () => {
        const v = i;
        i = i + 1 === n ? 0 : i + 1;
        return v;
      };
    }
    case 'zipf': {
      const u = unit(r32);
      const s = dist.s;
      if (Math.abs(s - 1) < 1e-9) {
        // P(x) ~ 1/x on [1, n+1): x = (n+1)^u
        return () => Math.min(n - 1, Math.floor((n + 1) ** u()) - 1);
      }
      const a = 1 - s;
      const top = (n + 1) ** a;
      return () => {
        const x = ((top - 1) * u() + 1) ** (1 / a);
        const k = Math.floor(x) - 1;
        return k < 0 ? 0 : k >= n ? n - 1 : k;
      };
    }
    case 'gaussian': {
      const u = unit(r32);
      const mean = dist.mean ?? (n - 1) / 2;
      const sd = dist.stddev ?? n / 6;
      let spare: number | null = null;
      return () => {
        let z: number;
        if (spare !== null) {
          z = spare;
          spare = null;
        } else {
          const u1 = u() || 1e-12;
          const u2 = u();
          const m = Math.sqrt(-2 * Math.log(u1));
          z = m * Math.cos(2 * Math.PI * u2);
          spare = m * Math.sin(2 * Math.PI * u2);
        }
        const k = Math.round(mean + z * sd);
        return k < 0 ? 0 : k >= n ? n - 1 : k;
      };
    }
  }
}

/**
 * Value bytes as redis-benchmark makes them: a small LCG from a fixed state, each byte
 * `'0' + ((state >> 16) & 63)`. With a seed the LCG starts from the seed instead.
 */
export function benchmarkData(size: number, seed?: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let state = seed === undefined ? 1234 : seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    b[i] = 48 + ((state >>> 16) & 63);
  }
  return b;
}

/** "00".."99" as byte pairs, for writing digits two at a time. */
const PAIRS = (() => {
  const t = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t[2 * i] = 48 + Math.floor(i / 10);
    t[2 * i + 1] = 48 + (i % 10);
  }
  return t;
})();

/** Write 6 digits of `x` (0 <= x < 1e6) at `offset`, integer arithmetic only. */
function write6(buf: Buffer, offset: number, x: number): void {
  let r = x;
  for (let p = offset + 4; p >= offset; p -= 2) {
    const q = (r / 100) | 0;
    const d = (r - q * 100) << 1;
    buf[p] = PAIRS[d] as number;
    buf[p + 1] = PAIRS[d + 1] as number;
    r = q;
  }
}

/** Write `n` (0 <= n < 1e12) as 12 zero-padded ASCII digits at `offset` (the `__rand_int__` slot). */
export function writeDigits12(buf: Buffer, offset: number, n: number): void {
  const hi = Math.floor(n / 1e6);
  write6(buf, offset, hi);
  write6(buf, offset + 6, n - hi * 1e6);
}
