/**
 * Outage drills (lib/drill): events as annotations (faults, steps, Sentinel events), the
 * writer's unavailability windows, the Redis roles changing, lost acknowledged writes, the
 * verdict of every check, and a game day's time to detect, time to recover and error budget
 * spent (the Unavailable panel shows its HTTP unavailability as op="http"), and for partition
 * drills the nodes accepting writes as primary, the split-brain time and the stale reads by side;
 * for cluster partition drills, how long the master cut off from the majority kept acknowledging
 * writes against cluster-node-timeout, and its writes and reads while cut.
 */
import { METRICS } from '../core/metric-names.js';
import type { DashboardSpec } from './common.js';
import { ROLE_TEXT } from './redis.js';
import { AVAILABILITY_TEXT, WRITES_BY_OUTCOME } from './stormdrill.js';

const D = METRICS.drill;
const W = METRICS.write;
const T = '{testid=~"$testid"}';

/**
 * Drill events in a window: the counter's increase, or (an event whose label set occurs for
 * the first time starts its series at 1, and increase() has nothing to compare it with)
 * the series that exist now but did not one window earlier.
 */
function events(by: string, window: string): string {
  const X = `${D.events}${T}`;
  return `(sum by (${by}) (increase(${X}[${window}])) > 0) or sum by (${by}) (${X} unless ${X} offset ${window})`;
}

export const drillsDashboard: DashboardSpec = {
  uid: 'stormdrill-drills',
  title: 'stormdrill / drills',
  description:
    'Failover and outage drills: what was injected when, how long users were cut off, whether acknowledged writes were lost, and the verdict.',
  tags: ['stormdrill', 'drill'],
  variables: [{ name: 'testid', label: 'test id', query: `label_values(${D.running}, testid)` }],
  annotations: [
    {
      name: 'Drill events',
      expr: events('source, kind, runbook', '$__interval'),
      title: '{{source}}: {{kind}}',
      text: 'runbook {{runbook}}',
      tags: 'source,kind',
      color: 'orange',
    },
  ],
  rows: [
    {
      title: 'Verdict',
      panels: [
        {
          kind: 'stat',
          title: 'Checks',
          width: 12,
          queries: [{ expr: `min by (check) (${D.checkOk}${T})`, legend: '{{check}}', instant: true }],
          valueText: [
            { value: 1, text: 'pass', color: 'green' },
            { value: 0, text: 'FAIL', color: 'red' },
          ],
        },
        {
          kind: 'stat',
          title: 'Acknowledged writes lost',
          width: 4,
          redFrom: 1,
          queries: [{ expr: `max(${D.ackedLost}${T})`, instant: true }],
        },
        { kind: 'stat', title: 'Failover time', width: 4, unit: 's', queries: [{ expr: `max(${D.failoverSeconds}${T})`, instant: true }] },
        {
          kind: 'stat',
          title: 'Unavailable',
          width: 4,
          unit: 'ms',
          queries: [{ expr: `max by (op) (${D.unavailableMs}${T})`, legend: '{{op}}', instant: true }],
        },
      ],
    },
    {
      title: 'Partition (split brain)',
      panels: [
        {
          kind: 'statetimeline',
          title: 'Nodes accepting writes as primary (two at once: split brain)',
          width: 12,
          queries: [{ expr: `max by (node) (${D.acceptingWrites}${T})`, legend: '{{node}}' }],
          valueText: [
            { value: 1, text: 'accepts writes', color: 'red' },
            { value: 0, text: 'refuses', color: 'transparent' },
          ],
        },
        {
          kind: 'stat',
          title: 'Split brain (two primaries accepting writes)',
          width: 6,
          unit: 'ms',
          queries: [{ expr: `max(${D.splitBrainMs}${T})`, instant: true }],
        },
        {
          kind: 'stat',
          title: 'Stale reads by side',
          width: 6,
          redFrom: 1,
          queries: [{ expr: `max by (side) (${D.staleReads}${T})`, legend: '{{side}}', instant: true }],
        },
      ],
    },
    {
      title: 'Cluster partition (the master cut off from the majority)',
      panels: [
        {
          kind: 'stat',
          title: 'Cut-off master acknowledged writes for',
          description:
            'From the cut to the first write the cut-off master refused (CLUSTERDOWN), beside the cluster-node-timeout it is held against. What it acknowledged meanwhile is lost once the majority promotes its replica.',
          width: 8,
          unit: 'ms',
          queries: [
            { expr: `max by (node) (${D.cutOffAcceptedMs}${T})`, legend: '{{node}} after the cut', instant: true },
            { expr: `max(${D.clusterNodeTimeoutMs}${T})`, legend: 'cluster-node-timeout', instant: true },
          ],
        },
        {
          kind: 'stat',
          title: 'Writes to the cut-off master while cut',
          width: 8,
          queries: [{ expr: `max by (outcome) (${D.cutOffWrites}${T})`, legend: '{{outcome}}', instant: true }],
        },
        {
          kind: 'stat',
          title: 'Reads from the cut-off master while cut',
          width: 8,
          queries: [{ expr: `max by (outcome) (${D.cutOffReads}${T})`, legend: '{{outcome}}', instant: true }],
        },
      ],
    },
    {
      title: 'Game day',
      panels: [
        {
          kind: 'stat',
          title: 'Time to detect',
          width: 8,
          unit: 's',
          queries: [{ expr: `max by (alert) (${D.timeToDetectSeconds}${T})`, legend: '{{alert}}', instant: true }],
        },
        {
          kind: 'stat',
          title: 'Time to recover',
          width: 8,
          unit: 's',
          queries: [{ expr: `max(${D.timeToRecoverSeconds}${T})`, instant: true }],
        },
        {
          kind: 'stat',
          title: 'Error budget spent',
          width: 8,
          unit: 'percentunit',
          queries: [{ expr: `max(${D.errorBudgetSpent}${T})`, instant: true }],
        },
      ],
    },
    {
      title: 'Timeline',
      panels: [
        {
          kind: 'statetimeline',
          title: 'Drill running',
          width: 24,
          height: 4,
          queries: [{ expr: `max by (runbook) (${D.running}${T})`, legend: '{{runbook}}' }],
          valueText: [
            { value: 1, text: 'running', color: 'blue' },
            { value: 0, text: 'done', color: 'transparent' },
          ],
        },
        {
          kind: 'statetimeline',
          title: 'Unavailability windows (writes / reads)',
          width: 24,
          queries: [{ expr: `max by (op) (${W.unavailable}${T})`, legend: '{{op}}' }],
          valueText: AVAILABILITY_TEXT,
        },
        {
          kind: 'statetimeline',
          title: 'Redis role per node',
          width: 24,
          queries: [
            {
              expr: '(max by (redis_node) (redis_instance_info{role="master"}) * 2) or max by (redis_node) (redis_instance_info{role="slave"}) or (max by (redis_node) (redis_up) * 0)',
              legend: '{{redis_node}}',
            },
          ],
          valueText: ROLE_TEXT,
        },
      ],
    },
    {
      title: 'Writes during the drill',
      panels: [
        WRITES_BY_OUTCOME,
        {
          kind: 'timeseries',
          title: 'Drill events',
          unit: 'short',
          queries: [{ expr: `sum by (source, kind) (increase(${D.events}${T}[$__rate_interval]))`, legend: '{{source}} {{kind}}' }],
        },
      ],
    },
  ],
};
