// Property-based bad input for every public method of the TenSafe ServiceClient and TrainingClient
// (issue 8, "Bad input"): any argument either reaches the mock as the spec allows (the spec guard
// in front checks every request) or the call rejects with a typed error — never a synchronous
// throw, a TypeError or an unhandled rejection.
import { ConfigError, InvalidRequestError } from '@trainwire/core';
import { type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTenSafeMock, tensafeService } from '../mocks/tensafe.js';
import {
  describeUntyped,
  expectTypedOutcome,
  hostileNumber,
  hostileParams,
  hostileString,
  hostileValue,
  maybe,
  outcome,
} from '../test-support/hostile-input.js';
import { ServiceClient } from './tensafe-client.js';
import type { TrainingClient } from './tensafe-training-client.js';

const BASE = 'https://api.tensafe.dev';
const seeded = createTenSafeMock({ artifactSize: 256 }).state;
await seeded.ready;
const trainingClientIds = [...seeded.trainingClients.keys()];
const artifactIds = [...seeded.artifacts.keys()];

let guard: SpecGuard;
useMockServer(() => {
  const mock = createTenSafeMock({ artifactSize: 256, speed: 1000, pollsUntilDone: 1 });
  guard = specGuard(tensafeService, BASE);
  return [guard, ...mock.handlers];
});

interface Clients {
  service: ServiceClient;
  training: TrainingClient;
}

async function clients(): Promise<Clients> {
  const service = new ServiceClient({ apiKey: 'ts-test-key', logLevel: 'off', pollInterval: 1, retryCount: 0 });
  const training = await service.createTrainingClient({ model_ref: 'meta-llama/Llama-3-8B' });
  guard.violations.splice(0);
  return { service, training };
}

const trainingClientId = fc.oneof(fc.constantFrom(...trainingClientIds), hostileString);
const artifactId = fc.oneof(fc.constantFrom(...artifactIds), hostileString);
const tokenRows = fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 30_000 }), hostileNumber), { minLength: 1, maxLength: 3 }), {
  minLength: 1,
  maxLength: 2,
});
const batch = fc.oneof(
  tokenRows.map((rows) => ({ input_ids: rows, attention_mask: rows.map((row) => row.map(() => 1)) })),
  tokenRows.map((rows) => ({ input_ids: rows, attention_mask: rows.map((row) => row.map(() => 1)), labels: rows })),
  hostileParams({ input_ids: tokenRows, attention_mask: tokenRows, labels: fc.oneof(tokenRows, fc.constant(null)) }),
);
const trainingConfig = hostileParams({
  model_ref: fc.constantFrom('meta-llama/Llama-3-8B', 'Qwen/Qwen2.5-7B'),
  lora_config: hostileParams({ rank: fc.integer({ min: 1, max: 64 }), alpha: fc.double({ min: 1, max: 64, noNaN: true }) }),
  optimizer: hostileParams({ name: fc.constantFrom('adamw', 'sgd'), learning_rate: fc.double({ min: 1e-6, max: 1, noNaN: true }) }),
  dp_config: fc.oneof(
    fc.constant(null),
    hostileParams({ enabled: fc.boolean(), noise_multiplier: fc.double({ min: 0, max: 4, noNaN: true }) }),
  ),
  batch_size: fc.integer({ min: 1, max: 64 }),
  max_steps: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 100 })),
  metadata: fc.dictionary(fc.string({ maxLength: 6 }), hostileString, { maxKeys: 2 }),
});
const time = fc.oneof(
  fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(Date.UTC(2100, 0)) }),
  fc.constant('2026-01-05T09:00:00Z'),
);

interface Method {
  name: string;
  args: fc.Arbitrary<unknown[]>;
  call: (clients: Clients, ...args: never[]) => unknown;
}
const method = (name: string, args: fc.Arbitrary<unknown[]>, call: Method['call']): Method => ({ name, args, call });
const args = (...items: fc.Arbitrary<unknown>[]) => fc.tuple(...items) as fc.Arbitrary<unknown[]>;

const methods: Record<string, Method[]> = {
  ServiceClient: [
    method('createTrainingClient', args(trainingConfig, hostileParams({ checkpointId: artifactId })), ({ service }, config, params) =>
      service.createTrainingClient(config, params),
    ),
    method('getTrainingClient', args(maybe(trainingClientId)), ({ service }, id) => service.getTrainingClient(id)),
    method(
      'listTrainingClients',
      args(hostileParams({ status: fc.constantFrom('active', 'completed', 'failed'), limit: fc.integer({ min: 1, max: 50 }) })),
      ({ service }, params) => service.listTrainingClients(params),
    ),
    method('deleteTrainingClient', args(maybe(trainingClientId)), ({ service }, id) => service.deleteTrainingClient(id)),
    method('getFuture', args(maybe(hostileString)), ({ service }, id) => service.getFuture(id).status()),
    method('resumeFuture', args(maybe(fc.string())), ({ service }, token) => service.resumeFuture(token).status()),
    method('pullArtifact', args(maybe(artifactId), hostileParams({ stream: fc.boolean() })), async ({ service }, id, params) => {
      const artifact = await service.pullArtifact(id, params);
      // A stream must be read to the end for its checks to run.
      if ('body' in artifact) await new Response(artifact.body as ReadableStream<Uint8Array>).arrayBuffer();
      return artifact;
    }),
    method(
      'getAuditLogs',
      args(
        hostileParams({
          training_client_id: trainingClientId,
          operation: hostileString,
          start_time: time,
          end_time: time,
          limit: fc.integer({ min: 1, max: 20 }),
          offset: fc.integer({ min: 0, max: 20 }),
        }),
      ),
      ({ service }, params) => service.getAuditLogs(params),
    ),
  ],
  TrainingClient: [
    method('refresh', args(), ({ training }) => training.refresh()),
    method(
      'forwardBackward',
      args(
        maybe(batch),
        hostileParams({
          batch_hash: fc.oneof(fc.constant(null), fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 64 })),
        }),
      ),
      ({ training }, input, params) => training.forwardBackward(input, params),
    ),
    method('optimStep', args(hostileParams({ apply_dp_noise: fc.boolean() })), ({ training }, params) => training.optimStep(params)),
    method(
      'sample',
      args(
        maybe(fc.oneof(fc.string({ minLength: 1 }), fc.array(fc.string(), { minLength: 1, maxLength: 2 }))),
        hostileParams({
          max_tokens: fc.integer({ min: 1, max: 16 }),
          temperature: fc.double({ min: 0, max: 2, noNaN: true }),
          top_p: fc.double({ min: 0.01, max: 1, noNaN: true }),
          top_k: fc.integer({ min: 0, max: 50 }),
          stop_sequences: fc.array(fc.string(), { maxLength: 2 }),
        }),
      ),
      ({ training }, prompts, params) => training.sample(prompts, params),
    ),
    method(
      'saveState',
      args(hostileParams({ include_optimizer: fc.boolean(), metadata: fc.dictionary(fc.string(), hostileString, { maxKeys: 2 }) })),
      ({ training }, params) => training.saveState(params),
    ),
    method('loadState', args(maybe(artifactId)), ({ training }, id) => training.loadState(id)),
  ],
};

