/**
 * Run every query of every dashboard against a Prometheus, the way Grafana would: variables
 * resolved through `label_values()` (label values API), then every panel target and
 * annotation as a range (or instant) query. Reports each query that errors or returns
 * nothing, by dashboard and panel. Used by the dashboard-query test and usable after a
 * run (`stormdrill demo --keep`) to prove the dashboards show it.
 */
import { type PromSeries, promGet } from '../observability/prom-query.js';
import { dashboardQueries, interpolate, type TemplateContext, templateContext, variableQueries } from './queries.js';

export interface DashboardProblem {
  file: string;
  /** `dashboard / panel [refId]`, or `dashboard / $variable`. */
  where: string;
  kind: 'error' | 'empty' | 'variable';
  detail: string;
  vars: TemplateContext['vars'];
}

export interface DashboardCheckOptions {
  prometheusUrl: string;
  /** Dashboard JSON models by file name. */
  dashboards: Record<string, unknown>;
  fromMs: number;
  toMs: number;
  /** The datasource's scrape interval (Grafana's timeInterval), default 5 s. */
  scrapeIntervalMs?: number;
  /**
   * Runs to check each dashboard with: variable → value pins (e.g. `{ testid: 'run-1' }`).
   * Default: one run with nothing pinned.
   */
  pins?: Record<string, Array<Record<string, string>>>;
  /** Unpinned variables: `all` selects All, `each` selects every offered value (default both). */
  picks?: Array<'all' | 'each'>;
  /** Files fed by several runs that each feed only some panels: a panel fails only when no run fed it. */
  union?: string[];
  timeoutMs?: number;
}

export interface DashboardCheckResult {
  /** Queries run (panel targets and annotations, every pin and pick). */
  queries: number;
  problems: DashboardProblem[];
}

/**
 * The dashboard with only the panels whose queries name one of `metrics` (metric names or
 * name prefixes such as `stormdrill_write_`), variables kept, annotations dropped: what a
 * run of one component must fill. Checked with that run pinned and no `union`, a panel whose
 * series are absent fails, so a clean run (no errors, no unavailability) proves its panels
 * show 0 rather than "No data".
 */
export function panelsNaming(dashboard: unknown, metrics: string[]): unknown {
  return { ...(selectPanels(dashboard, metrics, true) as object), annotations: { list: [] } };
}

/** The dashboard without the panels that name any of `metrics` (annotations kept). */
export function panelsNotNaming(dashboard: unknown, metrics: string[]): unknown {
  return selectPanels(dashboard, metrics, false);
}

function selectPanels(dashboard: unknown, metrics: string[], naming: boolean): unknown {
  type Panel = { type?: string; panels?: Panel[]; targets?: Array<{ expr?: string }> };
  const names = (p: Panel) => (p.targets ?? []).some((t) => metrics.some((m) => new RegExp(`\\b${m}`).test(t.expr ?? '')));
  const keep = (panels: Panel[] | undefined): Panel[] =>
    (panels ?? []).flatMap((p) => (p.type === 'row' ? keep(p.panels) : names(p) === naming ? [p] : []));
  const d = dashboard as { panels?: Panel[] };
  return { ...d, panels: keep(d.panels) };
}

/** A result has data when some series has a sample that is not NaN (or a native histogram). */
export function hasData(result: PromSeries[]): boolean {
  return result.some((s) => {
    if (s.histogram || s.histograms?.length) return true;
    const vals = s.values ?? (s.value ? [s.value] : []);
    return vals.some(([, v]) => v !== 'NaN');
  });
}

export async function checkDashboards(o: DashboardCheckOptions): Promise<DashboardCheckResult> {
  const base = o.prometheusUrl.replace(/\/$/, '');
  const timeoutMs = o.timeoutMs ?? 10_000;
  const start = String(Math.floor(o.fromMs / 1000));
  const end = String(Math.ceil(o.toMs / 1000));
  const problems: DashboardProblem[] = [];
  let queries = 0;
  for (const [file, dashboard] of Object.entries(o.dashboards)) {
    const title = (dashboard as { title?: string }).title ?? file;
    const runs = o.pins?.[file] ?? [{}];
    const emptyIn = new Map<string, DashboardProblem[]>();
    for (const pin of runs) {
      for (const pick of o.picks ?? (['all', 'each'] as const)) {
        const ctx = templateContext({ fromMs: o.fromMs, toMs: o.toMs, scrapeIntervalMs: o.scrapeIntervalMs ?? 5000 });
        let resolved = true;
        for (const v of variableQueries(dashboard)) {
          const params: Record<string, string> = { start, end };
          if (v.selector) params['match[]'] = interpolate(v.selector, ctx);
          const r = await promGet(base, `/api/v1/label/${v.label}/values`, params, timeoutMs);
          const values = r.status === 'success' ? ((r.data as string[] | undefined) ?? []) : [];
          const problem = (detail: string) => {
            problems.push({ file, where: `${title} / $${v.name}`, kind: 'variable', detail, vars: { ...ctx.vars } });
            resolved = false;
          };
          const pinned = pin[v.name];
          if (r.status !== 'success') problem(`label_values(${params['match[]'] ?? ''}, ${v.label}) failed: ${r.error}`);
          else if (values.length === 0) problem(`label_values(${params['match[]'] ?? ''}, ${v.label}) offers no value`);
          else if (pinned !== undefined && !values.includes(pinned))
            problem(`does not offer ${pinned} (offers ${values.slice(0, 5).join(', ')})`);
          if (!resolved) break;
          ctx.vars[v.name] = pinned !== undefined ? [pinned] : pick === 'all' ? { all: v.allValue ?? '.*' } : values;
        }
        if (!resolved) continue;
        for (const q of dashboardQueries(dashboard)) {
          const expr = interpolate(q.expr, ctx);
          queries++;
          const r = q.instant
            ? await promGet(base, '/api/v1/query', { query: expr, time: end }, timeoutMs)
            : await promGet(base, '/api/v1/query_range', { query: expr, start, end, step: String(ctx.intervalMs / 1000) }, timeoutMs);
          const where = `${q.dashboard} / ${q.panel} [${q.refId}]`;
          if (r.status !== 'success') problems.push({ file, where, kind: 'error', detail: `${r.error}: ${expr}`, vars: { ...ctx.vars } });
          else if (!hasData((r.data as { result: PromSeries[] }).result)) {
            const series = (r.data as { result: PromSeries[] }).result.length;
            const why = series === 0 ? 'no series' : `${series} series, every value NaN`;
            const p: DashboardProblem = { file, where, kind: 'empty', detail: `no data (${why}): ${expr}`, vars: { ...ctx.vars } };
            if (o.union?.includes(file)) emptyIn.set(`${where} (${pick})`, [...(emptyIn.get(`${where} (${pick})`) ?? []), p]);
            else problems.push(p);
          }
        }
      }
    }
    for (const ps of emptyIn.values()) if (ps.length === runs.length) problems.push(ps[0] as DashboardProblem);
  }
  return { queries, problems };
}

/** One line per problem. */
export function formatDashboardProblem(p: DashboardProblem): string {
  return `${p.where}: ${p.kind === 'error' ? 'error ' : ''}${p.detail}  (variables ${JSON.stringify(p.vars)})`;
}
