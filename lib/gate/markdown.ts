/**
 * The gate's verdict as a Markdown table (pure), for a CI job summary
 * (`gate --markdown "$GITHUB_STEP_SUMMARY"`): one row per check with its figures, the
 * change against the baseline in percent where there is one, and pass/fail.
 */
import { changeText, type GateResult, parseRule } from './evaluate.js';
import type { GateInput } from './metrics.js';

export interface MarkdownContext {
  /** What was gated, e.g. `perf/bench.json (stormdrill bench, testid …)`. */
  title: string;
  run: GateInput;
  baseline?: GateInput;
}

/** The statistic a check is about (for its change against the baseline), if it has one. */
function checkedMetric(c: GateResult['checks'][number]): string | undefined {
  if (c.kind === 'baseline') return c.name;
  if (c.kind === 'rule') {
    const r = parseRule(c.name);
    return typeof r === 'string' ? undefined : r.metric;
  }
  return undefined;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function gateMarkdown(r: GateResult, ctx: MarkdownContext): string {
  const failed = r.checks.filter((c) => !c.ok).length;
  const lines = [
    `### stormdrill gate: ${failed === 0 ? 'passed' : 'FAILED'} (${failed === 0 ? `${r.checks.length} checks` : `${failed} of ${r.checks.length} checks failed`})`,
    '',
    cell(ctx.title),
    '',
    '| check | kind | figures | change | verdict |',
    '| --- | --- | --- | ---: | --- |',
  ];
  for (const c of r.checks) {
    const metric = checkedMetric(c);
    const cur = metric ? ctx.run.metrics.get(metric) : undefined;
    const base = metric ? ctx.baseline?.metrics.get(metric) : undefined;
    const change = cur && base ? changeText(cur.value, base.value) : '';
    // the baseline's detail ends with the change and the bound in parentheses: the change has its own column
    const figures = c.kind === 'baseline' ? c.detail.replace(/ \([^()]*\)$/, '') : c.detail;
    lines.push(`| ${cell(c.name)} | ${c.kind} | ${cell(figures)} | ${change} | ${c.ok ? '✅ pass' : '❌ fail'} |`);
  }
  if (r.checks.length === 0) lines.push('| (nothing to check) | | | | |');
  return `${lines.join('\n')}\n\n`;
}
