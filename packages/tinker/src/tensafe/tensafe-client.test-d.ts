import type { Future, PagePromise } from '@trainwire/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { ArtifactFile, ArtifactStream } from './tensafe-artifact.js';
import type { AuditLogEntry } from './tensafe-audit.js';
import type { ServiceClient } from './tensafe-client.js';
import type { TGTinkerError } from './tensafe-errors.js';
import type { TenSafeFuture } from './tensafe-future.js';
import type { TrainingClient } from './tensafe-training-client.js';
import type {
  ForwardBackwardResult,
  FutureResult,
  OptimStepResult,
  SampleResult,
  SaveStateResult,
  TrainingClientInfo,
} from './tensafe-types.js';

declare const ts: ServiceClient;
declare const tc: TrainingClient;
const batch = { input_ids: [[1, 2]], attention_mask: [[1, 1]] };

describe('TenSafe client types', () => {
  it('offers withResponse / asResponse on calls, withResponse / submitResponse on futures', async () => {
    expectTypeOf(await ts.getTrainingClient('tc')).toEqualTypeOf<TrainingClient>();
    expectTypeOf(ts.getTrainingClient('tc').withResponse()).resolves.toEqualTypeOf<{
      data: TrainingClient;
      response: Response;
      requestId: string | undefined;
    }>();
    expectTypeOf(ts.pullArtifact('a', { stream: true }).withResponse())
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<ArtifactStream>();
    expectTypeOf(tc.sample('hi').asResponse()).resolves.toEqualTypeOf<Response>();
    expectTypeOf(tc.optimStep().withResponse()).resolves.toEqualTypeOf<{
      data: OptimStepResult;
      response: Response | undefined;
      requestId: string | undefined;
    }>();
    expectTypeOf(tc.optimStep().submitResponse()).resolves.toHaveProperty('response').toEqualTypeOf<Response | undefined>();
  });

  it('returns the generated types, futures and pages', () => {
    expectTypeOf(
      ts.createTrainingClient({ model_ref: 'm', lora_config: { rank: 16 } }, { checkpointId: 'art-1' }),
    ).resolves.toEqualTypeOf<TrainingClient>();
    expectTypeOf(tc.forwardBackward(batch)).toEqualTypeOf<TenSafeFuture<ForwardBackwardResult>>();
    expectTypeOf(tc.forwardBackward(batch)).toMatchTypeOf<Future<ForwardBackwardResult>>();
    expectTypeOf(tc.optimStep()).resolves.toEqualTypeOf<OptimStepResult>();
    expectTypeOf(tc.sample('hi')).resolves.toEqualTypeOf<SampleResult>();
    expectTypeOf(tc.saveState()).resolves.toEqualTypeOf<SaveStateResult>();
    expectTypeOf(ts.getFuture('fut-1')).toEqualTypeOf<TenSafeFuture<FutureResult>>();
    expectTypeOf(ts.getFuture<OptimStepResult>('fut-1').result()).resolves.toEqualTypeOf<OptimStepResult>();
    expectTypeOf(ts.listTrainingClients({ status: 'active', limit: 10 })).resolves.toEqualTypeOf<TrainingClientInfo[]>();
    expectTypeOf(ts.getAuditLogs({ start_time: new Date(), limit: 50 })).toEqualTypeOf<PagePromise<AuditLogEntry[], AuditLogEntry>>();
    expectTypeOf(ts.pullArtifact('art-1')).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(ts.pullArtifact('art-1', { destination: './checkpoint.bin' })).resolves.toEqualTypeOf<ArtifactFile>();
    expectTypeOf(ts.pullArtifact('art-1', { stream: true })).resolves.toEqualTypeOf<ArtifactStream>();
    expectTypeOf(ts.tenantId).toEqualTypeOf<string>();
    expectTypeOf<TGTinkerError['code']>().toEqualTypeOf<string>();
  });

  it('refuses wrong params', () => {
    // @ts-expect-error model_ref is required
    ts.createTrainingClient({ lora_config: { rank: 16 } });
    // @ts-expect-error rank is a number
    ts.createTrainingClient({ model_ref: 'm', lora_config: { rank: '16' } });
    // @ts-expect-error bias is an enum
    ts.createTrainingClient({ model_ref: 'm', lora_config: { bias: 'some' } });
    // @ts-expect-error status is one of active, completed, failed
    ts.listTrainingClients({ status: 'ready' });
    // @ts-expect-error the training client id is positional
    ts.deleteTrainingClient({ training_client_id: 'tc-1' });
    // @ts-expect-error attention_mask is required
    tc.forwardBackward({ input_ids: [[1]] });
    // @ts-expect-error start_time is a Date or a string
    ts.getAuditLogs({ start_time: 1_700_000_000 });
    // @ts-expect-error destination and stream do not combine
    ts.pullArtifact('art-1', { destination: './x', stream: true });
    // @ts-expect-error prompts are strings
    tc.sample([1, 2]);
  });
});
