/**
 * defineScenario: everything a scripts/<name>.ts needs — options (profile scenarios, SLO
 * thresholds, testid tag, no raw `url` tag), a setup() that proves BASE_URL answers, the
 * user flow, and handleSummary (terminal text + summary.json/summary.md/junit.xml in
 * SUMMARY_DIR). Bad configuration fails at init with one line naming every problem.
 */
import { fail } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { type ScenarioConfig, type ScenarioDefinition, scenarioConfig } from './config.ts';
import { reservationFlow } from './flow.ts';
import { Api } from './http.ts';
import { type RunIdentity, taggedIdentity } from './identity.ts';
import { ROUTES, routeName } from './routes.ts';
import { type K6SummaryData, summaryOutputs } from './summary.ts';

/** k6 provides a console global; @types/k6 does not declare it. */
declare const console: { warn(...args: unknown[]): void; log(...args: unknown[]): void };

/**
 * Tags k6 attaches to samples, without `url` (one series per raw URL in Prometheus) and
 * without per-VU/iteration tags.
 */
export const SYSTEM_TAGS = [
  'proto',
  'subproto',
  'status',
  'method',
  'name',
  'group',
  'check',
  'error',
  'error_code',
  'tls_version',
  'scenario',
  'service',
  'expected_response',
];

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

export interface Scenario {
  config: ScenarioConfig;
  options: Options;
  setup: () => { baseUrl: string };
  run: () => void;
  handleSummary: (data: K6SummaryData) => Record<string, string>;
}

export function scenarioOptions(config: ScenarioConfig): Options {
  return {
    scenarios: config.built.scenarios,
    thresholds: config.thresholds,
    tags: { testid: config.testid },
    systemTags: SYSTEM_TAGS,
    summaryTrendStats: SUMMARY_TREND_STATS,
    setupTimeout: '30s',
  };
}

export function defineScenario(def: ScenarioDefinition): Scenario {
  const { config, errors } = scenarioConfig(def, __ENV);
  if (!config) return fail(`${def.name}: ${errors.join('; ')}`);
  let identity: RunIdentity | undefined;
  const api = new Api(config.baseUrl);
  const vuBased = Object.values(config.built.scenarios).some((s) => s.executor === 'constant-vus' || s.executor === 'ramping-vus');
  return {
    config,
    options: scenarioOptions(config),
    setup() {
      const res = http.get(`${config.baseUrl}${ROUTES.health}`, {
        tags: { name: routeName('GET', ROUTES.health) },
        timeout: '5s',
        responseCallback: http.expectedStatuses(200, 503),
      });
      if (res.status === 0) {
        fail(
          `BASE_URL ${config.baseUrl} is unreachable (${res.error || 'no answer'}): start the demo service (stormdrill demo-service) or pass BASE_URL / --base-url`,
        );
      }
      if (res.status !== 200) console.warn(`${config.baseUrl}${ROUTES.health} answered ${res.status}: the target is degraded at start`);
      return { baseUrl: config.baseUrl };
    },
    run() {
      // The run's identity as k6 tags its samples: `--tag testid=X` on the command line overrides
      // the script's `tags` option, so X (not TESTID or a generated id) is what the dashboards
      // show. Only readable outside the init context (setup, the default function, handleSummary).
      identity ??= taggedIdentity(config, exec.test.options.tags);
      reservationFlow(api, { testid: identity.testid, thinkSeconds: vuBased ? 0.5 : 0 });
    },
    handleSummary(data: K6SummaryData) {
      const id = taggedIdentity(config, exec.test.options.tags);
      return summaryOutputs(
        data,
        {
          testid: id.testid,
          runId: id.runId,
          scenario: config.scenario,
          profile: config.profile,
          k6Scenarios: Object.keys(config.built.scenarios),
          baseUrl: config.baseUrl,
        },
        config.summaryDir,
      );
    },
  };
}
