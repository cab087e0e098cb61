/**
 * Runbook → ordered drill plan. Pure: variables and matrix variants are substituted,
 * every section is validated, each step is checked against the registry (unknown and
 * retired names get a message naming the known ones), durations are parsed to ms, and
 * every problem is returned at once with the field path (load.ts adds file:line).
 */
import { z } from 'zod';
import { feasibilityProblems } from './feasible.js';
import type { FieldPath, PlannedStep, PlanProblem } from './plan-types.js';
import {
  AbortSection,
  ChecksSection,
  PreconditionsSection,
  RawRunbook,
  ServiceSection,
  STEP_COMMON_KEYS,
  StepCommon,
  TopologySection,
  type VarValue,
  WorkloadSection,
} from './schema.js';
import { type DrillStep, RETIRED_STEPS, STEP_NAMES, stepDefinition } from './steps/index.js';
import { partitionSideProblems } from './steps/partition.js';

export type { FieldPath, PlannedStep, PlanProblem } from './plan-types.js';

export interface DrillPlan {
  runbook: string;
  description: string;
  /** e.g. `replicas=2 fault=primary`; '' without variables. */
  variant: string;
  vars: Record<string, VarValue>;
  topology: z.infer<typeof TopologySection>;
  preconditions: z.infer<typeof PreconditionsSection>;
  workload: z.infer<typeof WorkloadSection>;
  /** The service workload (game day), or null. */
  service: z.infer<typeof ServiceSection> | null;
  steps: PlannedStep[];
  rollback: PlannedStep[];
  checks: z.infer<typeof ChecksSection>;
  abort: z.infer<typeof AbortSection>;
  /** True when any step (or rollback step) is destructive. */
  destructive: boolean;
  needsOwnedTopology: boolean;
}

export class PlanError extends Error {
  constructor(readonly problems: PlanProblem[]) {
    super(problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('\n'));
    this.name = 'PlanError';
  }
}

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

function valueAt(input: unknown, path: FieldPath): unknown {
  let v = input;
  for (const k of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function zodProblems(err: z.ZodError, base: FieldPath, input?: unknown): PlanProblem[] {
  return err.issues.map((i) => {
    const at = i.path as FieldPath;
    const path = [...base, ...at];
    // what the runbook holds there (JSON), when the input is known
    const got = input === undefined ? undefined : JSON.stringify(valueAt(input, at));
    if (input !== undefined && at.length > 0 && got === undefined && i.code !== 'custom') return { path, message: 'missing (required)' };
    if (i.code === 'unrecognized_keys')
      return {
        path: [...path, i.keys[0] as string],
        message: `unknown field${i.keys.length > 1 ? `s ${i.keys.join(', ')}` : ''}: check the spelling (see docs/drills.md)`,
      };
    let message = i.message;
    if (i.code === 'invalid_value' && 'values' in i) message = `must be one of ${(i.values as unknown[]).map(String).join(', ')}`;
    else if (i.code === 'invalid_type' && input !== undefined) message = `expected ${i.expected}, got ${got}`;
    else if (i.code === 'invalid_union' && input !== undefined) message = `invalid value ${got}: see docs/drills.md for the accepted forms`;
    else if (i.code === 'invalid_type' && /received undefined/.test(i.message)) message = `missing (${i.expected} required)`;
    return { path, message };
  });
}

// ---------------------------------------------------------------- variables

const VAR_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_VAR = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

const unknownVariable = (name: string, vars: Record<string, VarValue>) =>
  `unknown variable \${${name}}: define it under vars (known: ${Object.keys(vars).join(', ') || 'none'})`;

/** Replace `${name}` in every string of `value` (a whole-string reference keeps the variable's type). */
export function substitute(value: unknown, vars: Record<string, VarValue>, path: FieldPath, problems: PlanProblem[]): unknown {
  if (typeof value === 'string') {
    /** Whether `name` is a variable (a problem when not). */
    const known = (name: string) => {
      if (!(name in vars)) problems.push({ path, message: unknownVariable(name, vars) });
      return name in vars;
    };
    const whole = WHOLE_VAR.exec(value)?.[1];
    if (whole !== undefined) return known(whole) ? vars[whole] : value;
    return value.replace(VAR_REF, (m, name: string) => (known(name) ? String(vars[name]) : m));
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, vars, [...path, i], problems));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, vars, [...path, k], problems);
    return out;
  }
  return value;
}

/**
 * Variables may use other variables (`b: ${a}x`): resolve them in dependency order. A cycle
 * (`a: ${b}`, `b: ${a}`) is one problem naming the variables in it.
 */
