export * from './evaluate.js';
export * from './format.js';
export * from './metrics.js';
