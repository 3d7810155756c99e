// Property-based bad input for every public method of the Tinker clients (issue 8, "Bad input"):
// any argument either reaches the mock as the spec allows (the spec guard in front checks every
// request) or the call rejects with a typed error — never a synchronous throw, a TypeError or an
// unhandled rejection.
import { ConfigError } from '@trainwire/core';
import { type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTinkerMock, tinkerService } from '../mocks/tinker.js';
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
import type { RestClient } from './tinker-rest-client.js';
import type { SamplingClient } from './tinker-sampling-client.js';
import { ServiceClient } from './tinker-service-client.js';
import type { TrainingClient } from './tinker-training-client.js';

const BASE = 'https://tinker.thinkingmachines.dev/services/tinker-prod';
const MODEL = 'Qwen/Qwen3-8B';
const seeded = createTinkerMock({ seed: 3 }).state;
const runIds = [...seeded.models.keys()];
const checkpoints = [...seeded.models.values()].flatMap((model) => model.checkpoints);
const sessionIds = [...seeded.sessions.keys()];

let guard: SpecGuard;
useMockServer(() => {
  const mock = createTinkerMock({ seed: 3, speed: 1000, pollsUntilDone: 0, archiveRequestsUntilReady: 0 });
  guard = specGuard(tinkerService, BASE);
  return [guard, ...mock.handlers];
});

interface Clients {
  service: ServiceClient;
  rest: RestClient;
  training: TrainingClient;
  sampling: SamplingClient;
}

async function clients(): Promise<Clients> {
  const service = new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0, maxRetries: 0 });
  const training = await service.createLoraTrainingClient({ base_model: MODEL });
  const sampling = await service.createSamplingClient({ base_model: MODEL });
  guard.violations.splice(0);
  return { service, rest: service.createRestClient(), training, sampling };
}

const runId = fc.oneof(fc.constantFrom(...runIds), hostileString);
const checkpointId = fc.oneof(
  fc.constantFrom(...checkpoints.map((checkpoint) => checkpoint.checkpoint_id)),
  fc.tuple(fc.constantFrom('weights', 'sampler_weights'), hostileString).map(([kind, name]) => `${kind}/${name}`),
  hostileString,
);
const tinkerPath = fc.oneof(
  fc.constantFrom(...checkpoints.map((checkpoint) => checkpoint.tinker_path)),
  fc
    .tuple(fc.oneof(fc.constantFrom(...runIds), hostileString), fc.constantFrom('weights', 'sampler_weights', 'other'), hostileString)
    .map(([run, kind, name]) => `tinker://${run}/${kind}/${name}`),
  hostileString,
);
const scope = fc.constantFrom('owned', 'accessible');
const count = fc.integer({ min: 0, max: 50 });
const tokens = fc.array(fc.oneof(fc.integer({ min: 0, max: 50_000 }), hostileNumber), { minLength: 1, maxLength: 4 });
const datum = fc.oneof(
  tokens.map((values) => ({
    model_input: { chunks: [{ type: 'encoded_text', tokens: values }] },
    loss_fn_inputs: { target_tokens: { data: values, dtype: 'int64' }, weights: { data: values.map(() => 1), dtype: 'float32' } },
  })),
  hostileParams({ model_input: hostileValue, loss_fn_inputs: hostileValue }),
);
const lossFn = fc.constantFrom('cross_entropy', 'importance_sampling', 'ppo', 'cispo', 'dro');
const modelInput = tokens.map((values) => ({ chunks: [{ type: 'encoded_text', tokens: values }] }));
const metadata = fc.dictionary(fc.string({ maxLength: 6 }), hostileString, { maxKeys: 2 });

interface Method {
  name: string;
  args: fc.Arbitrary<unknown[]>;
  call: (clients: Clients, ...args: never[]) => unknown;
}
const method = (name: string, args: fc.Arbitrary<unknown[]>, call: Method['call']): Method => ({ name, args, call });
const args = (...items: fc.Arbitrary<unknown>[]) => fc.tuple(...items) as fc.Arbitrary<unknown[]>;

