export * from './tensafe.js';
export * from './tensafe-mocked-client.js';
export * from './tinker.js';
export * from './tinker-mocked-client.js';
