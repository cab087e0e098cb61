/**
 * What Grafana would ask Prometheus for, read from dashboard JSON: every panel target and
 * annotation expression, every template variable query, and Grafana's template
 * interpolation ($var, ${var}, ${var:regex}, [[var]], $__interval, $__rate_interval,
 * $__range, ...). Lets a test run every query of every dashboard against a real
 * Prometheus without Grafana. Pure.
 */

export interface DashboardQuery {
  dashboard: string;
  /** Panel title, or `annotation: <name>`. */
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
}

export interface VariableQuery {
  name: string;
  /** The selector of `label_values(<selector>, <label>)`, or null for `label_values(<label>)`. */
  selector: string | null;
  label: string;
  includeAll: boolean;
  allValue: string | null;
}

interface PanelJson {
  type?: string;
  title?: string;
  panels?: PanelJson[];
  targets?: Array<{ expr?: string; refId?: string; instant?: boolean; range?: boolean; hide?: boolean }>;
}

interface DashboardJson {
  title?: string;
  panels?: PanelJson[];
  annotations?: { list?: Array<{ name?: string; expr?: string; enable?: boolean; builtIn?: number }> };
  templating?: { list?: Array<{ name?: string; type?: string; query?: unknown; includeAll?: boolean; allValue?: string }> };
}

/** Every non-hidden panel target and enabled annotation query with an expression. */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  const d = dashboard as DashboardJson;
  const title = d.title ?? '(untitled)';
  const out: DashboardQuery[] = [];
  const walk = (panels: PanelJson[] | undefined) => {
    for (const p of panels ?? []) {
      if (p.type === 'row') {
        walk(p.panels);
        continue;
      }
      for (const t of p.targets ?? []) {
        if (t.hide || !t.expr) continue;
        out.push({
          dashboard: title,
          panel: p.title ?? '(untitled)',
          refId: t.refId ?? '?',
          expr: t.expr,
          instant: t.instant === true && t.range !== true,
        });
      }
    }
  };
  walk(d.panels);
  for (const a of d.annotations?.list ?? []) {
    if (a.builtIn || a.enable === false || !a.expr) continue;
    out.push({ dashboard: title, panel: `annotation: ${a.name ?? '?'}`, refId: 'anno', expr: a.expr, instant: false });
  }
  return out;
}

const LABEL_VALUES = /^\s*label_values\(\s*(?:(.*\S)\s*,\s*)?([a-zA-Z_]\w*)\s*\)\s*$/s;

/** Parse Grafana's Prometheus `label_values(...)` variable query; null for other kinds. */
export function parseLabelValues(query: string): { selector: string | null; label: string } | null {
  const m = LABEL_VALUES.exec(query);
  if (!m) return null;
  return { selector: m[1] ?? null, label: m[2] as string };
}

/** The dashboard's query variables, in order (later ones may refer to earlier ones). */
export function variableQueries(dashboard: unknown): VariableQuery[] {
  const d = dashboard as DashboardJson;
  const out: VariableQuery[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query' || !v.name) continue;
    const raw = typeof v.query === 'string' ? v.query : ((v.query as { query?: string } | undefined)?.query ?? '');
    const parsed = parseLabelValues(raw);
    if (!parsed) throw new Error(`variable ${v.name}: unsupported query '${raw}' (only label_values(...) is resolved)`);
    out.push({ name: v.name, ...parsed, includeAll: v.includeAll === true, allValue: v.allValue ?? null });
  }
  return out;
}

export interface TemplateContext {
  /** Variable name → selected values; the string 'all' selects the variable's allValue. */
  vars: Record<string, string[] | { all: string }>;
  intervalMs: number;
  rateIntervalMs: number;
  rangeMs: number;
}

/** Grafana's $__interval / $__rate_interval / $__range for a time range. */
export function templateContext(o: {
  fromMs: number;
  toMs: number;
  /** Panel width in points (Grafana's maxDataPoints), default 1000. */
  maxDataPoints?: number;
  /** The datasource's scrape interval (timeInterval), default 5 s. */
  scrapeIntervalMs?: number;
  vars?: TemplateContext['vars'];
}): TemplateContext {
  const scrape = o.scrapeIntervalMs ?? 5000;
  const rangeMs = Math.max(1000, o.toMs - o.fromMs);
  const intervalMs = Math.max(scrape, Math.ceil(rangeMs / (o.maxDataPoints ?? 1000) / 1000) * 1000);
  return { vars: o.vars ?? {}, intervalMs, rateIntervalMs: Math.max(intervalMs + scrape, 4 * scrape), rangeMs };
}

/** Escape a value for a PromQL regex inside a double-quoted string, as Grafana does for multi-value variables. */
export function regexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

function formatValue(v: string[] | { all: string }): string {
  if (!Array.isArray(v)) return v.all;
  if (v.length === 1) return regexEscape(v[0] as string);
  return `(${v.map(regexEscape).join('|')})`;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** Replace Grafana template variables in an expression; throws on an unknown variable. */
export function interpolate(expr: string, ctx: TemplateContext): string {
  const builtins: Record<string, string> = {
    __interval: seconds(ctx.intervalMs),
    __interval_ms: String(ctx.intervalMs),
    __rate_interval: seconds(ctx.rateIntervalMs),
    __rate_interval_ms: String(ctx.rateIntervalMs),
    __range: seconds(ctx.rangeMs),
    __range_s: String(Math.round(ctx.rangeMs / 1000)),
    __range_ms: String(ctx.rangeMs),
  };
  const value = (name: string): string => {
    if (name in builtins) return builtins[name] as string;
    const v = ctx.vars[name];
    if (v === undefined) throw new Error(`template variable '$${name}' has no value (used in: ${expr})`);
    return formatValue(v);
  };
  return expr
    .replace(/\$\{(\w+)(?::\w+)?\}/g, (_, n: string) => value(n))
    .replace(/\[\[(\w+)\]\]/g, (_, n: string) => value(n))
    .replace(/\$(\w+)/g, (_, n: string) => value(n));
}
