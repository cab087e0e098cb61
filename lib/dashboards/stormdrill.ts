/** stormdrill's own load: the bench driver, fill, the continuous writer and the mirror proxy (METRICS.bench/fill/write/mirror). */
import { METRICS } from '../core/metric-names.js';
import type { DashboardSpec, PanelSpec } from './common.js';

const B = METRICS.bench;
const W = METRICS.write;
const F = METRICS.fill;
const M = METRICS.mirror;
const T = '{testid=~"$testid"}';
const RI = '[$__rate_interval]';

/** Per-`by` error rate, or 0 for every `by` that has requests and no errors yet (a flat line instead of "No data"). */
function errorsOrZero(errors: string, total: string, by: string): string {
  return `sum by (${by}) (rate(${errors}${T}${RI})) or (sum by (${by}) (rate(${total}${T}${RI})) * 0)`;
}

/** p50 and p99 of one of our classic histograms, one line per `by` value when given. */
function p50p99(histogram: string, by?: string): Array<{ expr: string; legend: string }> {
  return [0.5, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (${by ? `le, ${by}` : 'le'}) (rate(${histogram}_bucket${T}${RI})))`,
    legend: `${by ? `{{${by}}} ` : ''}p${q * 100}`,
  }));
}

/** The continuous writer's writes per second by outcome, stacked (also on the drills dashboard). */
export const WRITES_BY_OUTCOME: PanelSpec = {
  kind: 'timeseries',
  title: 'Writes per second by outcome',
  unit: 'ops',
  stacked: true,
  queries: [{ expr: `sum by (outcome) (rate(${W.ops}${T}${RI}))`, legend: '{{outcome}}' }],
};

/** The writer's unavailable gauge as text. */
export const AVAILABILITY_TEXT = [
  { value: 0, text: 'available', color: 'green' },
  { value: 1, text: 'unavailable', color: 'red' },
];

export const stormdrillDashboard: DashboardSpec = {
  uid: 'stormdrill-load',
  title: 'stormdrill / bench and write',
  description:
    'Load produced by stormdrill itself: `stormdrill bench` (the redis-benchmark equivalent), `stormdrill fill` and the continuous writer, with its unavailability windows; and `stormdrill mirror`, the primary and the mirror side by side.',
  tags: ['stormdrill', 'bench', 'write'],
  variables: [
    { name: 'testid', label: 'test id', query: `label_values({__name__=~"${B.requests}|${W.ops}|${F.keys}|${M.requests}"}, testid)` },
  ],
  rows: [
    {
      title: 'Bench',
      panels: [
        {
          kind: 'timeseries',
          title: 'Bench requests per second by test',
          unit: 'reqps',
          queries: [{ expr: `sum by (test) (rate(${B.requests}${T}${RI}))`, legend: '{{test}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Bench latency p50 / p99 by test',
          unit: 's',
          queries: p50p99(B.duration, 'test'),
        },
        {
          kind: 'timeseries',
          title: 'Bench errors per second by test',
          unit: 'ops',
          queries: [{ expr: errorsOrZero(B.errors, B.requests, 'test'), legend: '{{test}}' }],
        },
        {
          kind: 'stat',
          title: 'Bench requests in range',
          unit: 'short',
          queries: [{ expr: `sum(increase(${B.requests}${T}[$__range]))` }],
        },
      ],
    },
    {
      title: 'Continuous write',
      panels: [
        WRITES_BY_OUTCOME,
        {
          kind: 'timeseries',
          title: 'Write latency p50 / p99',
          unit: 's',
          queries: p50p99(W.duration),
        },
        {
          kind: 'timeseries',
          title: 'Write errors per second by kind',
          unit: 'ops',
          queries: [{ expr: `sum by (kind) (rate(${W.errors}${T}${RI})) or (sum(rate(${W.ops}${T}${RI})) * 0)`, legend: '{{kind}}' }],
        },
        {
          kind: 'statetimeline',
          title: 'Unavailable (writes / reads)',
          queries: [{ expr: `max by (op) (${W.unavailable}${T})`, legend: '{{op}}' }],
          valueText: AVAILABILITY_TEXT,
        },
      ],
    },
    {
      title: 'Unavailability and fill',
      panels: [
        {
          kind: 'stat',
          title: 'Unavailability windows',
          redFrom: 1,
          queries: [{ expr: `sum by (op) (increase(${W.windows}${T}[$__range]))`, legend: '{{op}}', instant: true }],
        },
        {
          kind: 'stat',
          title: 'Time unavailable',
          unit: 's',
          redFrom: 1,
          queries: [{ expr: `sum by (op) (increase(${W.windowSeconds}${T}[$__range]))`, legend: '{{op}}', instant: true }],
        },
        {
          kind: 'timeseries',
          title: 'Fill keys per second',
          unit: 'ops',
          queries: [{ expr: `sum(rate(${F.keys}${T}${RI}))`, legend: 'keys' }],
        },
        {
          kind: 'timeseries',
          title: 'Fill bytes per second',
          unit: 'Bps',
          queries: [{ expr: `sum(rate(${F.bytes}${T}${RI}))`, legend: 'bytes' }],
        },
      ],
    },
    {
      title: 'Mirror (primary vs mirror)',
      panels: [
        {
          kind: 'timeseries',
          title: 'Mirror: answers per second by side',
          unit: 'reqps',
          queries: [{ expr: `sum by (side) (rate(${M.requests}${T}${RI}))`, legend: '{{side}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Mirror: errors per second by side (5xx or no answer)',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (side) (rate(${M.requests}{testid=~"$testid", status=~"5xx|none"}${RI})) or (sum by (side) (rate(${M.requests}${T}${RI})) * 0)`,
              legend: '{{side}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Mirror: comparisons per second by outcome',
          unit: 'reqps',
          stacked: true,
          queries: [{ expr: `sum by (outcome) (rate(${M.compared}${T}${RI}))`, legend: '{{outcome}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Mirror: latency p50 / p99 by side',
          unit: 's',
          queries: p50p99(M.duration, 'side'),
        },
        {
          kind: 'stat',
          title: 'Mirror: answers that differed in range',
          redFrom: 1,
          queries: [
            {
              expr: `sum(increase(${M.compared}{testid=~"$testid", outcome!="match"}[$__range])) or (sum(increase(${M.compared}${T}[$__range])) * 0)`,
              instant: true,
            },
          ],
        },
      ],
    },
  ],
};
