/** `npm run build`: bundle every k6 scenario, then run the bundle check on the output. */
import { relative } from 'node:path';
import { buildScenarios, checkBundleFile, PROJECT_ROOT } from '../lib/bundle/index.js';

const result = await buildScenarios();
const problems = result.bundles.flatMap((b) => checkBundleFile(b));
for (const b of result.bundles) console.log(`built ${relative(PROJECT_ROOT, b)}`);
console.log(`${result.bundles.length} bundles in ${result.millis.toFixed(0)} ms`);
if (problems.length > 0) {
  for (const p of problems) console.error(`bundle check: ${relative(PROJECT_ROOT, p.bundle)} ${p.problem}`);
  process.exit(1);
}
