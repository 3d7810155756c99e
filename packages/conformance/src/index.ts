export * from './conformance-client.js';
