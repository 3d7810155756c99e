export * from './metrics.js';
export * from './metrics-mocked-client.js';
export * from './runicorn.js';
export * from './runicorn-mocked-client.js';