export function resolveVars(vars: Record<string, VarValue>, problems: PlanProblem[]): Record<string, VarValue> {
  const out: Record<string, VarValue> = {};
  const reported = new Set<string>();
  const resolveOne = (name: string, stack: string[]): VarValue | undefined => {
    if (name in out) return out[name];
    const at = stack.indexOf(name);
    if (at >= 0) {
      const cycle = [...stack.slice(at), name];
      const key = [...new Set(cycle)].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        problems.push({ path: ['vars', name], message: `variable cycle ${cycle.join(' → ')}: give one of them a value` });
      }
      return undefined;
    }
    const v = vars[name];
    if (typeof v !== 'string' || !VAR_REF.test(v)) return v;
    VAR_REF.lastIndex = 0;
    const refs = [...v.matchAll(VAR_REF)].map((m) => m[1] as string);
    const known: Record<string, VarValue> = {};
    for (const r of refs) {
      if (!(r in vars)) continue;
      const rv = resolveOne(r, [...stack, name]);
      if (rv === undefined) return undefined;
      known[r] = rv;
    }
    const unknown = refs.filter((r) => !(r in vars));
    if (unknown.length) {
      problems.push({ path: ['vars', name], message: unknownVariable(unknown[0] as string, vars) });
      return undefined;
    }
    const r = substitute(v, known, ['vars', name], problems) as VarValue;
    out[name] = r;
    return r;
  };
  for (const name of Object.keys(vars)) resolveOne(name, []);
  return { ...vars, ...out };
}

export interface VariantChoice {
  /** --set name=value overrides. */
  set?: Record<string, string>;
  /** Every combination of the matrix instead of one variant. */
  allVariants?: boolean;
}

