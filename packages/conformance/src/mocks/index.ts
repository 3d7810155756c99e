export { service as conformanceService } from '../generated/conformance.js';
export { type ConformanceMockOptions, createConformanceMock } from './conformance.js';
