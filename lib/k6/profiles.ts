/**
 * Load profiles as typed builders: each profile becomes one k6 scenario with the executor
 * that fits it, scaled by knobs (duration, target VUs or arrival rate). Pure: the types
 * mirror @types/k6's scenario types (lib/k6/k6-types.ts proves they are assignable), so
 * Node unit tests can check the builders without k6.
 */
import { durationMs, formatDuration, isDuration } from '../core/duration.ts';

export const PROFILE_NAMES = ['smoke', 'average-load', 'stress', 'spike', 'soak', 'breakpoint'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

export interface Stage {
  duration: string;
  target: number;
}

interface BaseSpec {
  gracefulStop?: string;
  tags?: Record<string, string>;
  exec?: string;
}
export interface ConstantVusSpec extends BaseSpec {
  executor: 'constant-vus';
  vus: number;
  duration: string;
}
export interface RampingVusSpec extends BaseSpec {
  executor: 'ramping-vus';
  startVUs: number;
  stages: Stage[];
  gracefulRampDown?: string;
}
export interface ConstantArrivalRateSpec extends BaseSpec {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnit: string;
  duration: string;
  preAllocatedVUs: number;
  maxVUs: number;
}
export interface RampingArrivalRateSpec extends BaseSpec {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnit: string;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}
export type ScenarioSpec = ConstantVusSpec | RampingVusSpec | ConstantArrivalRateSpec | RampingArrivalRateSpec;

/** Run-time knobs (from `__ENV`): every one optional, each profile has its own defaults. */
export interface Knobs {
  /** Main phase (hold) duration, e.g. `5m` (DURATION). */
  duration?: string;
  /** Ramp duration, e.g. `30s` (RAMP). */
  ramp?: string;
  /** Target VUs of VU-based profiles (VUS). */
  vus?: number;
  /** Target iterations per second of arrival-rate profiles (RATE). */
  rate?: number;
  /** Upper bound of VUs arrival-rate profiles may allocate (MAX_VUS). */
  maxVus?: number;
}

/** Defaults per profile: a short, laptop-sized run unless the knobs scale it up. */
export const PROFILE_DEFAULTS: Record<ProfileName, Required<Knobs>> = {
  smoke: { duration: '30s', ramp: '0s', vus: 1, rate: 1, maxVus: 1 },
  'average-load': { duration: '5m', ramp: '30s', vus: 10, rate: 20, maxVus: 50 },
  stress: { duration: '5m', ramp: '1m', vus: 50, rate: 100, maxVus: 200 },
  spike: { duration: '1m', ramp: '10s', vus: 100, rate: 200, maxVus: 400 },
  soak: { duration: '1h', ramp: '1m', vus: 10, rate: 20, maxVus: 100 },
  breakpoint: { duration: '10m', ramp: '0s', vus: 100, rate: 1000, maxVus: 2000 },
};

export interface BuiltProfile {
  profile: ProfileName;
  /** k6 `options.scenarios`: one scenario, named after the profile. */
  scenarios: Record<string, ScenarioSpec>;
  /** Whether SLO thresholds should abort the run when crossed (breakpoint). */
  abortOnFail: boolean;
  /** Nominal run length in ms (all stages), for messages and timeouts. */
  nominalMs: number;
}

/** The whole-number knobs and their environment variables. */
const INT_KNOBS = [
  ['vus', 'VUS'],
  ['rate', 'RATE'],
  ['maxVus', 'MAX_VUS'],
] as const;

/** Problems with the knobs (empty when fine). */
export function validateKnobs(k: Knobs): string[] {
  const errors: string[] = [];
  for (const key of ['duration', 'ramp'] as const) {
    const v = k[key];
    if (v !== undefined && !isDuration(v)) errors.push(`${key.toUpperCase()} must be a k6 duration such as 30s, 5m or 1h30m (got '${v}')`);
  }
  if (k.duration !== undefined && isDuration(k.duration) && durationMs(k.duration) <= 0) errors.push('DURATION must be longer than 0s');
  for (const [key, env] of INT_KNOBS) {
    const v = k[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1))
      errors.push(`${env} must be a positive whole number (got '${String(v)}')`);
  }
  return errors;
}

