export { FAULT_KINDS, type Fault, type FaultKind, parseFault } from './fault.js';
export { type FaultOptions, parseFaultOptions } from './fault-options.js';
export { FAULT_HEADER } from './fault-plan.js';
export type { SandboxRequestEntry, SpecViolation } from './request-scope.js';
export type { SandboxMock, SandboxMockOptions, SandboxService } from './sandbox-service.js';
export { type SandboxServiceName, type SandboxServices, sandboxServices } from './sandbox-services.js';
export { SANDBOX_ERROR_HEADER } from './send-sandbox-error.js';
export { type Sandbox, type SandboxOptions, startSandbox } from './start-sandbox.js';
