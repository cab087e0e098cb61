/**
 * Redis nodes through prometheus-redis-exporter (one exporter per node, each series
 * labelled redis_node): role, throughput, memory against maxmemory, clients,
 * replication lag and syncs, evictions and rejected commands (OOM).
 */
import type { DashboardSpec } from './common.js';

const N = '{redis_node=~"$redis_node"}';
const RI = '[$__rate_interval]';

/** 2 = master, 1 = replica, 0 = down. */
export const ROLE_EXPR = `(max by (redis_node) (redis_instance_info{redis_node=~"$redis_node", role="master"}) * 2) or max by (redis_node) (redis_instance_info{redis_node=~"$redis_node", role="slave"}) or (max by (redis_node) (redis_up${N}) * 0)`;
export const ROLE_TEXT = [
  { value: 2, text: 'master', color: 'green' },
  { value: 1, text: 'replica', color: 'blue' },
  { value: 0, text: 'down', color: 'red' },
];

export const redisDashboard: DashboardSpec = {
  uid: 'stormdrill-redis',
  title: 'stormdrill / Redis',
  description:
    'Every Redis node of the stack (one prometheus-redis-exporter per node). Role changes show failovers; lag and full syncs show what they cost.',
  tags: ['stormdrill', 'redis'],
  variables: [{ name: 'redis_node', label: 'node', query: 'label_values(redis_up, redis_node)' }],
  rows: [
    {
      title: 'Topology',
      panels: [
        {
          kind: 'statetimeline',
          title: 'Role per node',
          width: 16,
          queries: [{ expr: ROLE_EXPR, legend: '{{redis_node}}' }],
          valueText: ROLE_TEXT,
        },
        { kind: 'stat', title: 'Nodes up', width: 4, queries: [{ expr: `sum(redis_up${N})` }] },
        {
          kind: 'stat',
          title: 'Masters',
          width: 4,
          redFrom: 2,
          queries: [{ expr: `count(redis_instance_info{redis_node=~"$redis_node", role="master"}) or vector(0)` }],
        },
      ],
    },
    {
      title: 'Load and memory',
      panels: [
        {
          kind: 'timeseries',
          title: 'Commands per second',
          unit: 'ops',
          queries: [{ expr: `sum by (redis_node) (rate(redis_commands_processed_total${N}${RI}))`, legend: '{{redis_node}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Memory used (% of maxmemory)',
          unit: 'percentunit',
          min: 0,
          queries: [{ expr: `redis_memory_used_bytes${N} / (redis_memory_max_bytes${N} > 0)`, legend: '{{redis_node}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Clients',
          queries: [
            { expr: `redis_connected_clients${N}`, legend: '{{redis_node}} connected' },
            { expr: `redis_blocked_clients${N}`, legend: '{{redis_node}} blocked' },
          ],
        },
        { kind: 'timeseries', title: 'Keys', queries: [{ expr: `sum by (redis_node) (redis_db_keys${N})`, legend: '{{redis_node}}' }] },
      ],
    },
    {
      title: 'Replication',
      panels: [
        {
          kind: 'timeseries',
          title: 'Replica lag behind its master (bytes)',
          unit: 'bytes',
          queries: [
            {
              expr: `redis_master_repl_offset${N} - ignoring(slave_ip, slave_port, slave_state) group_right redis_connected_slave_offset_bytes${N}`,
              legend: '{{redis_node}} → {{slave_ip}}:{{slave_port}}',
            },
          ],
        },
        {
          kind: 'statetimeline',
          title: 'Replica link to master',
          queries: [{ expr: `redis_master_link_up${N}`, legend: '{{redis_node}}' }],
          valueText: [
            { value: 1, text: 'up', color: 'green' },
            { value: 0, text: 'down', color: 'red' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Full and partial syncs',
          queries: [
            { expr: `sum by (redis_node) (increase(redis_replica_resyncs_full${N}${RI}))`, legend: '{{redis_node}} full' },
            { expr: `sum by (redis_node) (increase(redis_replica_partial_resync_accepted${N}${RI}))`, legend: '{{redis_node}} partial ok' },
            {
              expr: `sum by (redis_node) (increase(redis_replica_partial_resync_denied${N}${RI}))`,
              legend: '{{redis_node}} partial denied',
            },
          ],
        },
        {
          kind: 'stat',
          title: 'Full syncs in range',
          queries: [{ expr: `sum(increase(redis_replica_resyncs_full${N}[$__range]))` }],
          redFrom: 1,
        },
      ],
    },
    {
      title: 'Pressure',
      panels: [
        {
          kind: 'timeseries',
          title: 'Evicted keys per second',
          unit: 'ops',
          queries: [{ expr: `sum by (redis_node) (rate(redis_evicted_keys_total${N}${RI}))`, legend: '{{redis_node}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Rejected commands per second',
          unit: 'ops',
          queries: [{ expr: `sum by (redis_node) (rate(redis_commands_rejected_calls_total${N}${RI}))`, legend: '{{redis_node}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Error replies per second',
          unit: 'ops',
          queries: [{ expr: `sum by (redis_node) (rate(redis_total_error_replies${N}${RI}))`, legend: '{{redis_node}}' }],
        },
        {
          kind: 'timeseries',
          title: 'OOM rejections per second (maxmemory reached)',
          unit: 'ops',
          width: 12,
          queries: [
            { expr: `sum by (redis_node) (rate(redis_errors_total{redis_node=~"$redis_node", err="OOM"}${RI}))`, legend: '{{redis_node}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Rejected connections per second',
          unit: 'ops',
          width: 12,
          queries: [{ expr: `sum by (redis_node) (rate(redis_rejected_connections_total${N}${RI}))`, legend: '{{redis_node}}' }],
        },
      ],
    },
  ],
};
