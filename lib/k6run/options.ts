/** Options of `stormdrill k6`: typed, with a validate() returning every problem. Pure. */
import { isDuration } from '../core/duration.js';
import { isValidRunId } from '../core/naming.js';
import { checkBaseUrl } from '../k6/config.js';
import { isProfileName, type Knobs, PROFILE_NAMES, validateKnobs } from '../k6/profiles.js';
import { parseSlo } from '../k6/slo.js';

export interface K6RunOptions {
  /** scripts/<scenario>.ts. */
  scenario: string;
  /** Load profile (default: the scenario's own). */
  profile?: string;
  /** Target service (default http://127.0.0.1:8080, the local demo service). */
  baseUrl?: string;
  /** Prometheus remote-write URL; credentials in it go to k6 through env, never argv. */
  promRw?: string;
  /** Remote-write push interval, e.g. `5s` (K6_PROMETHEUS_RW_PUSH_INTERVAL). */
  pushInterval?: string;
  runId?: string;
  /** SLO as JSON (see docs/k6.md). */
  slo?: string;
  knobs?: Knobs;
  /** Directory under which reports/<run-id>/ is written (default: the working directory). */
  reportRoot?: string;
  /** Extra k6 arguments, e.g. ['--iterations', '1']. */
  k6Args?: string[];
  /** k6 binary (default: K6_BIN, then PATH). */
  k6Bin?: string;
  /** Each line k6 prints, as it prints it. */
  onOutput?: (line: string) => void;
  /** Progress lines of stormdrill itself. */
  log?: (line: string) => void;
}

/** Split credentials out of a remote-write URL. */
export function splitRemoteWriteUrl(raw: string): { url?: string; username?: string; password?: string; error?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { error: `--prom-rw '${raw.replace(/\/\/[^@/]*@/, '//***@')}' is not a URL: use e.g. http://127.0.0.1:9090/api/v1/write` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return {
      error: `--prom-rw must be an http:// or https:// URL such as http://127.0.0.1:9090/api/v1/write (got '${raw.replace(/\/\/[^@/]*@/, '//***@')}')`,
    };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  return { url: u.toString(), ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

export function validate(o: K6RunOptions, scenarios: string[]): string[] {
  const errors: string[] = [];
  if (!scenarios.includes(o.scenario)) errors.push(`unknown scenario '${o.scenario}': use one of ${scenarios.join(', ')}`);
  if (o.profile !== undefined && !isProfileName(o.profile))
    errors.push(`unknown profile '${o.profile}': use one of ${PROFILE_NAMES.join(', ')}`);
  if (o.baseUrl !== undefined) {
    const b = checkBaseUrl(o.baseUrl);
    if (b.error) errors.push(b.error.replace(/^BASE_URL/, '--base-url'));
  }
  if (o.promRw !== undefined) {
    const r = splitRemoteWriteUrl(o.promRw);
    if (r.error) errors.push(r.error);
  }
  if (o.pushInterval !== undefined && !isDuration(o.pushInterval))
    errors.push(`--push-interval must be a duration such as 5s (got '${o.pushInterval}')`);
  if (o.runId !== undefined && !isValidRunId(o.runId))
    errors.push(`--run-id '${o.runId}' must be lower-case letters, digits and dashes (at most 48)`);
  if (o.slo !== undefined) errors.push(...parseSlo(o.slo).errors.map((e) => e.replace(/^SLO/, '--slo')));
  if (o.knobs)
    errors.push(...validateKnobs(o.knobs).map((e) => `--${e.replace(/^MAX_VUS/, 'max-vus').replace(/^([A-Z]+)/, (m) => m.toLowerCase())}`));
  return errors;
}
