import type { Future } from '@trainwire/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { TinkerListFuture } from './tinker-list-future.js';
import type { Checkpoint, RestClient, TrainingRun, TrainingRunsResponse } from './tinker-rest-client.js';
import type { SamplingClient } from './tinker-sampling-client.js';
import type { ServiceClient } from './tinker-service-client.js';
import type { ForwardBackwardOutput, TrainingClient } from './tinker-training-client.js';

declare const rest: RestClient;
declare const service: ServiceClient;
declare const training: TrainingClient;
declare const sampler: SamplingClient;

describe('Tinker client types', () => {
  it('offers withResponse / asResponse on calls, withResponse / submitResponse on futures', async () => {
    expectTypeOf(await service.createLoraTrainingClient({ base_model: 'm' })).toEqualTypeOf<TrainingClient>();
    expectTypeOf(service.createLoraTrainingClient({ base_model: 'm' }).withResponse()).resolves.toEqualTypeOf<{
      data: TrainingClient;
      response: Response;
      requestId: string | undefined;
    }>();
    expectTypeOf(sampler.getBaseModel().withResponse()).resolves.toHaveProperty('data').toEqualTypeOf<string>();
    expectTypeOf(service.getServerCapabilities().asResponse()).resolves.toEqualTypeOf<Response>();
    expectTypeOf(training.forwardBackward([], 'cross_entropy').withResponse()).resolves.toEqualTypeOf<{
      data: ForwardBackwardOutput;
      response: Response | undefined;
      requestId: string | undefined;
    }>();
    expectTypeOf(rest.getTrainingRun('run').withResponse()).resolves.toHaveProperty('data').toEqualTypeOf<TrainingRun>();
  });

  it('returns Futures of the generated types; lists are also async-iterable', () => {
    expectTypeOf(rest.getTrainingRun('run')).toEqualTypeOf<Future<TrainingRun>>();
    expectTypeOf(rest.listTrainingRuns({ limit: 50 })).toEqualTypeOf<TinkerListFuture<TrainingRunsResponse, TrainingRun>>();
    expectTypeOf(rest.listTrainingRuns()).resolves.toEqualTypeOf<TrainingRunsResponse>();
    expectTypeOf(rest.listUserCheckpoints()).toMatchTypeOf<AsyncIterable<Checkpoint>>();
    expectTypeOf(rest.setCheckpointTtlFromTinkerPath('tinker://run/weights/0001', null)).toEqualTypeOf<Future<void>>();
    expectTypeOf(training.forwardBackward([], 'cross_entropy')).toEqualTypeOf<Future<ForwardBackwardOutput>>();
    expectTypeOf(service.createLoraTrainingClient({ base_model: 'm', rank: 16 })).resolves.toEqualTypeOf<TrainingClient>();
    expectTypeOf(service.createSamplingClient({ model_path: 'tinker://run/sampler_weights/x' })).resolves.toEqualTypeOf<SamplingClient>();
  });

  it('refuses wrong params', () => {
    // @ts-expect-error the run id is positional
    rest.getTrainingRun({ training_run_id: 'run' });
    // @ts-expect-error access_scope is owned | accessible
    rest.getTrainingRun('run', { access_scope: 'everyone' });
    // @ts-expect-error limit is a number
    rest.listTrainingRuns({ limit: '50' });
    // @ts-expect-error ttl_seconds is a number or null
    rest.setCheckpointTtlFromTinkerPath('tinker://run/weights/0001', '1d');
    // @ts-expect-error event_type is all | checkpoints
    rest.getAuditLog({ event_type: 'training' });
    // @ts-expect-error loss_fn is one of the documented loss functions
    training.forwardBackward([], 'mse');
    // @ts-expect-error base_model is required
    service.createLoraTrainingClient({ rank: 16 });
    // @ts-expect-error sampling params are typed
    sampler.sample({ chunks: [] }, 1, { temperature: 'hot' });
    // @ts-expect-error chunks are typed by their type
    sampler.sample({ chunks: [{ type: 'text', text: 'hi' }] }, 1, {});
  });
});
