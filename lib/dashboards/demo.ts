/** The demo service (lib/demo-service): traffic, latency, errors and its Redis calls. */
import type { DashboardSpec } from './common.js';

const S = '{testid=~"$testid", route=~"$route"}';
const RI = '[$__rate_interval]';

export const demoDashboard: DashboardSpec = {
  uid: 'stormdrill-demo',
  title: 'stormdrill / demo service',
  description: 'The Redis-backed demo service under test: what its users see (status, latency, errors) and what it sees of Redis.',
  tags: ['stormdrill', 'demo'],
  variables: [
    { name: 'testid', label: 'test id', query: 'label_values(demo_http_request_duration_seconds_count, testid)' },
    { name: 'route', query: 'label_values(demo_http_request_duration_seconds_count{testid=~"$testid"}, route)' },
  ],
  rows: [
    {
      title: 'Overview',
      panels: [
        {
          kind: 'stat',
          title: 'Requests per second',
          unit: 'reqps',
          queries: [{ expr: `sum(rate(demo_http_request_duration_seconds_count${S}${RI}))` }],
        },
        {
          kind: 'stat',
          title: 'Error ratio',
          unit: 'percentunit',
          redFrom: 0.01,
          queries: [
            { expr: `(sum(rate(demo_errors_total${S}${RI})) or vector(0)) / sum(rate(demo_http_request_duration_seconds_count${S}${RI}))` },
          ],
        },
        {
          kind: 'stat',
          title: 'p99 latency',
          unit: 's',
          redFrom: 1,
          queries: [{ expr: `histogram_quantile(0.99, sum by (le) (rate(demo_http_request_duration_seconds_bucket${S}${RI})))` }],
        },
        {
          kind: 'statetimeline',
          title: 'Redis connection',
          queries: [{ expr: 'min by (instance) (demo_redis_connected{testid=~"$testid"})', legend: '{{instance}}' }],
          valueText: [
            { value: 1, text: 'ready', color: 'green' },
            { value: 0, text: 'down', color: 'red' },
          ],
        },
      ],
    },
    {
      title: 'HTTP',
      panels: [
        {
          kind: 'timeseries',
          title: 'Requests per second by route and status',
          unit: 'reqps',
          queries: [
            { expr: `sum by (route, status) (rate(demo_http_request_duration_seconds_count${S}${RI}))`, legend: '{{route}} {{status}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Latency percentiles',
          unit: 's',
          queries: [
            { expr: `histogram_quantile(0.5, sum by (le) (rate(demo_http_request_duration_seconds_bucket${S}${RI})))`, legend: 'p50' },
            { expr: `histogram_quantile(0.95, sum by (le) (rate(demo_http_request_duration_seconds_bucket${S}${RI})))`, legend: 'p95' },
            { expr: `histogram_quantile(0.99, sum by (le) (rate(demo_http_request_duration_seconds_bucket${S}${RI})))`, legend: 'p99' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'p99 by route',
          unit: 's',
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (le, route) (rate(demo_http_request_duration_seconds_bucket${S}${RI})))`,
              legend: '{{route}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Errors per second by kind',
          unit: 'ops',
          stacked: true,
          queries: [{ expr: `sum by (kind) (rate(demo_errors_total${S}${RI}))`, legend: '{{kind}}' }],
        },
      ],
    },
    {
      title: 'Redis as the service sees it',
      panels: [
        {
          kind: 'timeseries',
          title: 'Redis operation p99 by operation',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.99, sum by (le, command) (rate(demo_redis_command_duration_seconds_bucket{testid=~"$testid"}[$__rate_interval])))',
              legend: '{{command}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Redis operations per second by outcome',
          unit: 'ops',
          stacked: true,
          queries: [
            {
              expr: 'sum by (outcome) (rate(demo_redis_command_duration_seconds_count{testid=~"$testid"}[$__rate_interval]))',
              legend: '{{outcome}}',
            },
          ],
        },
      ],
    },
  ],
};
