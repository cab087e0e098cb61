/**
 * A small layer over @grafana/grafana-foundation-sdk: a dashboard is described as rows of
 * panel specs (title, unit, PromQL queries); this module lays them out on the 24-column
 * grid and builds the Grafana JSON model with the SDK's builders. Pure.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/** The provisioned datasource (grafana/provisioning/datasources/prometheus.yml). */
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;

export interface QuerySpec {
  expr: string;
  legend?: string;
  /** Instant query (stat and table panels); range query otherwise. */
  instant?: boolean;
}

export type PanelKind = 'timeseries' | 'stat' | 'statetimeline' | 'table';

export interface PanelSpec {
  kind: PanelKind;
  title: string;
  description?: string;
  unit?: string;
  /** Grid columns out of 24 (default: the row's width divided evenly). */
  width?: number;
  height?: number;
  queries: QuerySpec[];
  min?: number;
  max?: number;
  /** Value → text (and colour) for stat and state-timeline panels. */
  valueText?: Array<{ value: number; text: string; color: string }>;
  /** Stack series (timeseries). */
  stacked?: boolean;
  /** Green below, red from this value on (stat panels). */
  redFrom?: number;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

export interface VariableSpec {
  name: string;
  label?: string;
  /** A Grafana Prometheus variable query: `label_values(<selector>, <label>)`. */
  query: string;
  multi?: boolean;
  includeAll?: boolean;
}

export interface AnnotationSpec {
  name: string;
  expr: string;
  title: string;
  text?: string;
  tags?: string;
  color: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: VariableSpec[];
  annotations?: AnnotationSpec[];
  rows: RowSpec[];
  /** Default time range (default now-30m). */
  from?: string;
  refresh?: string;
}

function query(q: QuerySpec, refId: string): prometheus.DataqueryBuilder {
  const b = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(q.expr)
    .refId(refId)
    .legendFormat(q.legend ?? '__auto');
  return q.instant ? b.instant() : b.range();
}

function mappings(spec: PanelSpec): dashboard.ValueMapping[] {
  if (!spec.valueText) return [];
  const options: Record<string, dashboard.ValueMappingResult> = {};
  spec.valueText.forEach((v, i) => {
    options[String(v.value)] = { text: v.text, color: v.color, index: i };
  });
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

function thresholds(redFrom: number | undefined): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: 'green' }];
  if (redFrom !== undefined) steps.push({ value: redFrom, color: 'red' });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

type AnyPanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | statetimeline.PanelBuilder | table.PanelBuilder;

function panel(spec: PanelSpec, id: number, pos: dashboard.GridPos): AnyPanelBuilder {
  let b: AnyPanelBuilder;
  switch (spec.kind) {
    case 'timeseries': {
      const t = new timeseries.PanelBuilder()
        .lineWidth(1)
        .fillOpacity(spec.stacked ? 30 : 10)
        .showPoints(common.VisibilityMode.Never);
      if (spec.stacked) t.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
      b = t;
      break;
    }
    case 'stat':
      b = new stat.PanelBuilder()
        .graphMode(common.BigValueGraphMode.Area)
        .colorMode(common.BigValueColorMode.Value)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
      break;
    case 'statetimeline':
      b = new statetimeline.PanelBuilder().showValue(common.VisibilityMode.Auto).mergeValues(true);
      break;
    case 'table':
      b = new table.PanelBuilder();
      break;
  }
  b.id(id).title(spec.title).datasource(DATASOURCE).gridPos(pos);
  if (spec.description) b.description(spec.description);
  if (spec.unit) b.unit(spec.unit);
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.valueText) b.mappings(mappings(spec));
  if (spec.kind !== 'timeseries') b.thresholds(thresholds(spec.redFrom));
  spec.queries.forEach((q, i) => {
    b.withTarget(query(q, String.fromCharCode(65 + i)));
  });
  return b;
}

function variable(v: VariableSpec): dashboard.QueryVariableBuilder {
  const b = new dashboard.QueryVariableBuilder(v.name)
    .label(v.label ?? v.name)
    .datasource(DATASOURCE)
    .query({ query: v.query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
    .definition(v.query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(v.multi ?? true)
    .includeAll(v.includeAll ?? true);
  if (v.includeAll ?? true) b.allValue('.*').current({ text: 'All', value: '$__all', selected: true });
  return b;
}

function annotation(a: AnnotationSpec): dashboard.AnnotationQueryBuilder {
  const b = new dashboard.AnnotationQueryBuilder()
    .name(a.name)
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor(a.color)
    .expr(a.expr)
    .step('$__interval')
    .titleFormat(a.title);
  if (a.text) b.textFormat(a.text);
  if (a.tags) b.tagKeys(a.tags);
  return b;
}

/** Panel heights by kind (grid units). */
const HEIGHT: Record<PanelKind, number> = { timeseries: 8, stat: 4, statetimeline: 6, table: 7 };

/** The Grafana dashboard JSON model of a spec. Panel ids and positions are stable. */
export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(spec.tags)
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: spec.from ?? 'now-30m', to: 'now' })
    .refresh(spec.refresh ?? '10s')
    .timezone('browser');
  // every stormdrill dashboard links to the others, keeping the time range and test id
  b.link(
    new dashboard.DashboardLinkBuilder('stormdrill')
      .type(dashboard.DashboardLinkType.Dashboards)
      .tags(['stormdrill'])
      .asDropdown(true)
      .keepTime(true)
      .includeVars(true),
  );
  for (const v of spec.variables) b.withVariable(variable(v));
  for (const a of spec.annotations ?? []) b.annotation(annotation(a));
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    b.withRow(new dashboard.RowBuilder(row.title).id(id++).gridPos({ x: 0, y, w: 24, h: 1 }));
    y += 1;
    let x = 0;
    let rowHeight = 0;
    const even = Math.floor(24 / Math.min(row.panels.length, 4));
    for (const p of row.panels) {
      const w = p.width ?? even;
      const h = p.height ?? HEIGHT[p.kind];
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      b.withPanel(panel(p, id++, { x, y, w, h }));
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
  return b.build();
}

/** A label matcher list for the usual variables, e.g. sel({testid: 'testid'}) → `testid=~"$testid"`. */
export function sel(vars: string[], extra: string[] = []): string {
  return `{${[...vars.map((v) => `${v}=~"$${v}"`), ...extra].join(', ')}}`;
}
