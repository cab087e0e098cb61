/** Grafana dashboards as code: specs → JSON files in grafana/dashboards/ (tools/gen-dashboards.ts). */
import { buildDashboard, type DashboardSpec } from './common.js';
import { demoDashboard } from './demo.js';
import { drillsDashboard } from './drills.js';
import { k6Dashboard } from './k6.js';
import { redisDashboard } from './redis.js';
import { stormdrillDashboard } from './stormdrill.js';

export { checkDashboards, formatDashboardProblem, panelsNaming, panelsNotNaming } from './check.js';
export { dashboardQueries, interpolate, templateContext, variableQueries } from './queries.js';

/** Every dashboard, by the file name it is provisioned from. */
export const DASHBOARDS: Record<string, DashboardSpec> = {
  'k6.json': k6Dashboard,
  'redis.json': redisDashboard,
  'demo-service.json': demoDashboard,
  'stormdrill.json': stormdrillDashboard,
  'drills.json': drillsDashboard,
};

/** File name → JSON text (stable: the same input gives byte-identical output). */
export function renderDashboards(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, spec] of Object.entries(DASHBOARDS)) out[file] = `${JSON.stringify(buildDashboard(spec), null, 2)}\n`;
  return out;
}
