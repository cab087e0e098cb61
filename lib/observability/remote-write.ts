/**
 * Push metrics to a Prometheus remote-write endpoint (`--prom-rw URL`): a prom-client
 * Registry is turned into time series (counters, gauges, classic histogram buckets and
 * summaries) labelled with the run's `testid`, and pushed periodically. Credentials go in
 * headers only and never appear in errors.
 */
import type { Registry } from 'prom-client';
import { request } from 'undici';
import { redactSecrets } from '../core/errors.js';
import { snappyBody, type TimeSeries } from './write-request.js';

export interface RemoteWriteAuth {
  username?: string;
  password?: string;
  bearerToken?: string;
  headers?: Record<string, string>;
}

export interface PushOptions extends RemoteWriteAuth {
  /** Added to every series, e.g. { testid }. */
  labels?: Record<string, string>;
  timeoutMs?: number;
}

interface MetricJson {
  name: string;
  type: string;
  values: Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;
}

/** Series of every metric in the registry at `nowMs`. */
export async function registryToSeries(registry: Registry, labels: Record<string, string> = {}, nowMs = Date.now()): Promise<TimeSeries[]> {
  const metrics = (await registry.getMetricsAsJSON()) as unknown as MetricJson[];
  const out: TimeSeries[] = [];
  for (const m of metrics) {
    for (const v of m.values) {
      if (!Number.isFinite(v.value) && !Number.isNaN(v.value)) continue;
      const l: Record<string, string> = { ...labels };
      for (const [k, val] of Object.entries(v.labels)) l[k] = String(val);
      l.__name__ = v.metricName ?? m.name;
      out.push({ labels: l, samples: [{ value: v.value, timestampMs: nowMs }] });
    }
  }
  return out;
}

function authHeaders(o: RemoteWriteAuth): Record<string, string> {
  const h: Record<string, string> = { ...o.headers };
  if (o.bearerToken) h.authorization = `Bearer ${o.bearerToken}`;
  else if (o.username !== undefined || o.password !== undefined) {
    h.authorization = `Basic ${Buffer.from(`${o.username ?? ''}:${o.password ?? ''}`).toString('base64')}`;
  }
  return h;
}

/** Push series once; rejects with a one-line, credential-free message on failure. */
export async function pushSeries(url: string, series: TimeSeries[], o: PushOptions = {}): Promise<void> {
  if (series.length === 0) return;
  const res = await request(url, {
    method: 'POST',
    body: snappyBody(series),
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...authHeaders(o),
    },
    headersTimeout: o.timeoutMs ?? 5000,
    bodyTimeout: o.timeoutMs ?? 5000,
  }).catch((err: Error) => {
    throw new Error(`remote write to ${redactSecrets(url)} failed: ${err.message}`);
  });
  const text = await res.body.text();
  if (res.statusCode < 200 || res.statusCode >= 300) {
    throw new Error(`remote write to ${redactSecrets(url)} answered ${res.statusCode}: ${text.trim().slice(0, 200)}`);
  }
}

export async function pushRegistry(url: string, registry: Registry, o: PushOptions = {}): Promise<void> {
  await pushSeries(url, await registryToSeries(registry, o.labels), o);
}

export interface RemoteWritePusher {
  /** Push now (also used for the final push). */
  flush(): Promise<void>;
  /** Final push, then stop the timer. */
  stop(): Promise<void>;
  /** Pushes that failed so far (the run goes on; see onError). */
  readonly failures: number;
}

export function startRemoteWritePush(
  o: PushOptions & {
    url: string;
    registry: Registry;
    intervalMs?: number;
    onError?: (message: string) => void;
    /** Series prom-client cannot express (native histograms), pushed with the registry's; `labels` are added. */
    extraSeries?: (nowMs: number) => TimeSeries[];
  },
): RemoteWritePusher {
  let failures = 0;
  const seen = new Set<string>();
  let inflight: Promise<void> = Promise.resolve();
  const push = async () => {
    const now = Date.now();
    const extra = (o.extraSeries?.(now) ?? []).map((s) => ({ ...s, labels: { ...o.labels, ...s.labels } }));
    await pushSeries(o.url, [...(await registryToSeries(o.registry, o.labels, now)), ...extra], o);
  };
  const flush = () => {
    inflight = inflight.then(() =>
      push().catch((err: Error) => {
        failures++;
        // Report each kind of failure once, not once per push.
        const kind = err.message.replace(/\d+/g, 'N');
        if (!seen.has(kind)) {
          seen.add(kind);
          o.onError?.(err.message);
        }
      }),
    );
    return inflight;
  };
  const timer = setInterval(() => void flush(), o.intervalMs ?? 5000);
  timer.unref();
  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      await flush();
    },
    get failures() {
      return failures;
    },
  };
}