function coerce(text: string, like: VarValue | undefined): VarValue {
  if (typeof like === 'number' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (typeof like === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (like === undefined && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** The variable sets to run: one (defaults, first matrix values, --set) or every matrix combination. */
export function variants(raw: Pick<RawRunbook, 'vars' | 'matrix'>, choice: VariantChoice = {}): Array<Record<string, VarValue>> {
  const base: Record<string, VarValue> = { ...raw.vars };
  const matrix = raw.matrix ?? {};
  const set = choice.set ?? {};
  const known = [...new Set([...Object.keys(base), ...Object.keys(matrix)])].join(', ') || 'none';
  const unknown = Object.keys(set).filter((name) => !(name in base) && !(name in matrix));
  if (unknown.length)
    throw new PlanError(unknown.map((name) => ({ path: ['vars'], message: `--set ${name}: no such variable (known: ${known})` })));
  const fixed: Record<string, VarValue> = {};
  for (const [k, v] of Object.entries(set)) fixed[k] = coerce(v, base[k] ?? matrix[k]?.[0]);
  if (!choice.allVariants) {
    const one: Record<string, VarValue> = { ...base };
    for (const [k, values] of Object.entries(matrix)) if (!(k in one)) one[k] = values[0] as VarValue;
    return [{ ...one, ...fixed }];
  }
  let combos: Array<Record<string, VarValue>> = [{ ...base }];
  for (const [k, values] of Object.entries(matrix)) {
    if (k in fixed) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
  }
  return combos.map((c) => ({ ...c, ...fixed }));
}

function whenHolds(when: Record<string, VarValue | VarValue[]> | undefined, vars: Record<string, VarValue>): boolean {
  if (!when) return true;
  return Object.entries(when).every(([k, want]) => (Array.isArray(want) ? want.includes(vars[k] as VarValue) : vars[k] === want));
}

function planSteps(
  list: Array<Record<string, unknown>>,
  base: FieldPath,
  vars: Record<string, VarValue>,
  problems: PlanProblem[],
): PlannedStep[] {
  const out: PlannedStep[] = [];
  list.forEach((raw, index) => {
    const path = [...base, index];
    const action = raw.action;
    if (typeof action !== 'string') {
      problems.push({ path: [...path, 'action'], message: `missing step action: use one of ${STEP_NAMES.join(', ')}` });
      return;
    }
    const def = stepDefinition(action);
    if (!def) {
      const retired = RETIRED_STEPS[action];
      problems.push({
        path: [...path, 'action'],
        message: retired
          ? `step '${action}' does not exist: ${retired}`
          : `unknown step '${action}': known steps are ${STEP_NAMES.join(', ')}`,
      });
      return;
    }
    const common: Record<string, unknown> = {};
    const own: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k !== 'action' && (STEP_COMMON_KEYS as readonly string[]).includes(k)) common[k] = v;
      else own[k] = v;
    }
    const c = StepCommon.safeParse(common);
    if (!c.success) problems.push(...zodProblems(c.error, path, common));
    const p = def.schema.safeParse(own);
    if (!p.success) {
      problems.push(...zodProblems(p.error, path, own));
      return;
    }
    if (!c.success || !whenHolds(c.data.when, vars)) return;
    const params = p.data as DrillStep;
    out.push({
      index,
      action: params.action,
      label: c.data.label ?? def.describe(params),
      atMs: c.data.at,
      params,
      description: def.describe(params),
      destructive: def.destructive,
      needsOwnedTopology: def.needsOwnedTopology,
    });
  });
  return out;
}

function section<S extends z.ZodType>(schema: S, value: unknown, path: FieldPath, problems: PlanProblem[]): z.infer<S> | undefined {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  problems.push(...zodProblems(r.error, path, value ?? {}));
  return undefined;
}

/**
 * A section as one mapping, or a list of mappings each with an optional `when`, merged in
 * order (checks, topology and workload take both forms: a matrix variant can add settings).
 */
function whenSections<S extends z.ZodObject>(
  schema: S,
  key: string,
  value: unknown,
  vars: Record<string, VarValue>,
  problems: PlanProblem[],
): z.infer<S> | undefined {
  if (!Array.isArray(value)) return section(schema, value, [key], problems);
  let merged: Record<string, unknown> = {};
  let ok = true;
  value.forEach((entry: Record<string, unknown>, i) => {
    const { when, ...rest } = entry;
    const w = StepCommon.pick({ when: true }).safeParse({ when });
    if (!w.success) {
      problems.push(...zodProblems(w.error, [key, i], { when }));
      ok = false;
    }
    // each entry on its own (fields may be missing: the merge must have them)
    if (!section(schema.partial(), rest, [key, i], problems)) ok = false;
    else if (w.success && whenHolds(w.data.when, vars)) merged = { ...merged, ...rest };
  });
  return ok ? (section(schema, merged, [key], problems) as z.infer<S> | undefined) : undefined;
}

/** Stand-ins for top-level fields with a problem, so the rest is still checked in the same round. */
const STAND_INS: Record<string, unknown> = { name: 'runbook', description: '' };

/**
 * The runbook's shape (as parseRaw), and every shape problem; when those are confined to
 * fields the rest does not need, the runbook without them is returned too, so the
 * sections and steps are checked in the same round.
 */
export function parseRawAll(input: unknown): { raw: RawRunbook | null; problems: PlanProblem[] } {
  try {
    return { raw: parseRaw(input), problems: [] };
  } catch (err) {
    if (!(err instanceof PlanError) || !input || typeof input !== 'object' || Array.isArray(input)) throw err;
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    for (const p of err.problems) {
      const k = p.path[0];
      if (typeof k !== 'string') continue;
      if (k in STAND_INS) rest[k] = STAND_INS[k];
      else if (k !== 'topology' && k !== 'steps') delete rest[k];
    }
    try {
      return { raw: parseRaw(rest), problems: err.problems };
    } catch {
      return { raw: null, problems: err.problems };
    }
  }
}

/** Validate the shape of the runbook before variables (name, vars, matrix, section types). */
export function parseRaw(input: unknown): RawRunbook {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new PlanError([
      { path: [], message: 'a runbook is a YAML mapping with name, description, topology, steps (see docs/drills.md)' },
    ]);
  }
  // Sections are checked after substitution; here only the overall shape.
  const shape = RawRunbook.extend({
    topology: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]),
    preconditions: z.record(z.string(), z.unknown()).optional(),
    workload: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
    service: z.record(z.string(), z.unknown()).optional(),
    checks: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
    abort: z.record(z.string(), z.unknown()).optional(),
  });
  const r = shape.safeParse(input);
  if (!r.success) throw new PlanError(zodProblems(r.error, []));
  const raw = r.data as unknown as RawRunbook;
  const problems: PlanProblem[] = [];
  for (const k of Object.keys(raw.matrix ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) problems.push({ path: ['matrix', k], message: 'variable names are letters, digits and _' });
  }
  if (problems.length) throw new PlanError(problems);
  return raw;
}

