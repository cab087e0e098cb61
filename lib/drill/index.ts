/** Outage drills: executable runbooks, the runner, checks and reports. */
export { makeDrillActions } from './actions.js';
export {
  type CheckResult,
  type DrillMeasurements,
  evaluateChecks,
  failoverSeconds,
  NEW_PRIMARY_EVENTS,
  type VerifyOutcome,
} from './checks.js';
export { type LoadedRunbook, listRunbookFiles, loadRunbook, planFromText, RUNBOOK_DIR, resolveRunbook } from './load.js';
export { type DrillPlan, PlanError, type PlannedStep, planRunbook, type VariantChoice, variants } from './plan.js';
export { type DrillReport, htmlReport, markdownReport, timelineSvg, writeDrillReport } from './report/index.js';
export { connectionOf, DRILL_EXIT, type DrillOutcome, type DrillPhase, type RunDrillOptions, runDrill } from './runner.js';
export { safetyProblems } from './safety.js';
export { resolveSelector } from './selectors.js';
export { type DrillStep, RETIRED_STEPS, STEP_NAMES, STEPS } from './steps/index.js';
