/**
 * Per-route figures in the demo's own k6 summary: the stress scenario, run as the demo runs
 * it, writes `http_req_duration{name:<route>}` for every route of the user flow, so the
 * gate's documented rule `http_req_duration{name:GET /items}.p(99)` works on it. k6 only
 * puts a tagged sub-metric into the summary when a threshold names it: the scenarios
 * name every route of the flow (real-k6 tier; skipped without a k6 binary).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOW_ROUTES } from '../../../lib/k6/routes.js';
import type { StableSummary } from '../../../lib/k6/summary.js';
import { runK6 } from '../../../lib/k6run/index.js';
import { stormdrill } from '../../support/cli.js';
import { useTestEnv } from '../../support/env.js';
import { announceK6Tier, k6Bin, useK6DemoService } from '../../support/k6.js';

const env = useTestEnv({ redis: true });
const has = announceK6Tier('per-route metrics in the stress summary and the documented gate rule on it');
const svc = useK6DemoService(env, has);

describe('the demo k6 stress summary, per route', () => {
  it.skipIf(!has)(
    'has http_req_duration for every route of the flow, and the documented gate rule passes on it',
    async () => {
      const runId = `${env.namespace.runId}-routes`.slice(0, 48);
      const r = await runK6({
        scenario: 'stress',
        baseUrl: svc.url(),
        runId,
        reportRoot: env.tmpDir('k6-routes'),
        knobs: { duration: '3s', ramp: '1s', vus: 4 },
        // this test is about the figures, not the SLO: latency bounds a loaded machine keeps
        slo: '{"p95Ms":20000,"p99Ms":30000,"errorRate":0.01,"checkRate":0.99}',
        k6Bin: k6Bin as string,
      });
      const file = join(r.reportDir, 'summary.json');
      const summary = JSON.parse(readFileSync(file, 'utf8')) as StableSummary;
      expect(r.exitCode, `${r.meaning}: ${JSON.stringify(summary.thresholds)}`).toBe(0);
      for (const route of FLOW_ROUTES) {
        const m = summary.metrics[`http_req_duration{name:${route}}`];
        expect(m, `${route}: ${Object.keys(summary.metrics).join(', ')}`).toBeDefined();
        expect(m?.values['p(99)']).toBeGreaterThan(0);
      }
      // naming the routes adds no verdicts: the thresholds are the SLO's
      expect(summary.thresholds.map((t) => t.metric).sort()).toEqual([
        'checks',
        'http_req_duration',
        'http_req_duration',
        'http_req_failed',
      ]);

      // the gate example of docs/gate.md, on this summary
      const gate = await stormdrill(['gate', file, '--rule', 'http_req_duration{name:GET /items}.p(99)<10000']);
      expect(gate.exitCode, gate.all).toBe(0);
      expect(gate.all).toMatch(
        /PASS {2}http_req_duration\{name:GET \/items\}\.p\(99\)<10000 +http_req_duration\{name:GET \/items\}\.p\(99\) = [\d.]+ ms/,
      );
    },
    90_000,
  );
});
