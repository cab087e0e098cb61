export { K6_INSTALL_HINT, K6NotFoundError, locateK6 } from './locate.js';
export { type K6RunOptions, splitRemoteWriteUrl, validate } from './options.js';
export { exitMeaning, K6_EXIT_MEANING, type K6Plan, planK6Run } from './plan.js';
export { checkReachable, type K6RunResult, runK6, SUMMARY_FILES } from './run.js';
