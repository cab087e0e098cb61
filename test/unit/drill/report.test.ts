import { describe, expect, it } from 'vitest';
import { htmlReport, markdownReport, timelineSvg } from '../../../lib/drill/report/index.js';
import { chartStartS, markedEvents } from '../../../lib/drill/report/svg.js';
import type { DrillReport } from '../../../lib/drill/report/types.js';
import { Timeline } from '../../../lib/drill/timeline.js';

const S = 1_000_000;
function report(over: Partial<DrillReport> = {}): DrillReport {
  const ev = (t: number, source: DrillReport['events'][number]['source'], kind: string, node?: string) => ({
    atMs: S + t * 1000,
    at: new Date(S + t * 1000).toISOString(),
    t,
    source,
    kind,
    node,
  });
  return {
    runbook: 'primary-fails',
    variant: 'replicas=2',
    vars: { replicas: 2 },
    description: 'kill the <primary> & see',
    testid: 't-1',
    runId: 't-1',
    status: 'failed',
    partial: false,
    phase: null,
    reason: null,
    startedAt: new Date(S).toISOString(),
    endedAt: new Date(S + 20_000).toISOString(),
    startMs: S,
    endMs: S + 20_000,
    durationSeconds: 20,
    target: 'embedded sentinel',
    topology: { kind: 'sentinel', nodes: ['primary', 'replica-1', 'replica-2'], primaryAtStart: 'primary', primaryAtEnd: 'replica-1' },
    checks: [
      { name: 'ackedLost', ok: false, limit: '<= 0', measured: 3, detail: '3 lost' },
      { name: 'failoverWithin', ok: true, limit: '<= 10 s', measured: 2.1 },
    ],
    writeUnavailableMs: 2400,
    readUnavailableMs: 900,
    ackedLost: 3,
    fullSyncs: 1,
    loadingErrors: 4,
    failoverSeconds: 2.1,
    oomErrors: 0,
    evictions: 0,
    writeWindows: [{ startMs: S + 10_000, endMs: S + 12_400, durationMs: 2400, errors: { ECONNREFUSED: 5 } }],
    readWindows: [{ startMs: S + 10_100, endMs: S + 11_000, durationMs: 900, errors: { LOADING: 4 } }],
    loadingPeriods: [{ startMs: S + 10_100, endMs: S + 11_000, node: 'replica-2' }],
    fullSyncNodes: [{ node: 'replica-1', count: 1 }],
    workload: { kind: 'write', attempted: 9000, acked: 8990, failed: 10, unknown: 0, errors: { ECONNREFUSED: 5 }, p99Ms: 3.2 },
    audit: null,
    timeToDetectMs: null,
    detectedBy: null,
    timeToRecoverMs: null,
    serviceUnavailableMs: null,
    errorBudgetSpent: null,
    alerts: [],
    service: null,
    steps: [
      { index: 0, action: 'sleep', label: 'sleep 1s', startMs: S + 9000, endMs: S + 10_000, ok: true },
      { index: 1, action: 'crash', label: 'crash primary (kill -9)', startMs: S + 10_000, endMs: S + 10_010, ok: true },
    ],
    events: [
      ev(2, 'sentinel', '+sentinel'),
      ev(8.5, 'writer', 'workload-start'),
      ev(9, 'step', 'sleep'),
      ev(10, 'step', 'crash'),
      ev(10, 'topology', 'crash', 'primary'),
      ev(11, 'sentinel', '+sdown', 'primary'),
      ev(11.1, 'sentinel', '+sdown', 'primary'),
      ev(11.5, 'cluster', '+fail', 'master-1'),
      ev(12.1, 'sentinel', '+switch-master', 'replica-1'),
      ev(12.2, 'sentinel', '+slave', 'replica-2'),
    ],
    series: Array.from({ length: 20 }, (_, t) => ({
      t,
      ops: t < 8 ? 0 : t === 11 ? 0 : 500,
      errors: t === 10 ? 5 : 0,
      p99Ms: t === 11 ? null : 1.5,
    })),
    ...over,
  };
}

describe('report.html', () => {
  const html = htmlReport(report());
  it('is one self-contained page: inline SVG, nothing fetched', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"');
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
  });
  it('shades unavailability windows and LOADING periods', () => {
    expect(html.match(/<rect class="window write"/g)).toHaveLength(1);
    expect(html.match(/<rect class="window read"/g)).toHaveLength(1);
    expect(html.match(/<rect class="window loading"/g)).toHaveLength(1);
  });
  it('marks every step and the significant Sentinel events once', () => {
    expect(html.match(/<g class="marker step"/g)).toHaveLength(2);
    expect(html).toContain('data-kind="+switch-master"');
    expect(html.match(/data-kind="\+sdown"/g)).toHaveLength(1);
    expect(html).not.toContain('data-kind="+sentinel"');
    expect(html).toContain('<g class="marker event cluster" data-kind="+fail"');
    expect(markedEvents(report()).map((e) => e.kind)).toEqual(['workload-start', 'crash', '+sdown', '+fail', '+switch-master']);
  });
  it('draws the three series and starts the chart at the workload', () => {
    for (const c of ['ops', 'errors', 'p99']) expect(html).toContain(`<path class="series ${c}"`);
    expect(chartStartS(report())).toBe(8);
    expect(timelineSvg(report())).toContain('>8 s</text>');
  });
  it('states verdicts and flags full syncs and LOADING, escaping text', () => {
    expect(html).toContain('id="verdict">FAILED');
    expect(html).toContain('<tr class="check failed"><td>ackedLost</td>');
    expect(html).toContain('id="flag-full-sync"');
    expect(html).toMatch(/answered LOADING meanwhile\. With tens of GB that is a read outage of many minutes/);
    expect(html).toContain('id="flag-loading"');
    expect(html).toContain('kill the &lt;primary&gt; &amp; see');
    expect(html).not.toContain('<primary>');
  });
});

