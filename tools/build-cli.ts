/** `npm run build` (second half): bundle the CLI into dist/cli/ (lib/bundle/cli-build.ts). */
import { buildCli } from '../lib/bundle/cli-build.js';

const r = await buildCli();
const js = r.files.filter((f) => f.endsWith('.js'));
console.log(`built dist/cli: ${js.length} modules from ${r.manifest.inputs.length} sources in ${r.millis.toFixed(0)} ms`);
