/**
 * Smoke: a few requests against BASE_URL (default the local demo service) to prove the
 * target answers. Bundled to dist/k6/smoke.js by `npm run build`.
 */
import { check, sleep } from 'k6';
import http from 'k6/http';
import type { Options } from 'k6/options';
import { runIdentity } from '../lib/k6/identity.ts';

const id = runIdentity(__ENV);
const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8080';

export const options: Options = {
  vus: 1,
  iterations: Number(__ENV.ITERATIONS || 3),
  tags: { testid: id.testid },
  thresholds: { checks: ['rate==1'] },
};

export default function (): void {
  const res = http.get(`${BASE_URL}/healthz`, { tags: { name: 'GET /healthz' } });
  check(res, { 'healthz is 200': (r) => r.status === 200 });
  sleep(0.1);
}
