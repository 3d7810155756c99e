import type { MiddlemanMockState } from '@trainwire/jobs/msw';
import { describe, expectTypeOf, it } from 'vitest';
import type { SandboxMockOptions, SandboxService } from './sandbox-service.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';
import { conformanceSandboxService } from './test-support/conformance-sandbox-service.js';

describe('startSandbox types', () => {
  it('types urls, mocks and requests by the services served', async () => {
    const sandbox = await startSandbox({ services: { conformance: conformanceSandboxService } });
    expectTypeOf(sandbox).toEqualTypeOf<Sandbox<{ conformance: typeof conformanceSandboxService }>>();
    expectTypeOf(sandbox.urls.conformance).toBeString();
    expectTypeOf(sandbox.mocks.conformance.state.runs[0]?.base_model).toEqualTypeOf<string | undefined>();
    expectTypeOf(sandbox.requests().conformance).toBeNumber();
    // @ts-expect-error not a service of this sandbox
    sandbox.urls.tinker;
  });

  it('types the default services by their mocks', async () => {
    const sandbox = await startSandbox();
    expectTypeOf(sandbox.mocks.jobs.state).toEqualTypeOf<MiddlemanMockState>();
    expectTypeOf(sandbox.urls).toEqualTypeOf<{ tinker: string; tensafe: string; metrics: string; runicorn: string; jobs: string }>();
    expectTypeOf(sandbox.env).toEqualTypeOf<Record<string, string>>();
  });

  it('checks a custom service against the mock contract', () => {
    expectTypeOf<SandboxService['createMock']>().parameter(0).toEqualTypeOf<SandboxMockOptions>();
    startSandbox({
      services: {
        // @ts-expect-error createMock must return { handlers, state }
        bad: { ...conformanceSandboxService, createMock: () => ({ state: 1 }) },
      },
    });
    // @ts-expect-error faults.rate is a number
    startSandbox({ faults: { rate: '0.1' } });
  });
});
