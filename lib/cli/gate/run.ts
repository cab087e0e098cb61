/**
 * `stormdrill gate`: the thin I/O edge over the pure gate — read the result (and baseline)
 * files, turn every kind of bad input into one line, print the verdict, write JUnit/JSON.
 */
import { appendFileSync } from 'node:fs';
import { readDurationFlag } from '../../core/duration.js';
import { OptionsError, redactSecrets, UserError } from '../../core/errors.js';
import {
  DEFAULT_COMPARE,
  evaluateGate,
  type GateResult,
  globMatcher,
  missingStatistics,
  parseRules,
  type Rule,
} from '../../gate/evaluate.js';
import { formatGate, gateJUnit } from '../../gate/format.js';
import { gateMarkdown } from '../../gate/markdown.js';
import { type GateInput, readResult } from '../../gate/metrics.js';
import { promGateInput } from '../../gate/prometheus.js';
import { readJsonFile } from '../json-input.js';
import { checkOutputPaths, writeOutputFile } from '../output.js';

export interface GateFlags {
  rule?: string[];
  baseline?: string;
  maxRegression?: string;
  compare?: string;
  ignoreThresholds?: boolean;
  junit?: string;
  json?: string;
  /** Append the verdict as a Markdown table (e.g. to $GITHUB_STEP_SUMMARY). */
  markdown?: string;
  /** Read the run from this Prometheus (all instances of --testid) instead of a result file. */
  prometheus?: string;
  testid?: string;
  lookback?: string;
}

/** `--prometheus URL --testid ID`: the rules' statistics over every instance of the run. */
async function loadFromPrometheus(f: GateFlags, rules: Rule[]): Promise<{ run: GateInput; what: string }> {
  if (!f.testid) throw new UserError('--prometheus needs --testid ID (the testid every instance of the run pushed with)');
  if (rules.length === 0) throw new UserError("--prometheus needs at least one --rule, e.g. --rule 'http_req_duration.p(99)<300'");
  if (f.baseline)
    throw new UserError('--baseline compares result files: gate the files (stormdrill merge) or drop --baseline with --prometheus');
  const lookback = readDurationFlag('--lookback', f.lookback ?? '1h', { example: '2h' });
  if ('problem' in lookback) throw new UserError(lookback.problem);
  const { input, window } = await promGateInput(
    { url: f.prometheus as string, testid: f.testid, lookbackSec: lookback.ms / 1000 },
    rules.map((r) => r.metric),
  );
  const span = ((window.endMs - window.startMs) / 1000).toFixed(1);
  const inst = window.instances.length ? `${window.instances.length} instances (${window.instances.join(', ')})` : 'no instance labels';
  return { run: input, what: `prometheus ${redactSecrets(f.prometheus as string)} testid ${f.testid}: ${inst}, samples over ${span} s` };
}

function loadResult(path: string, what: string): GateInput {
  const r = readResult(readJsonFile(`${what} ${path}`, path, 'give the file `stormdrill bench --json` or `stormdrill k6` wrote'));
  if (typeof r === 'string') throw new UserError(`${what} ${path} is ${r}`);
  return r;
}

/** `10`, `10%` or `0.1`? Percent, always: `--max-regression 10` = 10 %. */
export function parsePercent(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  if (!m || Number(m[1]) > 1000) throw new UserError(`--max-regression must be a percentage like 10 or 10%, got '${text}'`);
  return Number(m[1]) / 100;
}

/** Run the gate; returns the exit code (0 passed, 1 failed). Bad input throws UserError (exit 2). */
export async function gateCli(resultPath: string | undefined, f: GateFlags): Promise<number> {
  const out = (s: string) => process.stdout.write(s);
  checkOutputPaths([
    { flag: '--junit', path: f.junit },
    { flag: '--json', path: f.json },
    { flag: '--markdown', path: f.markdown },
  ]);
  const { rules, problems } = parseRules(f.rule ?? []);
  const maxRegression = parsePercent(f.maxRegression ?? '10');
  if (f.prometheus && resultPath) throw new UserError(`give either a result file (${resultPath}) or --prometheus, not both`);
  if (!f.prometheus && !resultPath)
    throw new UserError('give a result file (bench --json, k6 summary.json) or --prometheus URL --testid ID');
  const fromProm = f.prometheus ? await loadFromPrometheus(f, rules) : undefined;
  const run = fromProm ? fromProm.run : loadResult(resultPath as string, 'result');
  const source = fromProm ? fromProm.what : (resultPath as string);
  const baseline = f.baseline ? loadResult(f.baseline, 'baseline') : undefined;
  if (baseline && baseline.kind !== run.kind)
    throw new UserError(`baseline ${f.baseline} is a ${baseline.kind} but the result is a ${run.kind}; compare like with like`);
  const missing = missingStatistics(run, rules, source);
  if (missing) problems.push(missing);
  if (problems.length) throw new OptionsError(problems);
  if (rules.length === 0 && !baseline && run.thresholds.length === 0)
    throw new UserError('nothing to check: give --rule METRIC<LIMIT and/or --baseline FILE');

  const result: GateResult = evaluateGate(run, {
    rules,
    baseline,
    maxRegression,
    compare: globMatcher(f.compare ?? DEFAULT_COMPARE),
    ignoreThresholds: f.ignoreThresholds,
  });
  const header = `gate: ${source} (${run.kind}${run.testid ? `, testid ${run.testid}` : ''})${
    baseline ? ` against ${f.baseline} (regression allowed: ${(maxRegression * 100).toFixed(0)} %)` : ''
  }`;
  out(formatGate(result, header));
  const props = { result: source, ...(f.baseline ? { baseline: f.baseline } : {}), ...(run.testid ? { testid: run.testid } : {}) };
  if (f.junit) out(`junit: ${writeOutputFile('--junit', f.junit, gateJUnit(result, props))}\n`);
  if (f.json) out(`json: ${writeOutputFile('--json', f.json, `${JSON.stringify({ ...props, ...result }, null, 2)}\n`)}\n`);
  if (f.markdown) {
    try {
      appendFileSync(f.markdown, gateMarkdown(result, { title: header.replace(/^gate: /, ''), run, baseline }));
    } catch (err) {
      throw new UserError(`--markdown ${f.markdown}: cannot append: ${(err as Error).message}`);
    }
    out(`markdown: ${f.markdown}\n`);
  }
  return result.passed ? 0 : 1;
}
