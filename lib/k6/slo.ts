/**
 * SLOs → k6 thresholds. A small typed SLO description (latency per route, error rate, check
 * rate) becomes `options.thresholds`; profiles that should stop early (breakpoint) get
 * `abortOnFail`. Pure: parsed and checked in Node unit tests too.
 *
 * Routes are the request `name` tags the request helpers set (`GET /items`,
 * `POST /reservations/:id/confirm`), so a per-route threshold is a sub-metric such as
 * `http_req_duration{name:GET /items}`.
 */

export interface LatencySlo {
  /** 95th percentile latency bound in ms. */
  p95Ms?: number;
  /** 99th percentile latency bound in ms. */
  p99Ms?: number;
}

export interface Slo extends LatencySlo {
  /** Highest acceptable share of failed requests (http_req_failed), 0..1. */
  errorRate?: number;
  /** Lowest acceptable share of passed checks, 0..1. */
  checkRate?: number;
  /** Latency bounds per route name (`METHOD /template`). */
  routes?: Record<string, LatencySlo>;
}

export interface ObjectThreshold {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: string;
}
export type Thresholds = Record<string, Array<string | ObjectThreshold>>;

/** What the scenarios promise when no SLO is given. */
export const DEFAULT_SLO: Slo = { p95Ms: 500, p99Ms: 1000, errorRate: 0.01, checkRate: 0.99 };

const TOP_KEYS = ['p95Ms', 'p99Ms', 'errorRate', 'checkRate', 'routes'];
const LATENCY_KEYS = ['p95Ms', 'p99Ms'];
const ROUTE_NAME = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/[\w\-./:{}]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkLatency(where: string, v: Record<string, unknown>, errors: string[]): LatencySlo {
  const out: LatencySlo = {};
  for (const k of LATENCY_KEYS) {
    const x = v[k];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0)
      errors.push(`${where}.${k} must be a positive number of ms (got ${JSON.stringify(x)})`);
    else out[k as keyof LatencySlo] = x;
  }
  for (const k of Object.keys(v))
    if (!LATENCY_KEYS.includes(k)) errors.push(`${where}: unknown key '${k}' (allowed: ${LATENCY_KEYS.join(', ')})`);
  return out;
}

/** Check an SLO object; returns every problem (empty when fine). */
export function validateSlo(input: unknown): { slo: Slo; errors: string[] } {
  const errors: string[] = [];
  if (!isRecord(input)) return { slo: {}, errors: ['SLO must be a JSON object such as {"p95Ms":300,"errorRate":0.01}'] };
  const slo: Slo = checkLatency('SLO', Object.fromEntries(Object.entries(input).filter(([k]) => LATENCY_KEYS.includes(k))), errors);
  for (const k of Object.keys(input)) if (!TOP_KEYS.includes(k)) errors.push(`SLO: unknown key '${k}' (allowed: ${TOP_KEYS.join(', ')})`);
  for (const k of ['errorRate', 'checkRate'] as const) {
    const x = input[k];
    if (x === undefined) continue;
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) errors.push(`SLO.${k} must be a number between 0 and 1 (got ${JSON.stringify(x)})`);
    else slo[k] = x;
  }
  if (input.routes !== undefined) {
    if (!isRecord(input.routes)) errors.push('SLO.routes must be an object of route name → {p95Ms, p99Ms}');
    else {
      slo.routes = {};
      for (const [name, v] of Object.entries(input.routes)) {
        if (!ROUTE_NAME.test(name))
          errors.push(`SLO.routes: '${name}' is not a route name such as "GET /items" or "POST /reservations/:id/confirm"`);
        if (!isRecord(v)) errors.push(`SLO.routes["${name}"] must be an object such as {"p95Ms":300}`);
        else slo.routes[name] = checkLatency(`SLO.routes["${name}"]`, v, errors);
      }
    }
  }
  return { slo, errors };
}

/** Parse the SLO environment value (JSON). An empty value means the default SLO. */
export function parseSlo(text: string | undefined, fallback: Slo = DEFAULT_SLO): { slo: Slo; errors: string[] } {
  if (text === undefined || text.trim() === '') return { slo: fallback, errors: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { slo: {}, errors: [`SLO is not valid JSON (${(e as Error).message}): pass e.g. SLO='{"p95Ms":300,"errorRate":0.01}'`] };
  }
  return validateSlo(parsed);
}

export interface ThresholdOptions {
  /** Stop the run as soon as a threshold is crossed. */
  abortOnFail?: boolean;
  /** How long to wait before an abort may happen (lets the first samples arrive). */
  delayAbortEval?: string;
}

function latency(l: LatencySlo): string[] {
  const out: string[] = [];
  if (l.p95Ms !== undefined) out.push(`p(95)<${l.p95Ms}`);
  if (l.p99Ms !== undefined) out.push(`p(99)<${l.p99Ms}`);
  return out;
}

/** The k6 thresholds of an SLO. */
export function sloThresholds(slo: Slo, o: ThresholdOptions = {}): Thresholds {
  const wrap = (expr: string): string | ObjectThreshold =>
    o.abortOnFail ? { threshold: expr, abortOnFail: true, delayAbortEval: o.delayAbortEval ?? '10s' } : expr;
  const t: Thresholds = {};
  const add = (metric: string, exprs: string[]) => {
    if (exprs.length) t[metric] = exprs.map(wrap);
  };
  add('http_req_duration', latency(slo));
  if (slo.errorRate !== undefined) add('http_req_failed', [`rate<=${slo.errorRate}`]);
  if (slo.checkRate !== undefined) add('checks', [`rate>=${slo.checkRate}`]);
  for (const [name, l] of Object.entries(slo.routes ?? {})) add(`http_req_duration{name:${name}}`, latency(l));
  return t;
}

/**
 * k6 writes a tagged sub-metric (`http_req_duration{name:GET /items}`) into the end-of-test
 * summary only when a threshold names it. This threshold always holds: it only asks k6
 * for the route's figures, and the summary leaves it out of its verdicts.
 */
export const ROUTE_FIGURES_THRESHOLD = 'max>=0';

/** `thresholds` plus a figures-only threshold for each route that has none, so every route gets its own latency figures. */
export function withRouteFigures(thresholds: Thresholds, routes: readonly string[]): Thresholds {
  const t: Thresholds = { ...thresholds };
  for (const name of routes) t[`http_req_duration{name:${name}}`] ??= [ROUTE_FIGURES_THRESHOLD];
  return t;
}
