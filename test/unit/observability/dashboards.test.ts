import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DASHBOARDS,
  dashboardQueries,
  interpolate,
  panelsNaming,
  panelsNotNaming,
  renderDashboards,
  templateContext,
  variableQueries,
} from '../../../lib/dashboards/index.js';
import { parseLabelValues, regexEscape } from '../../../lib/dashboards/queries.js';

const ROOT = join(import.meta.dirname, '../../..');
const rendered = renderDashboards();
const parsed = Object.fromEntries(Object.entries(rendered).map(([f, t]) => [f, JSON.parse(t) as Record<string, unknown>]));

describe('dashboards as code', () => {
  it('regenerating changes nothing: grafana/dashboards/*.json are the committed output of lib/dashboards', () => {
    for (const [file, text] of Object.entries(rendered)) {
      expect(
        readFileSync(join(ROOT, 'grafana/dashboards', file), 'utf8'),
        `${file} is stale: run node --import tsx tools/gen-dashboards.ts`,
      ).toBe(text);
    }
    expect(renderDashboards()).toEqual(rendered);
  });

  it('every panel uses the provisioned Prometheus datasource', () => {
    const prov = parse(readFileSync(join(ROOT, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: Array<{ uid: string; type: string }>;
    };
    const ds = prov.datasources[0];
    for (const [file, d] of Object.entries(parsed)) {
      for (const p of d.panels as Array<{
        type: string;
        datasource?: { uid: string; type: string };
        targets?: Array<{ datasource?: { uid: string } }>;
      }>) {
        if (p.type === 'row') continue;
        expect(p.datasource, file).toEqual({ uid: ds?.uid, type: ds?.type });
        for (const t of p.targets ?? []) expect(t.datasource?.uid, file).toBe(ds?.uid);
      }
    }
  });

  it('has unique uids, unique panel ids and no overlapping panels', () => {
    const uids = Object.values(parsed).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const [file, d] of Object.entries(parsed)) {
      const panels = d.panels as Array<{ id: number; title: string; gridPos: { x: number; y: number; w: number; h: number } }>;
      expect(new Set(panels.map((p) => p.id)).size, file).toBe(panels.length);
      for (const a of panels)
        for (const b of panels) {
          if (a === b) continue;
          const overlap =
            a.gridPos.x < b.gridPos.x + b.gridPos.w &&
            b.gridPos.x < a.gridPos.x + a.gridPos.w &&
            a.gridPos.y < b.gridPos.y + b.gridPos.h &&
            b.gridPos.y < a.gridPos.y + a.gridPos.h;
          expect(overlap, `${file}: '${a.title}' overlaps '${b.title}'`).toBe(false);
        }
      for (const p of panels) expect(p.gridPos.x + p.gridPos.w, `${file}: ${p.title}`).toBeLessThanOrEqual(24);
    }
  });

  it('every query only uses variables its dashboard defines (or Grafana built-ins)', () => {
    for (const [file, d] of Object.entries(parsed)) {
      const vars = variableQueries(d);
      const ctx = templateContext({ fromMs: 0, toMs: 600_000, vars: Object.fromEntries(vars.map((v) => [v.name, { all: '.*' }])) });
      const queries = dashboardQueries(d);
      expect(queries.length, file).toBeGreaterThan(3);
      for (const q of queries) expect(() => interpolate(q.expr, ctx), `${file} / ${q.panel}`).not.toThrow();
      for (const v of vars) if (v.selector) expect(() => interpolate(v.selector as string, ctx)).not.toThrow();
    }
  });

  it('the k6 dashboard has testid, scenario and name, native-histogram percentiles summed over instances, and the trend-stat fallback', () => {
    const d = parsed['k6.json'];
    expect(variableQueries(d).map((v) => v.name)).toEqual(['testid', 'scenario', 'name']);
    const p = dashboardQueries(d).filter((q) => q.panel === 'Request duration percentiles (all instances)');
    expect(p.map((q) => q.expr.split(' or ')[0])).toEqual(
      [0.5, 0.95, 0.99].map(
        (q) =>
          `histogram_quantile(${q}, sum(rate(k6_http_req_duration_seconds{testid=~"$testid", scenario=~"$scenario", name=~"$name"}[$__rate_interval])))`,
      ),
    );
    expect(p.map((q) => q.expr.split(' or ')[1])).toEqual(
      ['p50', 'p95', 'p99'].map((s) => `max(k6_http_req_duration_${s}{testid=~"$testid", scenario=~"$scenario", name=~"$name"})`),
    );
    expect(Object.keys(DASHBOARDS).sort()).toEqual(['demo-service.json', 'drills.json', 'k6.json', 'redis.json', 'stormdrill.json']);
  });

  it('the drills dashboard shows drill events as annotations', () => {
    const a = dashboardQueries(parsed['drills.json']).filter((q) => q.panel.startsWith('annotation:'));
    expect(a).toHaveLength(1);
    expect(a[0]?.expr).toContain('stormdrill_drill_events_total');
  });
});

describe('the panels one run must fill', () => {
  it('keeps the panels naming the run’s metrics, with the variables, without rows and annotations', () => {
    const stormdrill = parsed['stormdrill.json'];
    const write = panelsNaming(stormdrill, ['stormdrill_write_']);
    expect(dashboardQueries(write).map((q) => q.panel)).toEqual([
      'Writes per second by outcome',
      'Write latency p50 / p99',
      'Write latency p50 / p99',
      'Write errors per second by kind',
      'Unavailable (writes / reads)',
      'Unavailability windows',
      'Time unavailable',
    ]);
    expect(variableQueries(write)).toEqual(variableQueries(stormdrill));
    // the annotation names stormdrill_drill_events_total too, and is dropped with the other panels
    expect(dashboardQueries(panelsNaming(parsed['drills.json'], ['stormdrill_drill_'])).map((q) => q.panel)).toEqual([
      'Checks',
      'Acknowledged writes lost',
      'Failover time',
      'Unavailable',
      'Nodes accepting writes as primary (two at once: split brain)',
      'Split brain (two primaries accepting writes)',
      'Stale reads by side',
      'Cut-off master acknowledged writes for',
      'Cut-off master acknowledged writes for',
      'Writes to the cut-off master while cut',
      'Reads from the cut-off master while cut',
      'Time to detect',
      'Time to recover',
      'Error budget spent',
      'Drill running',
      'Drill events',
    ]);
  });

  it('leaves out the panels naming other runs’ metrics, keeping every other panel, the variables and the annotations', () => {
    const drills = parsed['drills.json'];
    const cutOff = ['stormdrill_drill_cut_off_', 'stormdrill_drill_cluster_node_timeout_ms'];
    const rest = panelsNotNaming(drills, cutOff);
    const panels = (d: unknown) => dashboardQueries(d).map((q) => q.panel);
    expect(panels(rest)).not.toContain('Writes to the cut-off master while cut');
    expect(panels(rest)).toContain('Split brain (two primaries accepting writes)');
    expect(panels(rest).length + panels(panelsNaming(drills, cutOff)).length).toBe(panels(drills).length);
    expect(variableQueries(rest)).toEqual(variableQueries(drills));
    expect((rest as { annotations: unknown }).annotations).toEqual((drills as { annotations: unknown }).annotations);
  });
});

describe('Grafana template interpolation', () => {
  const ctx = templateContext({
    fromMs: 0,
    toMs: 3_600_000,
    scrapeIntervalMs: 5000,
    vars: { testid: ['run-1'], name: ['GET /items', 'POST /reservations/:id/confirm'], scenario: { all: '.*' } },
  });

  it('computes $__interval, $__rate_interval and $__range like Grafana', () => {
    expect(ctx.intervalMs).toBe(5000); // 1 h / 1000 points = 3.6 s, raised to the 5 s scrape interval
    expect(ctx.rateIntervalMs).toBe(20_000); // max(interval + scrape, 4 × scrape)
    expect(templateContext({ fromMs: 0, toMs: 86_400_000 }).intervalMs).toBe(87_000);
    expect(templateContext({ fromMs: 0, toMs: 86_400_000 }).rateIntervalMs).toBe(92_000);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax
    expect(interpolate('rate(x[$__rate_interval]) / $__range_s + $__interval_ms [${__range}]', ctx)).toBe(
      'rate(x[20s]) / 3600 + 5000 [3600s]',
    );
  });

  it('formats single, multi and All values for regex matchers', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax
    expect(interpolate('x{testid=~"$testid", scenario=~"${scenario}", name=~"[[name]]"}', ctx)).toBe(
      'x{testid=~"run-1", scenario=~".*", name=~"(GET /items|POST /reservations/:id/confirm)"}',
    );
    expect(regexEscape('a.b(c)|d')).toBe('a\\\\.b\\\\(c\\\\)\\\\|d');
    expect(() => interpolate('x{a=~"$nope"}', ctx)).toThrow(/'\$nope' has no value/);
  });

  it('parses label_values variable queries', () => {
    expect(parseLabelValues('label_values(k6_http_reqs_total{testid=~"$testid"}, scenario)')).toEqual({
      selector: 'k6_http_reqs_total{testid=~"$testid"}',
      label: 'scenario',
    });
    expect(parseLabelValues('label_values(testid)')).toEqual({ selector: null, label: 'testid' });
    expect(parseLabelValues('query_result(up)')).toBeNull();
  });
});
