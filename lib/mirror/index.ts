export * from './cli.js';
export * from './compare.js';
export * from './ids.js';
export * from './proxy.js';
export * from './stats.js';
