export { BUNDLE_DIR, type BuildResult, buildScenarios, bundleIsStale, PROJECT_ROOT, SCENARIO_DIR, scenarioNames } from './build.js';
export { type BundleProblem, bundleImports, checkBundleCode, checkBundleFile } from './check.js';