const methods: Record<string, Method[]> = {
  ServiceClient: [
    method(
      'createLoraTrainingClient',
      args(
        hostileParams({
          base_model: fc.constantFrom(MODEL, 'meta-llama/Llama-3.2-1B'),
          rank: fc.constantFrom(1, 8, 32),
          seed: count,
          train_mlp: fc.boolean(),
          train_attn: fc.boolean(),
          train_unembed: fc.boolean(),
          user_metadata: metadata,
        }),
      ),
      ({ service }, params) => service.createLoraTrainingClient(params),
    ),
    method(
      'createTrainingClientFromState',
      args(maybe(tinkerPath), hostileParams({ user_metadata: metadata })),
      ({ service }, path, params) => service.createTrainingClientFromState(path, params),
    ),
    method(
      'createTrainingClientFromStateWithOptimizer',
      args(maybe(tinkerPath), hostileParams({ user_metadata: metadata })),
      ({ service }, path, params) => service.createTrainingClientFromStateWithOptimizer(path, params),
    ),
    method(
      'createSamplingClient',
      args(hostileParams({ model_path: tinkerPath, base_model: fc.constantFrom(MODEL) })),
      ({ service }, params) => service.createSamplingClient(params),
    ),
    method('getServerCapabilities', args(), ({ service }) => service.getServerCapabilities()),
    method('resumeFuture', args(maybe(fc.string())), ({ service }, token) => service.resumeFuture(token)),
    method('sessionId', args(), ({ service }) => service.sessionId()),
  ],
  RestClient: [
    method('getTrainingRun', args(maybe(runId), hostileParams({ access_scope: scope })), ({ rest }, id, params) =>
      rest.getTrainingRun(id, params),
    ),
    method('getTrainingRunByTinkerPath', args(maybe(tinkerPath), hostileParams({ access_scope: scope })), ({ rest }, path, params) =>
      rest.getTrainingRunByTinkerPath(path, params),
    ),
    method('getWeightsInfoByTinkerPath', args(maybe(tinkerPath)), ({ rest }, path) => rest.getWeightsInfoByTinkerPath(path)),
    method(
      'listTrainingRuns',
      args(hostileParams({ limit: count, offset: count, access_scope: scope, project_id: hostileString })),
      ({ rest }, params) => rest.listTrainingRuns(params),
    ),
    method('listCheckpoints', args(maybe(runId)), ({ rest }, id) => rest.listCheckpoints(id)),
    method('listUserCheckpoints', args(hostileParams({ limit: count, offset: count })), ({ rest }, params) =>
      rest.listUserCheckpoints(params),
    ),
    method('getCheckpointArchiveUrl', args(maybe(runId), maybe(checkpointId)), ({ rest }, id, checkpoint) =>
      rest.getCheckpointArchiveUrl(id, checkpoint),
    ),
    method('getCheckpointArchiveUrlFromTinkerPath', args(maybe(tinkerPath)), ({ rest }, path) =>
      rest.getCheckpointArchiveUrlFromTinkerPath(path),
    ),
    method('deleteCheckpoint', args(maybe(runId), maybe(checkpointId)), ({ rest }, id, checkpoint) =>
      rest.deleteCheckpoint(id, checkpoint),
    ),
    method('deleteCheckpointFromTinkerPath', args(maybe(tinkerPath)), ({ rest }, path) => rest.deleteCheckpointFromTinkerPath(path)),
    method(
      'getAuditLog',
      args(hostileParams({ event_type: fc.constantFrom('all', 'checkpoints'), day: fc.oneof(fc.constant('2026-01-02'), fc.date()) })),
      ({ rest }, params) => rest.getAuditLog(params),
    ),
    method('publishCheckpointFromTinkerPath', args(maybe(tinkerPath)), ({ rest }, path) => rest.publishCheckpointFromTinkerPath(path)),
    method('unpublishCheckpointFromTinkerPath', args(maybe(tinkerPath)), ({ rest }, path) => rest.unpublishCheckpointFromTinkerPath(path)),
    method('setCheckpointTtlFromTinkerPath', args(maybe(tinkerPath), maybe(fc.oneof(fc.constant(null), count))), ({ rest }, path, ttl) =>
      rest.setCheckpointTtlFromTinkerPath(path, ttl),
    ),
    method(
      'getSession',
      args(maybe(fc.oneof(fc.constantFrom(...sessionIds), hostileString)), hostileParams({ access_scope: scope })),
      ({ rest }, id, params) => rest.getSession(id, params),
    ),
    method('listSessions', args(hostileParams({ limit: count, offset: count, access_scope: scope })), ({ rest }, params) =>
      rest.listSessions(params),
    ),
    method(
      'assignSessionProject',
      args(maybe(fc.oneof(fc.constantFrom(...sessionIds), hostileString)), maybe(hostileString)),
      ({ rest }, id, project) => rest.assignSessionProject(id, project),
    ),
    method('getSampler', args(maybe(hostileString)), ({ rest }, id) => rest.getSampler(id)),
  ],
  TrainingClient: [
    method(
      'forwardBackward',
      args(
        maybe(fc.array(datum, { maxLength: 2 })),
        maybe(lossFn),
        hostileParams({ loss_fn_config: fc.dictionary(fc.string(), fc.double()) }),
      ),
      ({ training }, data, loss, params) => training.forwardBackward(data, loss, params),
    ),
    method(
      'forward',
      args(
        maybe(fc.array(datum, { maxLength: 2 })),
        maybe(lossFn),
        hostileParams({ loss_fn_config: fc.dictionary(fc.string(), fc.double()) }),
      ),
      ({ training }, data, loss, params) => training.forward(data, loss, params),
    ),
    method(
      'optimStep',
      args(
        hostileParams({
          learning_rate: fc.double({ min: 0, max: 1, noNaN: true }),
          beta1: hostileNumber,
          beta2: hostileNumber,
          eps: hostileNumber,
          weight_decay: hostileNumber,
          grad_clip_norm: hostileNumber,
        }),
      ),
      ({ training }, params) => training.optimStep(params),
    ),
    method(
      'saveState',
      args(maybe(hostileString), hostileParams({ ttl_seconds: count, overwrite: fc.boolean() })),
      ({ training }, name, params) => training.saveState(name, params),
    ),
    method('saveWeightsForSampler', args(maybe(hostileString), hostileParams({ ttl_seconds: count })), ({ training }, name, params) =>
      training.saveWeightsForSampler(name, params),
    ),
    method('loadState', args(maybe(tinkerPath), hostileParams({ weights_access_token: hostileString })), ({ training }, path, params) =>
      training.loadState(path, params),
    ),
    method(
      'loadStateWithOptimizer',
      args(maybe(tinkerPath), hostileParams({ weights_access_token: hostileString })),
      ({ training }, path, params) => training.loadStateWithOptimizer(path, params),
    ),
    method('getInfo', args(), ({ training }) => training.getInfo()),
  ],
  SamplingClient: [
    method(
      'sample',
      args(
        maybe(modelInput),
        maybe(fc.integer({ min: 1, max: 3 })),
        hostileParams({
          max_tokens: fc.integer({ min: 1, max: 8 }),
          temperature: fc.double({ min: 0, max: 2, noNaN: true }),
          top_k: fc.integer({ min: -1, max: 50 }),
          top_p: fc.double({ min: 0, max: 1, noNaN: true }),
          seed: count,
          stop: fc.array(fc.string()),
        }),
        hostileParams({ include_prompt_logprobs: fc.boolean(), topk_prompt_logprobs: fc.integer({ min: 0, max: 5 }) }),
      ),
      ({ sampling }, prompt, samples, samplingParams, params) => sampling.sample(prompt, samples, samplingParams, params),
    ),
    method('getBaseModel', args(), ({ sampling }) => sampling.getBaseModel()),
  ],
};

