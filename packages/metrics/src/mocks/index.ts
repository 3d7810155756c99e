export * from './metrics.js';
export * from './runicorn.js';
