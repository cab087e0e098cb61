export * from './evaluate.js';
export * from './format.js';
export * from './markdown.js';
export * from './metrics.js';