for (const [clientName, list] of Object.entries(methods)) {
  describe(`Tinker ${clientName} with arbitrary arguments`, () => {
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

describe('Tinker RequestOptions with arbitrary values', () => {
  const shape = {
    timeout: fc.integer({ min: 1_000, max: 60_000 }),
    totalTimeout: fc.integer({ min: 1_000, max: 60_000 }),
    maxRetries: fc.integer({ min: 0, max: 2 }),
    idempotencyKey: fc.uuid(),
    headers: fc.dictionary(
      fc.constantFrom('X-Trace', 'X-Request-Source', 'Accept-Language'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
      {
        maxKeys: 2,
      },
    ),
  };
  const calls: [string, (clients: Clients, options: never) => unknown][] = [
    ['RestClient.getTrainingRun', ({ rest }, options) => rest.getTrainingRun(runIds[0] as string, {}, options)],
    ['RestClient.listTrainingRuns', ({ rest }, options) => rest.listTrainingRuns({}, options)],
    ['TrainingClient.optimStep', ({ training }, options) => training.optimStep({}, options)],
    [
      'SamplingClient.sample',
      ({ sampling }, options) => sampling.sample({ chunks: [{ type: 'encoded_text', tokens: [1] }] }, 1, {}, {}, options),
    ],
    ['ServiceClient.getServerCapabilities', ({ service }, options) => service.getServerCapabilities(options)],
  ];
  const property = (options: fc.Arbitrary<unknown>) => async () => {
    const made = await clients();
    await fc.assert(
      fc.asyncProperty(options, fc.constantFrom(...calls), async (value, [name, call]) => {
        const result = await outcome(() => call(made, value as never));
        expectTypedOutcome(result, guard, `${name}(…, ${fc.stringify(value)})`);
      }),
      { numRuns: 100 },
    );
  };

  it(
    'any well-typed options, any of them missing, extra keys: the call sends what the spec allows',
    property(
      fc
        .tuple(
          fc.record(shape, { requiredKeys: [] }),
          fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), hostileValue, { maxKeys: 2 }),
        )
        .map(([known, extra]) => ({ ...extra, ...known })),
    ),
  );

  // Wrong-typed `timeout`, `maxRetries`, `signal` or `headers` (`'ab'` would go out as headers `0: a`,
  // `1: b`) are refused with InvalidRequestError naming the option, not failing inside fetch.
  it(
    'wrong-typed options are refused with InvalidRequestError naming the option',
    property(hostileParams({ ...shape, signal: fc.constant(new AbortController().signal) })),
  );
});

describe('Tinker ServiceClient options with arbitrary values', () => {
  it('constructs or throws ConfigError / InvalidRequestError; a constructed client opens its session as the spec allows', async () => {
    const options = hostileParams({
      apiKey: fc.constant('tml-mock-key'),
      baseURL: fc.constantFrom(BASE, `${BASE}/`),
      projectId: hostileString,
      tags: fc.array(hostileString, { maxLength: 3 }),
      userMetadata: metadata,
      heartbeatInterval: fc.constant(0),
    });
    // Core's own options (maxRetries, timeout) stay well-typed here: a wrong type is a ConfigError tested with RequestOptions above.
    const coreOptions = fc.record(
      { maxRetries: fc.integer({ min: 0, max: 1 }), timeout: fc.integer({ min: 1_000, max: 60_000 }) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(options, coreOptions, async (own, core) => {
        const value = own !== null && typeof own === 'object' ? { ...core, ...own } : own;
        const label = `new ServiceClient(${fc.stringify(value)})`;
        let made: ServiceClient;
        try {
          made = new ServiceClient({ logLevel: 'off', heartbeatInterval: 0, ...(value as object) });
        } catch (error) {
          // A constructor can only throw; it must be a typed configuration error.
          expect(describeUntyped(error) === undefined || error instanceof ConfigError, `${label}: ${String(error)}`).toBe(true);
          return;
        }
        expectTypedOutcome(await outcome(() => made.sessionId()), guard, `${label}.sessionId()`);
        made.close();
      }),
      { numRuns: 100 },
    );
  });
});
