/**
 * Bundle build time: bundles every k6 scenario from cold (a fresh esbuild call each run),
 * five times, and prints the median against the 2 s target.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScenarios, scenarioNames } from '../lib/bundle/build.js';

const TARGET_MS = 2000;
const out = join(tmpdir(), `stormdrill-build-bench-${process.pid}`);
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  rmSync(out, { recursive: true, force: true });
  const r = await buildScenarios(scenarioNames(), out);
  times.push(r.millis);
}
rmSync(out, { recursive: true, force: true });
times.sort((a, b) => a - b);
const median = times[2] as number;
console.log(
  `build of ${scenarioNames().length} scenarios: median ${median.toFixed(0)} ms over 5 runs (min ${times[0]?.toFixed(0)}, max ${times[4]?.toFixed(0)})`,
);
console.log(`ratio to the 2 s target: ${(median / TARGET_MS).toFixed(3)} (${median < TARGET_MS ? 'met' : 'NOT met'})`);
