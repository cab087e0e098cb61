import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration, isDuration } from '../../../lib/core/duration.ts';
import { buildProfile, knobsFromEnv, PROFILE_DEFAULTS, PROFILE_NAMES, type ScenarioSpec } from '../../../lib/k6/profiles.ts';

const only = (name: (typeof PROFILE_NAMES)[number], knobs = {}) => {
  const b = buildProfile(name, knobs);
  expect(Object.keys(b.scenarios)).toEqual([name]);
  return { built: b, spec: b.scenarios[name] as ScenarioSpec };
};

describe('k6 durations', () => {
  it('parses and formats k6 duration strings', () => {
    expect(durationMs('1m30s')).toBe(90_000);
    expect(durationMs('500ms')).toBe(500);
    expect(durationMs('2h')).toBe(7_200_000);
    expect(Number.isNaN(durationMs('10'))).toBe(true);
    expect(isDuration('5 m')).toBe(false);
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(250)).toBe('250ms');
  });
});

describe('load profiles', () => {
  it('maps every profile onto the executor that fits it', () => {
    const executors = Object.fromEntries(PROFILE_NAMES.map((p) => [p, only(p).spec.executor]));
    expect(executors).toEqual({
      smoke: 'constant-vus',
      'average-load': 'ramping-vus',
      stress: 'ramping-arrival-rate',
      spike: 'ramping-arrival-rate',
      soak: 'constant-arrival-rate',
      breakpoint: 'ramping-arrival-rate',
    });
  });

  it('scales with the knobs: duration, ramp, VUs, rate, max VUs', () => {
    const load = only('average-load', { duration: '2m', ramp: '10s', vus: 7 }).spec;
    expect(load).toMatchObject({
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '10s', target: 7 },
        { duration: '2m', target: 7 },
        { duration: '10s', target: 0 },
      ],
    });
    const stress = only('stress', { rate: 300, maxVus: 20, duration: '1m', ramp: '5s' });
    expect(stress.spec).toMatchObject({ executor: 'ramping-arrival-rate', timeUnit: '1s', maxVUs: 20, preAllocatedVUs: 20 });
    expect(stress.built.nominalMs).toBe(70_000);
    const soak = only('soak', { rate: 40, duration: '3h' }).spec;
    expect(soak).toMatchObject({ executor: 'constant-arrival-rate', rate: 40, duration: '3h', preAllocatedVUs: 4 });
    const smoke = only('smoke').spec;
    expect(smoke).toMatchObject({ vus: PROFILE_DEFAULTS.smoke.vus, duration: PROFILE_DEFAULTS.smoke.duration });
  });

  it('spike jumps from a calm baseline to the target and back', () => {
    const spec = only('spike', { rate: 500, ramp: '5s', duration: '20s' }).spec;
    if (spec.executor !== 'ramping-arrival-rate') throw new Error(spec.executor);
    const targets = spec.stages.map((s) => s.target);
    expect(spec.startRate).toBe(50);
    expect(Math.max(...targets)).toBe(500);
    expect(targets[0]).toBe(50);
    expect(targets.at(-1)).toBe(50);
  });

  it('only breakpoint aborts on a crossed threshold, and it climbs to the target rate', () => {
    for (const p of PROFILE_NAMES) expect(buildProfile(p).abortOnFail, p).toBe(p === 'breakpoint');
    const spec = only('breakpoint', { rate: 800, duration: '4m' }).spec;
    expect(spec).toMatchObject({ startRate: 1, stages: [{ duration: '4m', target: 800 }] });
  });

  it('tags the scenario with its profile', () => {
    expect(only('soak').spec.tags).toEqual({ profile: 'soak' });
  });

  it('reads knobs from the environment and reports every bad one', () => {
    expect(knobsFromEnv({ DURATION: '90s', VUS: '3', RATE: '12', MAX_VUS: '40', RAMP: '5s' })).toEqual({
      knobs: { duration: '90s', vus: 3, rate: 12, maxVus: 40, ramp: '5s' },
      errors: [],
    });
    const bad = knobsFromEnv({ DURATION: 'ten', VUS: '0', RATE: '1.5', MAX_VUS: '-2' });
    expect(bad.errors).toEqual([
      "VUS must be a positive whole number (got '0')",
      "RATE must be a positive whole number (got '1.5')",
      "MAX_VUS must be a positive whole number (got '-2')",
      "DURATION must be a k6 duration such as 30s, 5m or 1h30m (got 'ten')",
    ]);
    expect(() => buildProfile('stress', { duration: 'x' })).toThrow(/DURATION/);
  });
});
