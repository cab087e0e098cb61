export { type BenchIO, type BenchObserver, type BenchOutcome, type RunOutcome, runBench } from './bench.js';
export { type BenchJsonDoc, benchExitCode, jsonReport } from './json-report.js';
export { BenchMetrics } from './metrics.js';
export { type BenchOptions, DEFAULTS, parseBenchArgv } from './options.js';
