/** The k6 scenario library (runs inside k6 v2; see docs/k6.md). */

export { durationMs, formatDuration, isDuration } from '../core/duration.ts';
export { checkBaseUrl, DEFAULT_BASE_URL, type ScenarioConfig, type ScenarioDefinition, scenarioConfig } from './config.ts';
export { type FlowOptions, reservationFlow } from './flow.ts';
export { Api, type Checks, json, type Response, type RouteRequest } from './http.ts';
export { type RunIdentity, runIdentity, taggedIdentity } from './identity.ts';
export {
  type BuiltProfile,
  buildProfile,
  isProfileName,
  type Knobs,
  knobsFromEnv,
  PROFILE_DEFAULTS,
  PROFILE_NAMES,
  type ProfileName,
  type ScenarioSpec,
  validateKnobs,
} from './profiles.ts';
export { fillRoute, type HttpMethod, ROUTES, routeName } from './routes.ts';
export { defineScenario, type Scenario, SUMMARY_TREND_STATS, SYSTEM_TAGS, scenarioOptions } from './scenario.ts';
export { DEFAULT_SLO, parseSlo, type Slo, sloThresholds, type Thresholds, validateSlo } from './slo.ts';
export {
  type K6SummaryData,
  type StableSummary,
  SUMMARY_SCHEMA,
  type SummaryMeta,
  summaryOutputs,
  toJUnit,
  toMarkdown,
  toStableSummary,
  toText,
} from './summary.ts';
