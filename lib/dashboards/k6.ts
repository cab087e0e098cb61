/**
 * k6 runs pushed by remote write: native-histogram percentiles (every instance of a
 * distributed run merged before the quantile) with a trend-stat fallback, throughput,
 * failures, VUs and checks; variables testid, scenario and name.
 */
import type { DashboardSpec } from './common.js';

const S = '{testid=~"$testid", scenario=~"$scenario", name=~"$name"}';
const RI = '[$__rate_interval]';

/** p-quantile of the native histogram summed over every instance, or else the worst instance's trend-stat gauge. */
function quantile(q: number, by: string, stat: string): string {
  const sumBy = by ? `sum by (${by}) ` : 'sum';
  const maxBy = by ? `max by (${by}) ` : 'max';
  return `histogram_quantile(${q}, ${sumBy}(rate(k6_http_req_duration_seconds${S}${RI}))) or ${maxBy}(k6_http_req_duration_${stat}${S})`;
}

export const k6Dashboard: DashboardSpec = {
  uid: 'stormdrill-k6',
  title: 'stormdrill / k6',
  description:
    'k6 runs written with -o experimental-prometheus-rw. Percentiles come from the native histogram k6_http_req_duration_seconds (K6_FEATURES=native-histograms), summed over every instance of a distributed run before the quantile; without native histograms the trend-stat gauges (k6_http_req_duration_p99, ...) are shown instead (the worst instance).',
  tags: ['stormdrill', 'k6'],
  variables: [
    { name: 'testid', label: 'test id', query: 'label_values(k6_http_reqs_total, testid)' },
    { name: 'scenario', query: 'label_values(k6_http_reqs_total{testid=~"$testid"}, scenario)' },
    { name: 'name', label: 'request', query: 'label_values(k6_http_reqs_total{testid=~"$testid", scenario=~"$scenario"}, name)' },
  ],
  rows: [
    {
      title: 'Overview',
      panels: [
        { kind: 'stat', title: 'Requests per second', unit: 'reqps', queries: [{ expr: `sum(rate(k6_http_reqs_total${S}${RI}))` }] },
        {
          kind: 'stat',
          title: 'Failed requests',
          unit: 'percentunit',
          redFrom: 0.01,
          queries: [
            {
              expr: `(sum(rate(k6_http_reqs_total{testid=~"$testid", scenario=~"$scenario", name=~"$name", expected_response="false"}${RI})) or vector(0)) / sum(rate(k6_http_reqs_total${S}${RI}))`,
            },
          ],
        },
        { kind: 'stat', title: 'p99 latency', unit: 's', redFrom: 1, queries: [{ expr: quantile(0.99, '', 'p99') }] },
        { kind: 'stat', title: 'Virtual users (all instances)', queries: [{ expr: 'sum(k6_vus{testid=~"$testid"})' }] },
      ],
    },
    {
      title: 'Latency',
      panels: [
        {
          kind: 'timeseries',
          title: 'Request duration percentiles (all instances)',
          unit: 's',
          queries: [
            { expr: quantile(0.5, '', 'p50'), legend: 'p50' },
            { expr: quantile(0.95, '', 'p95'), legend: 'p95' },
            { expr: quantile(0.99, '', 'p99'), legend: 'p99' },
          ],
        },
        { kind: 'timeseries', title: 'p99 by request', unit: 's', queries: [{ expr: quantile(0.99, 'name', 'p99'), legend: '{{name}}' }] },
        {
          kind: 'timeseries',
          title: 'Iteration duration p95',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.95, sum by (scenario) (rate(k6_iteration_duration_seconds{testid=~"$testid", scenario=~"$scenario"}[$__rate_interval]))) or max by (scenario) (k6_iteration_duration_p95{testid=~"$testid", scenario=~"$scenario"})',
              legend: '{{scenario}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Throughput and errors',
      panels: [
        {
          kind: 'timeseries',
          title: 'Requests per second by request',
          unit: 'reqps',
          stacked: true,
          queries: [{ expr: `sum by (name) (rate(k6_http_reqs_total${S}${RI}))`, legend: '{{name}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Responses by status',
          unit: 'reqps',
          stacked: true,
          queries: [{ expr: `sum by (status) (rate(k6_http_reqs_total${S}${RI}))`, legend: '{{status}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Check pass rate',
          unit: 'percentunit',
          min: 0,
          max: 1,
          queries: [
            { expr: 'avg by (check) (k6_checks_rate{testid=~"$testid", scenario=~"$scenario", name=~"$name"})', legend: '{{check}}' },
          ],
        },
      ],
    },
    {
      title: 'Load',
      panels: [
        {
          kind: 'timeseries',
          title: 'Virtual users (all instances)',
          queries: [
            { expr: 'sum(k6_vus{testid=~"$testid"})', legend: 'active' },
            { expr: 'sum(k6_vus_max{testid=~"$testid"})', legend: 'allocated' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Iterations per second',
          unit: 'ops',
          queries: [
            {
              expr: 'sum by (scenario) (rate(k6_iterations_total{testid=~"$testid", scenario=~"$scenario"}[$__rate_interval]))',
              legend: '{{scenario}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Data sent and received',
          unit: 'Bps',
          queries: [
            { expr: 'sum(rate(k6_data_sent_total{testid=~"$testid", scenario=~"$scenario"}[$__rate_interval]))', legend: 'sent' },
            { expr: 'sum(rate(k6_data_received_total{testid=~"$testid", scenario=~"$scenario"}[$__rate_interval]))', legend: 'received' },
          ],
        },
      ],
    },
  ],
};
