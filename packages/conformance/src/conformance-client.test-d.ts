import type { Future, PagePromise } from '@trainwire/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { ConformanceClient, Run, StepResult } from './conformance-client.js';

declare const client: ConformanceClient;

describe('ConformanceClient types', () => {
  it('returns the generated types', () => {
    expectTypeOf(client.getRun('run-1')).resolves.toEqualTypeOf<Run>();
    expectTypeOf(client.submitStep('run-1', { kind: 'optim_step' })).toEqualTypeOf<Future<StepResult>>();
    expectTypeOf(client.listRuns()).toMatchTypeOf<PagePromise<{ runs: Run[] }, Run>>();
  });

  it('refuses wrong params', () => {
    // @ts-expect-error rank must be a number
    client.createRun({ name: 'x', base_model: 'y', rank: '16' });
    // @ts-expect-error base_model is required
    client.createRun({ name: 'x' });
    // @ts-expect-error status is an enum
    client.listRuns({ status: 'exploded' });
    // @ts-expect-error kind is an enum
    client.submitStep('run-1', { kind: 'backward' });
    // @ts-expect-error the run id is positional and a string
    client.getRun({ run_id: 'run-1' });
  });
});
