/**
 * smoke: the demo service's user flow (list items, reserve, confirm, read back) under the
 * 'smoke' profile by default. Env: BASE_URL (default http://127.0.0.1:8080), PROFILE, SLO
 * (JSON), DURATION, RAMP, VUS, RATE, MAX_VUS, TESTID, SUMMARY_DIR. Bundled to dist/k6/smoke.js.
 */
import { defineScenario } from '../lib/k6/scenario.ts';

const scenario = defineScenario({ name: 'smoke', defaultProfile: 'smoke' });

export const options = scenario.options;
export const setup = scenario.setup;
export const handleSummary = scenario.handleSummary;
export default scenario.run;
