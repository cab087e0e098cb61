export * from './compare.js';
export * from './ids.js';
export * from './metrics.js';
export * from './proxy.js';
export * from './stats.js';
