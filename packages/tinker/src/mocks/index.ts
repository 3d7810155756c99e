export * from './tinker.js';
export * from './tensafe.js';
