export { type ConformanceMockOptions, createConformanceMock } from './conformance.js';
