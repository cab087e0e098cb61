/**
 * The k6 emulation (test/support/k6-shape.ts) against a recorded sample of what real k6
 * wrote by remote write (test/fixtures/k6/remote-write-series.k6-<version>.json, recorded
 * with test/support/record-k6-series.ts). No k6 needed: fed the same requests, checks and
 * iterations real k6 made, the emulation must write exactly real k6's series (names, every
 * label and its value, native histogram or sample, bucket schema), and every k6 series the
 * dashboards and rules read must be one real k6 writes and the emulation builds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardQueries } from '../../../lib/dashboards/index.js';
import {
  type K6SeriesFixture,
  type K6SeriesRun,
  type SeriesShape,
  shapesFromTimeSeries,
  TESTID_PLACEHOLDER,
} from '../../support/k6-series.js';
import { K6ShapedMetrics } from '../../support/k6-shape.js';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/k6');
const files = readdirSync(FIXTURES).filter((f) => /^remote-write-series\.k6-v[\d.]+\.json$/.test(f));
const file = files.sort().at(-1) as string;
const fixture = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as K6SeriesFixture;

const key = (s: SeriesShape) => `${s.name} ${JSON.stringify(s.labels)} ${s.kind}`;

/** The emulation fed what the recorded run did: each request, check and iteration series once. */
function emulate(run: K6SeriesRun): SeriesShape[] {
  const vu = run.series.filter((s) => s.labels.scenario !== undefined && s.labels.group === undefined);
  const profile = vu.find((s) => s.labels.profile)?.labels.profile;
  const m = new K6ShapedMetrics({
    testid: TESTID_PLACEHOLDER,
    nativeHistograms: run.env.K6_FEATURES?.split(',').includes('native-histograms') === true,
    trendStats: run.env.K6_PROMETHEUS_RW_TREND_STATS?.match(/[a-z]+(\([\d.]+\))?/g) ?? undefined,
    ...(profile ? { scenarioTags: { profile } } : {}),
  });
  for (const s of vu) {
    const l = s.labels as Record<string, string>;
    if (s.name === 'k6_http_reqs_total') {
      m.httpRequest({
        scenario: l.scenario as string,
        name: l.name as string,
        method: l.method as string,
        status: Number(l.status),
        expected: l.expected_response === 'true',
        durationSeconds: 0.004,
        sentBytes: 100,
        receivedBytes: 400,
      });
    } else if (s.name === 'k6_checks_rate') m.check(l.scenario as string, l.name as string, l.check as string, true);
    else if (s.name === 'k6_iterations_total') m.iteration(l.scenario as string, 0.02);
  }
  m.vus(1, 6);
  return shapesFromTimeSeries(m.series(Date.now()));
}

describe(`the k6 emulation matches real k6 ${fixture.k6} (${file})`, () => {
  it('the sample was recorded with a k6 v2 in both modes, and names its version in the file name', () => {
    expect(fixture.k6).toMatch(/^v2\.\d+\.\d+$/);
    expect(file).toBe(`remote-write-series.k6-${fixture.k6}.json`);
    expect(fixture.runs.map((r) => r.mode)).toEqual(['native-histograms', 'trend-stats']);
    for (const r of fixture.runs) expect(r.series.filter((s) => s.name === 'k6_http_reqs_total').length, r.mode).toBeGreaterThan(3);
  });

  for (const run of fixture.runs) {
    it(`${run.mode}: every series the emulation writes is one real k6 wrote, with the same labels, values and kind`, () => {
      const real = new Map(run.series.map((s) => [key(s), s]));
      const ours = emulate(run);
      expect(ours.length).toBeGreaterThan(10);
      const unknown = ours.filter((s) => !real.has(key(s))).map(key);
      expect(unknown, `not written by real k6 ${fixture.k6}:\n${unknown.join('\n')}`).toEqual([]);
      for (const s of ours) {
        const r = real.get(key(s)) as SeriesShape;
        if (s.kind === 'native-histogram' && r.schema !== undefined) expect(s.schema, `${s.name}: bucket schema`).toBe(r.schema);
      }
    });
  }

  it('native histograms: real k6 writes its trends as native histograms of schema 3, every series marked by the feature label', () => {
    const native = fixture.runs.find((r) => r.mode === 'native-histograms') as K6SeriesRun;
    const duration = native.series.filter((s) => s.name === 'k6_http_req_duration_seconds');
    expect(duration.length).toBeGreaterThan(0);
    expect(new Set(duration.map((s) => `${s.kind} ${s.schema}`))).toEqual(new Set(['native-histogram 3']));
    expect(native.series.every((s) => s.labels.k6_feature_native_histograms === 'true')).toBe(true);
  });

  it('every k6 series the dashboards and the Prometheus rules read is written by real k6 and built by the emulation', () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'grafana/dashboards/k6.json'), 'utf8'));
    const rules = readdirSync(join(ROOT, 'prometheus/rules')).map((f) => readFileSync(join(ROOT, 'prometheus/rules', f), 'utf8'));
    const read = new Set([...dashboardQueries(dashboard).map((q) => q.expr), ...rules].flatMap((t) => t.match(/\bk6_[a-z0-9_]+/g) ?? []));
    expect(read.size).toBeGreaterThan(8);
    const realNames = new Set(fixture.runs.flatMap((r) => r.series.map((s) => s.name)));
    const ourNames = new Set(fixture.runs.flatMap((r) => emulate(r).map((s) => s.name)));
    expect(
      [...read].filter((n) => !realNames.has(n)),
      'read but not written by real k6',
    ).toEqual([]);
    expect(
      [...read].filter((n) => !ourNames.has(n)),
      'read but not built by the emulation',
    ).toEqual([]);
  });
});
