/**
 * A scenario's run-time configuration from the environment (`__ENV` inside k6): target
 * URL, profile, SLO, knobs and run identity. Pure: returns every problem instead of
 * throwing, so k6 can `fail()` with all of them at init and Node tests can check them.
 */
import { isValidRunId } from '../core/naming.ts';
import { runIdentity } from './identity.ts';
import { type BuiltProfile, buildProfile, isProfileName, type Knobs, knobsFromEnv, PROFILE_NAMES, type ProfileName } from './profiles.ts';
import { FLOW_ROUTES } from './routes.ts';
import { DEFAULT_SLO, parseSlo, type Slo, sloThresholds, type Thresholds, withRouteFigures } from './slo.ts';

/** The local demo service (`stormdrill demo-service` default port). */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

export interface ScenarioDefinition {
  /** The script name (scripts/<name>.ts). */
  name: string;
  /** Profile used when PROFILE is not set. */
  defaultProfile: ProfileName;
  /** SLO used when SLO is not set (default: DEFAULT_SLO). */
  slo?: Slo;
}

export interface ScenarioConfig {
  scenario: string;
  baseUrl: string;
  profile: ProfileName;
  knobs: Knobs;
  slo: Slo;
  runId: string;
  testid: string;
  keyPrefix: string;
  built: BuiltProfile;
  thresholds: Thresholds;
  /** Where handleSummary writes summary.json/summary.md/junit.xml (SUMMARY_DIR), if anywhere. */
  summaryDir?: string;
}

/** Check BASE_URL: an http(s) URL without credentials, query or fragment. Returns the normalised URL or a problem. */
export function checkBaseUrl(raw: string): { url?: string; error?: string } {
  const m = /^(https?):\/\/([^/?#@\s]+)(\/[^?#\s]*)?$/.exec(raw.trim());
  if (!m) return { error: `BASE_URL must be an http:// or https:// URL such as ${DEFAULT_BASE_URL} (got '${raw}')` };
  const host = m[2] as string;
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return { error: `BASE_URL has an invalid host '${host}'` };
  const port = /:(\d+)$/.exec(host);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) return { error: `BASE_URL port must be 1-65535 (got ${port[1]})` };
  return { url: `${m[1]}://${host}${(m[3] ?? '').replace(/\/+$/, '')}` };
}

export function scenarioConfig(
  def: ScenarioDefinition,
  env: Record<string, string | undefined>,
): { config?: ScenarioConfig; errors: string[] } {
  const errors: string[] = [];
  const profileName = env.PROFILE || def.defaultProfile;
  if (!isProfileName(profileName)) errors.push(`unknown PROFILE '${profileName}': use one of ${PROFILE_NAMES.join(', ')}`);
  const base = checkBaseUrl(env.BASE_URL || DEFAULT_BASE_URL);
  if (base.error) errors.push(base.error);
  const { slo, errors: sloErrors } = parseSlo(env.SLO, def.slo ?? DEFAULT_SLO);
  errors.push(...sloErrors);
  const { knobs, errors: knobErrors } = knobsFromEnv(env);
  errors.push(...knobErrors);
  const id = runIdentity(env);
  if (!isValidRunId(id.runId)) errors.push(`TESTID must be lower-case letters, digits and dashes, at most 48 (got '${id.runId}')`);
  if (errors.length) return { errors };
  const profile = profileName as ProfileName;
  const built = buildProfile(profile, knobs);
  const config: ScenarioConfig = {
    scenario: def.name,
    baseUrl: base.url as string,
    profile,
    knobs,
    slo,
    runId: id.runId,
    testid: id.testid,
    keyPrefix: id.keyPrefix,
    built,
    // the SLO's thresholds, and every route of the flow with its own figures in the summary
    thresholds: withRouteFigures(sloThresholds(slo, { abortOnFail: built.abortOnFail }), FLOW_ROUTES),
  };
  if (env.SUMMARY_DIR) config.summaryDir = env.SUMMARY_DIR;
  return { config, errors };
}
