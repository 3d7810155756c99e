export * from './tinker/index.js';