/** One variant of a runbook as a plan; throws PlanError with every problem. */
export function planVariant(raw: RawRunbook, given: Record<string, VarValue>): DrillPlan {
  const problems: PlanProblem[] = [];
  const vars = resolveVars(given, problems);
  const varProblems = problems.length;
  const sub = substitute({ ...raw, vars: undefined, matrix: undefined }, vars, [], problems) as RawRunbook;
  const topology = whenSections(TopologySection, 'topology', sub.topology, vars, problems);
  const preconditions = section(PreconditionsSection, sub.preconditions, ['preconditions'], problems);
  const workload = whenSections(WorkloadSection, 'workload', sub.workload ?? { kind: 'idle' }, vars, problems);
  const service = sub.service === undefined ? null : (section(ServiceSection, sub.service, ['service'], problems) ?? null);
  const checks = whenSections(ChecksSection, 'checks', sub.checks as unknown, vars, problems);
  const abort = section(AbortSection, sub.abort, ['abort'], problems);
  const steps = planSteps(sub.steps, ['steps'], vars, problems);
  const rollback = planSteps(sub.rollback ?? [], ['rollback'], vars, problems);
  const problem = (path: FieldPath, message: string) => problems.push({ path, message });
  if (topology && preconditions?.fillPercent !== undefined && !topology.maxmemory)
    problem(['preconditions', 'fillPercent'], 'fillPercent needs topology.maxmemory (e.g. maxmemory: 64mb)');
  if (topology && checks?.clusterStateOk && topology.kind !== 'cluster')
    problem(['checks', 'clusterStateOk'], 'clusterStateOk needs topology.kind: cluster');
  if (topology && (checks?.maxReadUnavailable !== undefined || checks?.maxWriteUnavailable !== undefined) && workload?.kind === 'idle')
    problem(['checks'], 'unavailability checks need a workload (workload: { kind: write })');
  const needs = checks && !sub.service ? SERVICE_CHECKS.filter((k) => checks[k] !== undefined) : [];
  if (needs.length) problem(['checks', needs[0] as string], `${needs.join(', ')} need a service workload (service: { rate: 10 })`);
  if (topology && sub.service && topology.kind === 'cluster')
    problem(
      ['service'],
      'the service workload needs a topology clients reach at one address or through Sentinel (haproxy, sentinel, standalone, replicas), not cluster',
    );
  if (topology && abort) problems.push(...feasibilityProblems({ topology, abort, steps, rollback }));
  if (topology) {
    const scalesOut = steps.some((s) => s.action === 'scale-out');
    for (const s of [...steps, ...rollback])
      if (s.params.action === 'partition')
        for (const message of partitionSideProblems(s.params.sides, topology, scalesOut))
          problem([rollback.includes(s) ? 'rollback' : 'steps', s.index, 'sides'], message);
  }
  // a value still holding ${name} after a variable problem is that problem again: said once
  if (varProblems) throw new PlanError(problems.filter((p, i) => i < varProblems || !p.message.includes('${')));
  if (problems.length || !topology || !preconditions || !workload || !checks || !abort) throw new PlanError(problems);
  if (steps.length === 0) throw new PlanError([{ path: ['steps'], message: `no step applies to variant ${variantName(vars)}` }]);
  const all = [...steps, ...rollback];
  return {
    runbook: raw.name,
    description: sub.description,
    variant: variantName(vars),
    vars,
    topology,
    preconditions,
    workload,
    service,
    steps,
    rollback,
    checks,
    abort,
    destructive: all.some((s) => s.destructive),
    needsOwnedTopology: all.some((s) => s.needsOwnedTopology),
  };
}

/** Checks that measure the service workload. */
const SERVICE_CHECKS = [
  'maxTimeToDetect',
  'maxTimeToRecover',
  'maxServiceUnavailable',
  'maxErrorBudgetSpent',
  'alertsFired',
  'noAlert',
] as const;

export function variantName(vars: Record<string, VarValue>): string {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Every plan the choice selects; problems of all variants are reported together. */
export function planRunbook(input: unknown, choice: VariantChoice = {}): DrillPlan[] {
  const { raw, problems: early } = parseRawAll(input);
  if (!raw) throw new PlanError(early);
  const plans: DrillPlan[] = [];
  const all = variants(raw, choice);
  // problem text → the variants it occurs in
  const seen = new Map<string, { problem: PlanProblem; in: string[] }>();
  for (const p of early) seen.set(`${formatPath(p.path)}\u0000${p.message}`, { problem: p, in: all.map(variantName) });
  for (const vars of all) {
    try {
      plans.push(planVariant(raw, vars));
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
      for (const p of err.problems) {
        const key = `${formatPath(p.path)}\u0000${p.message}`;
        const entry = seen.get(key) ?? { problem: p, in: [] };
        entry.in.push(variantName(vars));
        seen.set(key, entry);
      }
    }
  }
  if (seen.size) {
    throw new PlanError(
      [...seen.values()].map((e) =>
        e.in.length === all.length || all.length === 1
          ? e.problem
          : { path: e.problem.path, message: `${e.problem.message} (variant ${e.in.join('; ')})` },
      ),
    );
  }
  return plans;
}
