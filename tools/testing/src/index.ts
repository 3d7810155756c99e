export { closedPort } from './closed-port.js';
export { type RecordedRequest, useMockServer } from './mock-server.js';
export { type SpecGuard, specGuard } from './spec-guard.js';
