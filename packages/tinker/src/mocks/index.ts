export * from './tensafe.js';
export * from './tinker.js';