describe('report.md', () => {
  it('has checks, figures, windows, steps and events', () => {
    const md = markdownReport(report());
    expect(md).toContain('# Drill primary-fails (replicas=2): FAILED');
    expect(md).toContain('| ackedLost | **FAIL** | <= 0 | 3 | 3 lost |');
    expect(md).toContain('| write unavailability | 2400 ms in 1 window(s) |');
    expect(md).toContain('| time to failover | 2.10 s |');
    expect(md).toContain('**Full sync flagged:** replica-1 (1)');
    // the fact itself, not a pointer to a document the reader does not have
    expect(md).toMatch(
      /reloads the whole dataset on the replica, which answers LOADING meanwhile; with tens of GB that is a read outage of many minutes/,
    );
    expect(md).toContain('**LOADING flagged:**');
    expect(md).toMatch(/\| write \| 10\.000 \| 12\.400 \| 2\.4s \| ECONNREFUSED=5 \|/);
    expect(md).toContain('| 2 | crash primary (kill -9) |');
  });
});

describe('report.md: the partition', () => {
  const partitioned = report({
    splitBrainMs: 3000,
    partitionEffect:
      'with min-replicas-to-write 1 and min-replicas-max-lag 5 s the old primary (primary) refused writes 5.1 s after the cut; 865 acknowledged writes lost.',
    partition: {
      sides: '[primary, clients] | [replica-1, sentinel-1]',
      cutAtMs: S + 4000,
      healedAtMs: S + 14_000,
      links: [
        { member: 'primary', cut: 'replicas 7001, sentinels aaaaaaa1', cutAtMs: S + 4000, healedAtMs: S + 14_000 },
        { member: 'replica-1', cut: 'clients, replicas 7000', cutAtMs: S + 4000, healedAtMs: null },
      ],
      acceptingPeriods: [
        { node: 'primary', startMs: S, endMs: S + 10_000 },
        { node: 'replica-1', startMs: S + 7000, endMs: S + 20_000 },
      ],
    },
    staleReads: {
      total: 7,
      sides: [
        { side: 'old-primary', nodes: ['primary'], reads: 50, stale: 7, firstMs: S + 8000, lastMs: S + 9500 },
        { side: 'majority', nodes: ['replica-1'], reads: 40, stale: 0, firstMs: null, lastMs: null },
      ],
    },
  });

  it('draws the cut and both primaries accepting writes on one time axis', () => {
    const md = markdownReport(partitioned);
    // 60 columns over 20 s: 3 per second
    expect(md).toContain(`partition  ${'.'.repeat(12)}${'#'.repeat(30)}${'.'.repeat(18)}`);
    expect(md).toContain(`primary    ${'#'.repeat(30)}${'.'.repeat(30)}`);
    expect(md).toContain(`replica-1  ${'.'.repeat(21)}${'#'.repeat(39)}`);
    expect(md).toContain('Sides: [primary, clients] | [replica-1, sentinel-1]; cut at 4.000 s, healed at 14.000 s.');
    expect(md).toContain('| replica-1 | clients, replicas 7000 | 4.000 | — |');
    expect(md).toContain('| primary | 0.000 | 10.000 |');
    expect(md).toContain('Effect: with min-replicas-to-write 1 and min-replicas-max-lag 5 s the old primary (primary) refused writes');
    expect(md).toContain('| stale reads | 7 |');
    expect(md).toContain('| old-primary | primary | 50 | 7 | 8.000 | 9.500 |');
    expect(md).toContain('| majority | replica-1 | 40 | 0 | — | — |');
    expect(markdownReport(report())).not.toContain('## Partition');
    const html = htmlReport(partitioned);
    expect(html).toContain(`<pre id="partition-lanes">`);
    expect(html).toContain(`primary    ${'#'.repeat(30)}`);
    expect(htmlReport(report())).not.toContain('partition-lanes');
  });

  it('the chart shades the cut and draws its lanes: the cut, then each primary accepting writes', () => {
    const svg = timelineSvg(partitioned);
    expect(svg.match(/<rect class="window partition"/g)).toHaveLength(1);
    const lanes = [...svg.matchAll(/<g class="lane (\w+)" data-node="([^"]+)">/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(lanes).toEqual(['cut cut', 'accepting primary', 'accepting replica-1']);
    // one bar per period; the cut's bar from 4 s to 14 s of a 20 s chart, the same x as the shaded window
    const cut = /<g class="lane cut" data-node="cut">[\s\S]*?<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg);
    const win = /<rect class="window partition" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(svg);
    expect(cut?.slice(1)).toEqual(win?.slice(1));
    expect(svg).toContain('>partition (cut)</text>');
    expect(timelineSvg(report())).not.toContain('class="lane');
  });
});

describe('timeline', () => {
  it('buckets ops, errors and p99 latency per second', () => {
    const t = new Timeline(1000);
    t.ops(1100, 10);
    t.ops(2500, 5);
    t.errors(2600, 2);
    for (let i = 1; i <= 100; i++) t.latency(1200, i / 1000);
    const p = t.points();
    expect(p.map((x) => [x.t, x.ops, x.errors])).toEqual([
      [0, 10, 0],
      [1, 5, 2],
    ]);
    expect(p[0]?.p99Ms).toBeGreaterThanOrEqual(98.9);
    expect(p[0]?.p99Ms).toBeLessThanOrEqual(100.1);
    expect(p[1]?.p99Ms).toBeNull();
  });
});
