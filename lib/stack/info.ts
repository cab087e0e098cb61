/** INFO replies as records, read without ioredis (no retries, no reconnect noise). */
import { type OnceOptions, redisOnce } from '../redis/once.js';

export type InfoFields = Record<string, string>;

/** Parse an INFO reply (`key:value` lines, `# Section` headers ignored). */
export function parseInfo(text: string): InfoFields {
  const out: InfoFields = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** INFO <section> of the server at `auth.host`:`port` as a record (2 s). */
export async function redisInfo(port: number, section: string, auth: OnceOptions = {}): Promise<InfoFields> {
  const r = await redisOnce(port, ['INFO', section], { ...auth, timeoutMs: 2000 });
  if (r instanceof Error) throw r;
  return parseInfo(String(r));
}

/** Poll until `check` is true or fail with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
