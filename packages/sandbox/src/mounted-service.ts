import type { OperationMatcher } from '@trainwire/core/mock-kit';
import type { SandboxMock, SandboxService } from './sandbox-service.js';

/** A service as mounted in a running sandbox. */
export interface MountedService {
  name: string;
  service: SandboxService;
  mock: SandboxMock;
  /** `http://127.0.0.1:PORT/<name>`: the mock's base URL. */
  baseURL: string;
  match: OperationMatcher;
}