/** Read the knobs from an environment map (`__ENV` inside k6). */
export function knobsFromEnv(env: Record<string, string | undefined>): { knobs: Knobs; errors: string[] } {
  const knobs: Knobs = {};
  const errors: string[] = [];
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < 1) {
      errors.push(`${name} must be a positive whole number (got '${raw}')`);
      return undefined;
    }
    return n;
  };
  if (env.DURATION) knobs.duration = env.DURATION;
  if (env.RAMP) knobs.ramp = env.RAMP;
  for (const [key, name] of INT_KNOBS) {
    const n = int(name);
    if (n !== undefined) knobs[key] = n;
  }
  errors.push(...validateKnobs(knobs));
  return { knobs, errors };
}

function sum(stages: Stage[]): number {
  return stages.reduce((t, s) => t + durationMs(s.duration), 0);
}

/** Build a profile's k6 scenario. Throws on invalid knobs (call validateKnobs first for messages). */
export function buildProfile(profile: ProfileName, knobs: Knobs = {}): BuiltProfile {
  const problems = validateKnobs(knobs);
  if (problems.length) throw new Error(problems.join('; '));
  const d = PROFILE_DEFAULTS[profile];
  const duration = knobs.duration ?? d.duration;
  const ramp = knobs.ramp ?? d.ramp;
  const vus = knobs.vus ?? d.vus;
  const rate = knobs.rate ?? d.rate;
  const maxVus = Math.max(knobs.maxVus ?? d.maxVus, 1);
  const tags = { profile };
  // Pre-allocate enough VUs for the target rate at ~100 ms per iteration, never above maxVUs.
  const pre = (r: number) => Math.min(Math.max(Math.ceil(r / 10), 1), maxVus);
  let spec: ScenarioSpec;
  let nominalMs: number;
  switch (profile) {
    case 'smoke':
      spec = { executor: 'constant-vus', vus, duration, tags };
      nominalMs = durationMs(duration);
      break;
    case 'average-load': {
      const stages = [
        { duration: ramp, target: vus },
        { duration, target: vus },
        { duration: ramp, target: 0 },
      ];
      spec = { executor: 'ramping-vus', startVUs: 0, stages, gracefulRampDown: '10s', tags };
      nominalMs = sum(stages);
      break;
    }
    case 'stress': {
      const stages = [
        { duration: ramp, target: rate },
        { duration, target: rate },
        { duration: ramp, target: 0 },
      ];
      spec = { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', stages, preAllocatedVUs: pre(rate), maxVUs: maxVus, tags };
      nominalMs = sum(stages);
      break;
    }
    case 'spike': {
      // a calm baseline, a sudden jump to the target, a short hold, and a fast drop
      const base = Math.max(Math.floor(rate / 10), 1);
      const calm = formatDuration(Math.max(durationMs(ramp), 1000));
      const stages = [
        { duration: calm, target: base },
        { duration: ramp, target: rate },
        { duration, target: rate },
        { duration: ramp, target: base },
        { duration: calm, target: base },
      ];
      spec = {
        executor: 'ramping-arrival-rate',
        startRate: base,
        timeUnit: '1s',
        stages,
        preAllocatedVUs: pre(rate),
        maxVUs: maxVus,
        tags,
      };
      nominalMs = sum(stages);
      break;
    }
    case 'soak':
      spec = { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration, preAllocatedVUs: pre(rate), maxVUs: maxVus, tags };
      nominalMs = durationMs(duration);
      break;
    case 'breakpoint': {
      // a steady climb until the SLO thresholds abort the run (abortOnFail)
      const stages = [{ duration, target: rate }];
      spec = { executor: 'ramping-arrival-rate', startRate: 1, timeUnit: '1s', stages, preAllocatedVUs: pre(10), maxVUs: maxVus, tags };
      nominalMs = sum(stages);
      break;
    }
  }
  return { profile, scenarios: { [profile]: spec }, abortOnFail: profile === 'breakpoint', nominalMs };
}