for (const [clientName, list] of Object.entries(methods)) {
  describe(`TenSafe ${clientName} with arbitrary arguments`, () => {
    for (const { name, args: arbitrary, call } of list) {
      it(`${name}: sends what the spec allows or rejects with a typed error`, async () => {
        const made = await clients();
        await fc.assert(
          fc.asyncProperty(arbitrary, async (values) => {
            const result = await outcome(() => call(made, ...(values as never[])));
            expectTypedOutcome(result, guard, `${clientName}.${name}(${fc.stringify(values)})`);
          }),
          { numRuns: 50 },
        );
      });
    }
  });
}

describe('TenSafe hostile values outside the generators', () => {
  it('a hostile value where an object is expected', async () => {
    const made = await clients();
    await fc.assert(
      fc.asyncProperty(hostileValue, async (value) => {
        for (const call of [
          () => made.service.createTrainingClient(value as never),
          () => made.training.forwardBackward(value as never),
          () => made.training.sample(value as never),
        ]) {
          expectTypedOutcome(await outcome(call), guard, `with ${fc.stringify(value)}`);
        }
      }),
      { numRuns: 50 },
    );
  });
});

// A bigint inside an open object (`additionalProperties: true`, like saveState's metadata) cannot
// be sent as JSON: InvalidRequestError('body.metadata.step'), not a connection error.
it('a bigint inside metadata is refused with InvalidRequestError naming it', async () => {
  const { training } = await clients();
  const result = await outcome(() => training.saveState({ metadata: { step: 10n } }));
  expectTypedOutcome(result, guard, 'saveState({ metadata: { step: 10n } })');
  expect(result.kind).toBe('rejected');
  expect((result as { error: InvalidRequestError }).error.field).toBe('body.metadata.step');
});

describe('TenSafe ServiceClient options with arbitrary values', () => {
  it('constructs or throws ConfigError / InvalidRequestError; a constructed client lists as the spec allows', async () => {
    const options = hostileParams({
      apiKey: fc.constant('ts-test-key'),
      baseURL: fc.constantFrom(BASE, `${BASE}/`),
      tenantId: hostileString,
    });
    // Numbers may be any number (NaN, negative, huge); an object is tested below.
    const numbers = fc.record(
      {
        timeout: fc.oneof(hostileNumber, fc.integer({ min: 1_000, max: 60_000 })),
        retryCount: fc.oneof(hostileNumber, fc.integer({ min: 0, max: 1 })),
        pollInterval: fc.oneof(hostileNumber, fc.integer({ min: 1, max: 5 })),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(options, numbers, async (own, settings) => {
        const value = own !== null && typeof own === 'object' ? { ...settings, ...own } : own;
        const label = `new ServiceClient(${fc.stringify(value)})`;
        let made: ServiceClient;
        try {
          made = new ServiceClient({ logLevel: 'off', ...(value as object) });
        } catch (error) {
          // A constructor can only throw; it must be a typed configuration error.
          expect(describeUntyped(error) === undefined || error instanceof ConfigError, `${label}: ${String(error)}`).toBe(true);
          return;
        }
        expectTypedOutcome(
          await outcome(() => made.listTrainingClients({ limit: 1 }, { timeout: 5_000 })),
          guard,
          `${label}.listTrainingClients()`,
        );
      }),
      { numRuns: 100 },
    );
  });

  // A key outside Latin-1 (a pasted smart quote) would fail every call inside fetch; an object as
  // `timeout` would make the ConfigError message itself throw a TypeError.
  it('an API key outside Latin-1 is refused at construction', () => {
    expect(() => new ServiceClient({ apiKey: 'ts-key-“quoted”' })).toThrow(InvalidRequestError);
    expect(() => new ServiceClient({ apiKey: 'ts-key-“quoted”' })).not.toThrow(/quoted/);
  });

  it('an object as timeout is a ConfigError', () => {
    expect(() => new ServiceClient({ apiKey: 'ts-test-key', timeout: Object.create(null) })).toThrow(ConfigError);
  });
});
