import { describe, expect, it } from 'vitest';
import { checkBaseUrl, DEFAULT_BASE_URL, scenarioConfig } from '../../../lib/k6/config.ts';
import { FLOW_ROUTES, fillRoute, ROUTES, routeName } from '../../../lib/k6/routes.ts';
import { ROUTE_FIGURES_THRESHOLD } from '../../../lib/k6/slo.ts';

const def = { name: 'stress', defaultProfile: 'stress' as const };

describe('scenario configuration from the environment', () => {
  it('defaults to the local demo service and the scenario profile, with the run identity from TESTID', () => {
    const { config, errors } = scenarioConfig(def, { TESTID: 'run-7' });
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      scenario: 'stress',
      baseUrl: DEFAULT_BASE_URL,
      profile: 'stress',
      runId: 'run-7',
      testid: 'run-7',
      keyPrefix: 'sd:run-7:',
    });
    expect(Object.keys(config?.built.scenarios ?? {})).toEqual(['stress']);
    expect(config?.thresholds.http_req_failed).toEqual(['rate<=0.01']);
    expect(config?.summaryDir).toBeUndefined();
  });

  it('PROFILE, SLO, knobs and SUMMARY_DIR change it; breakpoint thresholds abort', () => {
    const { config } = scenarioConfig(def, {
      PROFILE: 'breakpoint',
      SLO: '{"p99Ms":200}',
      RATE: '50',
      BASE_URL: 'http://svc:9000/api/',
      SUMMARY_DIR: '/r',
    });
    expect(config?.profile).toBe('breakpoint');
    expect(config?.baseUrl).toBe('http://svc:9000/api');
    expect(config?.thresholds.http_req_duration).toEqual([{ threshold: 'p(99)<200', abortOnFail: true, delayAbortEval: '10s' }]);
    expect(config?.summaryDir).toBe('/r');
  });

  it('names every route of the flow in a threshold, so the summary has its figures; an SLO for a route stays its threshold', () => {
    const { config } = scenarioConfig(def, { SLO: '{"p95Ms":300,"routes":{"POST /reservations":{"p99Ms":250}}}' });
    expect(FLOW_ROUTES).toEqual(['GET /items', 'POST /reservations', 'POST /reservations/:id/confirm', 'GET /reservations/:id']);
    expect(config?.thresholds).toEqual({
      http_req_duration: ['p(95)<300'],
      'http_req_duration{name:POST /reservations}': ['p(99)<250'],
      'http_req_duration{name:GET /items}': [ROUTE_FIGURES_THRESHOLD],
      'http_req_duration{name:POST /reservations/:id/confirm}': [ROUTE_FIGURES_THRESHOLD],
      'http_req_duration{name:GET /reservations/:id}': [ROUTE_FIGURES_THRESHOLD],
    });
  });

  it('collects every problem instead of stopping at the first', () => {
    const { config, errors } = scenarioConfig(def, { PROFILE: 'heavy', BASE_URL: 'ftp://x', SLO: '[]', VUS: 'many', TESTID: 'Bad Id' });
    expect(config).toBeUndefined();
    expect(errors).toEqual([
      "unknown PROFILE 'heavy': use one of smoke, average-load, stress, spike, soak, breakpoint",
      "BASE_URL must be an http:// or https:// URL such as http://127.0.0.1:8080 (got 'ftp://x')",
      'SLO must be a JSON object such as {"p95Ms":300,"errorRate":0.01}',
      "VUS must be a positive whole number (got 'many')",
      "TESTID must be lower-case letters, digits and dashes, at most 48 (got 'Bad Id')",
    ]);
  });

  it('checks BASE_URL', () => {
    expect(checkBaseUrl('https://example.test')).toEqual({ url: 'https://example.test' });
    expect(checkBaseUrl('http://u:p@host').error).toMatch(/must be an http/);
    expect(checkBaseUrl('http://host:70000').error).toBe('BASE_URL port must be 1-65535 (got 70000)');
    expect(checkBaseUrl('http://[::1]:8080/').url).toBe('http://[::1]:8080');
  });
});

describe('routes', () => {
  it('names requests by template and fills parameters URL-encoded', () => {
    expect(routeName('POST', ROUTES.confirm)).toBe('POST /reservations/:id/confirm');
    expect(fillRoute(ROUTES.confirm, { id: 'a b/c' })).toBe('/reservations/a%20b%2Fc/confirm');
    expect(() => fillRoute(ROUTES.reservation)).toThrow("route /reservations/:id: missing parameter 'id'");
  });
});
