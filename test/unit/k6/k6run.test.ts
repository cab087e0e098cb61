import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { K6NotFoundError, locateK6 } from '../../../lib/k6run/locate.ts';
import { splitRemoteWriteUrl, validate } from '../../../lib/k6run/options.ts';
import { exitMeaning, planK6Run } from '../../../lib/k6run/plan.ts';
import { tmpDir } from '../../support/namespace.ts';

const ctx = { runId: 'run-9', bundle: '/b/stress.js', summaryDir: '/r/run-9/.k6-summary' };

describe('stormdrill k6: the k6 invocation', () => {
  it('tags the run with testid, turns on remote write with native histograms, and passes the scenario env', () => {
    const p = planK6Run(
      {
        scenario: 'stress',
        profile: 'spike',
        baseUrl: 'http://127.0.0.1:9',
        promRw: 'http://127.0.0.1:9090/api/v1/write',
        slo: '{"p95Ms":1}',
        knobs: { duration: '3s', rate: 5 },
      },
      { ...ctx, env: { K6_FEATURES: 'foo' } },
    );
    expect(p.args).toEqual(['run', '--tag', 'testid=run-9', '-o', 'experimental-prometheus-rw', '/b/stress.js']);
    expect(p.env).toEqual({
      TESTID: 'run-9',
      SUMMARY_DIR: '/r/run-9/.k6-summary',
      K6_NO_USAGE_REPORT: 'true',
      BASE_URL: 'http://127.0.0.1:9',
      PROFILE: 'spike',
      SLO: '{"p95Ms":1}',
      DURATION: '3s',
      RATE: '5',
      K6_PROMETHEUS_RW_SERVER_URL: 'http://127.0.0.1:9090/api/v1/write',
      K6_FEATURES: 'foo,native-histograms',
      K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s',
    });
    expect(p.remoteWrite).toBe('http://127.0.0.1:9090/api/v1/write');
  });

  it('keeps remote-write credentials out of argv and out of the URL it reports', () => {
    const p = planK6Run({ scenario: 'smoke', promRw: 'https://user:s%40cret@prom.example/api/v1/write' }, ctx);
    expect(p.env.K6_PROMETHEUS_RW_USERNAME).toBe('user');
    expect(p.env.K6_PROMETHEUS_RW_PASSWORD).toBe('s@cret');
    expect(p.env.K6_PROMETHEUS_RW_SERVER_URL).toBe('https://prom.example/api/v1/write');
    expect(p.remoteWrite).toBe('https://prom.example/api/v1/write');
    expect(p.args.join(' ')).not.toMatch(/cret|user/);
  });

  it('falls back to K6_PROMETHEUS_RW_SERVER_URL, and runs without remote write when there is none', () => {
    expect(
      planK6Run({ scenario: 'smoke' }, { ...ctx, env: { K6_PROMETHEUS_RW_SERVER_URL: 'http://p:9090/api/v1/write' } }).remoteWrite,
    ).toBe('http://p:9090/api/v1/write');
    const none = planK6Run({ scenario: 'smoke', k6Args: ['--iterations', '1'] }, { ...ctx, env: {} });
    expect(none.remoteWrite).toBeNull();
    expect(none.args).toEqual(['run', '--tag', 'testid=run-9', '--iterations', '1', '/b/stress.js']);
    expect(none.env.K6_FEATURES).toBeUndefined();
  });

  it('names what k6 exit codes mean', () => {
    expect(exitMeaning(0)).toBe('passed');
    expect(exitMeaning(99)).toBe('thresholds crossed');
    expect(exitMeaning(107)).toBe('script exception');
    expect(exitMeaning(3)).toBe('exit code 3');
    expect(exitMeaning(null)).toBe('killed');
  });

  it('validates every option and reports all problems', () => {
    expect(validate({ scenario: 'smoke' }, ['smoke', 'stress'])).toEqual([]);
    expect(
      validate(
        {
          scenario: 'stres',
          profile: 'heavy',
          baseUrl: 'localhost:8080',
          promRw: 'prom:9090',
          runId: 'A B',
          slo: '{"p95Ms":"fast"}',
          knobs: { vus: 0, duration: 'long' },
          pushInterval: '5',
        },
        ['smoke', 'stress'],
      ),
    ).toEqual([
      "unknown scenario 'stres': use one of smoke, stress",
      "unknown profile 'heavy': use one of smoke, average-load, stress, spike, soak, breakpoint",
      "--base-url must be an http:// or https:// URL such as http://127.0.0.1:8080 (got 'localhost:8080')",
      "--prom-rw must be an http:// or https:// URL such as http://127.0.0.1:9090/api/v1/write (got 'prom:9090')",
      "--push-interval must be a duration such as 5s (got '5')",
      "--run-id 'A B' must be lower-case letters, digits and dashes (at most 48)",
      '--slo.p95Ms must be a positive number of ms (got "fast")',
      "--duration must be a k6 duration such as 30s, 5m or 1h30m (got 'long')",
      "--vus must be a positive whole number (got '0')",
    ]);
    expect(splitRemoteWriteUrl('not a url').error).toMatch(/is not a URL/);
  });
});

describe('locating k6', () => {
  it('says k6 is needed and how to install it when K6_BIN points nowhere', () => {
    const err = (() => {
      try {
        locateK6(undefined, { K6_BIN: '/nonexistent/k6' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(K6NotFoundError);
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toMatch(/^k6 is needed for `stormdrill k6` but K6_BIN=\/nonexistent\/k6 is not an executable file: /);
    expect(msg).toMatch(/package manager/);
    expect(msg).toMatch(/grafana\/k6 Docker image/);
    expect(msg).toMatch(/grafana\/setup-k6-action/);
    expect((err as K6NotFoundError).exitCode).not.toBe(0);
  });

  it('accepts an executable K6_BIN', () => {
    const f = join(tmpDir('k6bin'), 'k6');
    writeFileSync(f, '#!/bin/sh\n');
    chmodSync(f, 0o755);
    expect(locateK6(undefined, { K6_BIN: f })).toBe(f);
  });
});
