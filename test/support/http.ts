/** One HTTP call for tests: JSON in and out, bounded in time, network errors as status 0. */

export interface HttpReply {
  /** 0 when the connection failed (see `thrown`). */
  status: number;
  /** The parsed body, {} when it is not JSON. */
  json: Record<string, unknown>;
  text: string;
  headers: Headers;
  /** The network error, when there was no answer. */
  thrown?: string;
}

export async function httpCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 5000,
): Promise<HttpReply> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    return { status: 0, json: {}, text: '', headers: new Headers(), thrown: err instanceof Error ? err.message : String(err) };
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text, headers: res.headers };
}
