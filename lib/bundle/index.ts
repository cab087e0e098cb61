export { BUNDLE_DIR, type BuildResult, buildScenarios, bundleIsStale, PROJECT_ROOT, SCENARIO_DIR, scenarioNames } from './build.js';
export { type BundleProblem, bundleImports, checkBundleCode, checkBundleFile } from './check.js';
export { BENCH_WORKER_ENTRY, buildCli, CLI_DIR, CLI_ENTRY, CLI_MANIFEST, type CliManifest, projectInputs } from './cli-build.js';
