/**
 * A result file → flat named numbers a gate can check (pure). Reads the two result shapes
 * stormdrill writes: `stormdrill bench --json` and the k6 summary (`stormdrill k6 --out-dir`,
 * schema stormdrill.k6-summary/v1). A name is `<subject>.<stat>`: `SET.rps`, `GET.p99`,
 * `http_req_duration.p(95)`, `http_req_duration{name:reserve}.p(99)`, `http_req_failed.rate`.
 */
import type { BenchJsonDoc } from '../bench/json-report.js';
import type { StableSummary, ThresholdResult } from '../k6/summary.js';

export type Direction = 'lower' | 'higher';

export interface Metric {
  value: number;
  /** Which way is better; undefined = no direction (not compared against a baseline). */
  better?: Direction;
  unit?: string;
}

export interface GateInput {
  kind: 'stormdrill bench' | 'k6 summary';
  testid?: string;
  metrics: Map<string, Metric>;
  /** k6 thresholds as k6 judged them. */
  thresholds: ThresholdResult[];
  /** The run stopped early (Ctrl-C, abort): its figures are not comparable. */
  incomplete?: string;
}

/** Split `<subject>.<stat>`: the stat is the last dotted part, `p(99.9)` kept whole. */
export function splitName(name: string): { subject: string; stat: string } | null {
  const m = /^(.+)\.(p\([\d.]+\)|[A-Za-z][\w]*)$/.exec(name);
  return m ? { subject: m[1] as string, stat: m[2] as string } : null;
}

const LATENCY_STATS = /^(avg|min|med|max|p\d+|p\([\d.]+\))$/;

function k6Direction(metric: string, type: string, stat: string): Direction | undefined {
  const base = metric.replace(/\{.*\}$/, '');
  if (type === 'trend') return LATENCY_STATS.test(stat) ? 'lower' : undefined;
  if (type === 'rate' && stat === 'rate') {
    if (/_failed$|errors?$/.test(base)) return 'lower';
    if (base === 'checks') return 'higher';
    return undefined;
  }
  if (type === 'counter') {
    if (/errors?$|_failed$|dropped_iterations$/.test(base)) return 'lower';
    if (/^(http_reqs|iterations|grpc_reqs|ws_msgs_sent|ws_msgs_received)$/.test(base)) return 'higher';
  }
  if (stat === 'fails') return 'lower';
  if (stat === 'passes') return 'higher';
  return undefined;
}

function fromBench(doc: BenchJsonDoc): GateInput {
  const metrics = new Map<string, Metric>();
  for (const t of doc.tests) {
    metrics.set(`${t.title}.rps`, { value: t.rps, better: 'higher', unit: 'rps' });
    metrics.set(`${t.title}.requests`, { value: t.requests });
    for (const [stat, v] of Object.entries(t.latencyMs))
      if (typeof v === 'number') metrics.set(`${t.title}.${stat}`, { value: v, better: 'lower', unit: 'ms' });
    const errors = Object.values(t.errors ?? {}).reduce((a, b) => a + b, 0);
    metrics.set(`${t.title}.errors`, { value: errors, better: 'lower' });
  }
  return {
    kind: 'stormdrill bench',
    testid: doc.testid,
    metrics,
    thresholds: [],
    incomplete: doc.interrupted ? 'the benchmark was interrupted' : undefined,
  };
}

function fromK6(doc: StableSummary): GateInput {
  const metrics = new Map<string, Metric>();
  for (const [name, m] of Object.entries(doc.metrics))
    for (const [stat, v] of Object.entries(m.values))
      metrics.set(`${name}.${stat}`, {
        value: v,
        better: k6Direction(name, m.type, stat),
        unit: m.contains === 'time' && stat !== 'count' && stat !== 'rate' ? 'ms' : undefined,
      });
  return { kind: 'k6 summary', testid: doc.testid, metrics, thresholds: doc.thresholds ?? [] };
}

/** Recognise a parsed result document; a string says what is wrong with it. */
export function readResult(doc: unknown): GateInput | string {
  if (typeof doc !== 'object' || doc === null) return 'not a JSON object';
  const d = doc as Record<string, unknown>;
  if (d.tool === 'stormdrill bench' && Array.isArray(d.tests)) return fromBench(d as unknown as BenchJsonDoc);
  if (typeof d.schema === 'string' && d.schema.startsWith('stormdrill.k6-summary/') && typeof d.metrics === 'object')
    return fromK6(d as unknown as StableSummary);
  return 'neither a `stormdrill bench --json` result nor a stormdrill k6 summary (summary.json)';
}
