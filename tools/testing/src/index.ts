export { closedPort } from './closed-port.js';
export { type RecordedRequest, useMockServer } from './mock-server.js';
export { rejection } from './rejection.js';
export { type SpecGuard, specGuard } from './spec-guard.js';
