/**
 * The drill's service workload driven by k6 (when K6_BIN or k6 on PATH is present): the
 * library's `load` scenario under the `soak` profile (a constant arrival rate of user flows)
 * for as long as the drill runs, remote-writing to the drill's Prometheus under the drill's
 * testid. Every request k6 made is read back from its JSON output as it is written (k6
 * stamps a request's samples with the time its answer came; the duration gives the send
 * time) into the same ServiceLog as stormdrill's own flow. Stopped through k6's REST API,
 * so k6 ends gracefully and writes its summary.
 */
import { join } from 'node:path';
import { followFile } from '../../core/follow-file.js';
import { type K6RunResult, runK6 } from '../../k6run/index.js';
import type { ServiceLog } from './service-log.js';

export interface K6LoadOptions {
  baseUrl: string;
  /** User flows started per second (k6's arrival rate; at least 1). */
  rate: number;
  /** The drill's run id: k6 tags every sample with its testid. */
  runId: string;
  remoteWriteUrl: string;
  /** Where k6's JSON output, log and summary go. */
  dir: string;
  /** A free loopback port for k6's REST API (used to stop it). */
  apiPort: number;
  k6Bin?: string;
  log: (line: string) => void;
}

/** k6's exit code for a run stopped through its REST API. */
export const K6_STOPPED_BY_API = 103;

/** One k6 JSON output line → a request, when it is an http_req_duration point. Pure. */
export function k6Request(line: string): { sentMs: number; doneMs: number; status: number; error?: string } | null {
  if (!line.includes('"http_req_duration"') || !line.includes('"Point"')) return null;
  try {
    const p = JSON.parse(line) as {
      metric: string;
      type: string;
      data: { time: string; value: number; tags?: Record<string, string> };
    };
    if (p.metric !== 'http_req_duration' || p.type !== 'Point') return null;
    const doneMs = Date.parse(p.data.time);
    const status = Number(p.data.tags?.status ?? 0);
    return {
      sentMs: doneMs - p.data.value,
      doneMs,
      status,
      ...(status === 0 ? { error: `k6_${p.data.tags?.error_code ?? 'error'}` } : {}),
    };
  } catch {
    return null;
  }
}

export function startK6Load(o: K6LoadOptions, log: ServiceLog): { stop(): Promise<K6RunResult | null> } {
  const out = join(o.dir, 'k6-requests.json');
  const rate = Math.max(1, Math.round(o.rate));
  const run = runK6({
    scenario: 'load',
    profile: 'soak',
    baseUrl: o.baseUrl,
    promRw: o.remoteWriteUrl,
    pushInterval: '1s',
    runId: o.runId,
    reportRoot: o.dir,
    knobs: { rate, duration: '1h', maxVus: Math.max(20, rate * 10) },
    k6Args: ['--address', `127.0.0.1:${o.apiPort}`, '--out', `json=${out}`],
    k6Bin: o.k6Bin,
    log: o.log,
  }).catch((err: Error) => {
    o.log(`k6: ${err.message}`);
    return null;
  });
  const { poll } = followFile(out, (l) => {
    const r = k6Request(l);
    if (r) log.record(r);
  });
  const timer = setInterval(poll, 200);
  return {
    stop: async () => {
      await fetch(`http://127.0.0.1:${o.apiPort}/v1/status`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { type: 'status', id: 'default', attributes: { stopped: true } } }),
        signal: AbortSignal.timeout(3000),
      }).catch((err: Error) => o.log(`k6: could not stop it through its REST API (${err.message})`));
      const result = await run;
      clearInterval(timer);
      poll();
      // k6 exits 103 when its run is stopped through the REST API, as here at the drill's end
      return result?.exitCode === K6_STOPPED_BY_API ? { ...result, meaning: 'stopped at the end of the drill' } : result;
    },
  };
}
