import {
  APIUserAbortError,
  AuthenticationError,
  ConflictError,
  Future,
  InternalServerError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
} from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { createTinkerMock, type TinkerMockOptions } from '../mocks/tinker.js';
import { InvalidTinkerPathError } from './tinker-path.js';
import { ServiceClient } from './tinker-service-client.js';

let mock = createTinkerMock();
const { server, requests } = useMockServer(() => {
  mock = createTinkerMock({ seed: 7, speed: 1000 });
  return mock.handlers;
});
/** Replace the mock of this test with one made with `options`. */
const remock = (options: TinkerMockOptions) => {
  mock = createTinkerMock({ seed: 7, speed: 1000, ...options });
  server.resetHandlers(...mock.handlers);
};

const rest = (options: ConstructorParameters<typeof ServiceClient>[0] = {}) =>
  new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0, ...options }).createRestClient();
const ownRuns = () =>
  [...mock.state.models.values()].filter((model) => model.run.model_owner === mock.state.owner).map((model) => model.run.training_run_id);
const firstCheckpoint = () => {
  const model = [...mock.state.models.values()].find((item) => item.run.model_owner === mock.state.owner);
  const checkpoint = model?.checkpoints.find((item) => item.checkpoint_type === 'training');
  if (!model || !checkpoint) throw new Error('the mock seeded no checkpoint');
  return { model, checkpoint };
};
const rejection = async (promise: PromiseLike<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};

describe('RestClient training runs', () => {
  it('gets a training run: a Future, awaitable or via .result(), with the id encoded as one segment', async () => {
    const id = ownRuns()[0] as string;
    const future = rest().getTrainingRun(id);
    expect(future).toBeInstanceOf(Future);
    const run = await future.result();
    expect(run.training_run_id).toBe(id);
    expect(run.model_owner).toBe('user:mock');
    expect(await future).toEqual(run);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url.pathname).toBe(`/services/tinker-prod/api/v1/training_runs/${encodeURIComponent(id)}`);
    expect(requests[0]?.url.pathname).toContain('%3Atrain%3A');
    expect(requests[0]?.url.search).toBe('?access_scope=owned');
    expect(requests[0]?.headers.get('x-api-key')).toBe('tml-mock-key');
    expect(requests[0]?.headers.get('x-idempotency-key')).toBeNull();
  });

  it("hides other owners' runs unless access_scope is accessible", async () => {
    const shared = [...mock.state.models.values()].find((model) => model.run.model_owner !== mock.state.owner)?.run.training_run_id ?? '';
    const error = await rejection(rest().getTrainingRun(shared));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(`404 Training run ${shared} not found`);
    const run = await rest().getTrainingRun(shared, { access_scope: 'accessible' });
    expect(run.model_owner).toBe('user:other-team');
  });

  it('gets the training run of a tinker path, and refuses a malformed one before sending', async () => {
    const { model, checkpoint } = firstCheckpoint();
    const run = await rest().getTrainingRunByTinkerPath(checkpoint.tinker_path);
    expect(run.training_run_id).toBe(model.run.training_run_id);
    const error = await rejection(rest().getTrainingRunByTinkerPath('tinker://run-id/optimizer/0001'));
    expect(error).toBeInstanceOf(InvalidTinkerPathError);
    expect(requests).toHaveLength(1);
  });

  it('lists training runs: the first page when awaited, every run with for await', async () => {
    const page = await rest().listTrainingRuns({ limit: 2 });
    expect(page.training_runs).toHaveLength(2);
    expect(page.cursor).toEqual({ offset: 0, limit: 2, total_count: 5 });
    const ids: string[] = [];
    for await (const run of rest().listTrainingRuns({ limit: 2 })) ids.push(run.training_run_id);
    expect(ids.sort()).toEqual(ownRuns().sort());
    const queries = requests.map((request) => request.url.search);
    expect(queries).toEqual([
      '?limit=2&offset=0&access_scope=owned',
      '?limit=2&offset=0&access_scope=owned',
      '?limit=2&offset=2&access_scope=owned',
      '?limit=2&offset=4&access_scope=owned',
    ]);
  });

  it('sends the documented defaults (limit 20, offset 0) and filters by project', async () => {
    const page = await rest().listTrainingRuns({ project_id: 'proj-research' }).result();
    expect(requests[0]?.url.search).toBe('?limit=20&offset=0&access_scope=owned&project_id=proj-research');
    expect(page.training_runs).toHaveLength(3);
    expect(await rest().listTrainingRuns({ access_scope: 'accessible' }).toArray()).toHaveLength(6);
  });

  it('refuses a bad limit before sending', async () => {
    const error = await rejection(rest().listTrainingRuns({ limit: 0 }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('query.limit');
    expect(requests).toHaveLength(0);
  });

  it('gets the weights info of a checkpoint with a POST carrying an idempotency key', async () => {
    const { model, checkpoint } = firstCheckpoint();
    const info = await rest().getWeightsInfoByTinkerPath(checkpoint.tinker_path);
    expect(info).toEqual({
      base_model: model.run.base_model,
      is_lora: true,
      lora_rank: model.lora_config.rank,
      train_unembed: true,
      train_mlp: true,
      train_attn: true,
    });
    expect(requests[0]?.method).toBe('POST');
    expect(await requests[0]?.body).toBe(JSON.stringify({ tinker_path: checkpoint.tinker_path }));
    expect(requests[0]?.headers.get('x-idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await rejection(rest().getWeightsInfoByTinkerPath(`tinker://${model.run.training_run_id}/weights/nope`));
    expect(missing).toBeInstanceOf(NotFoundError);
  });
});

describe('RestClient checkpoints', () => {
  it('lists the checkpoints of a run (awaitable, and iterable)', async () => {
    const { model } = firstCheckpoint();
    const list = await rest().listCheckpoints(model.run.training_run_id);
    expect(list.checkpoints.map((item) => item.checkpoint_id)).toEqual(['weights/0100', 'weights/0200', 'sampler_weights/0300']);
    expect(list.cursor).toBeUndefined();
    const types: string[] = [];
    for await (const checkpoint of rest().listCheckpoints(model.run.training_run_id)) types.push(checkpoint.checkpoint_type);
    expect(types).toEqual(['training', 'training', 'sampler']);
    expect(await rejection(rest().listCheckpoints('nope:train:0'))).toBeInstanceOf(NotFoundError);
  });

  it('pages through every checkpoint of the user, newest first, 100 per page by default', async () => {
    const first = await rest().listUserCheckpoints();
    expect(requests[0]?.url.search).toBe('?limit=100&offset=0');
    expect(first.cursor).toEqual({ offset: 0, limit: 100, total_count: 15 });
    const times = first.checkpoints.map((item) => item.time);
    expect(times).toEqual([...times].sort().reverse());
    requests.length = 0;
    const all = await rest().listUserCheckpoints({ limit: 4 }).toArray();
    expect(all.map((item) => item.tinker_path)).toEqual(first.checkpoints.map((item) => item.tinker_path));
    expect(requests.map((request) => request.url.search).at(-1)).toBe('?limit=4&offset=12');
    const pages: number[] = [];
    for await (const page of rest().listUserCheckpoints({ limit: 10 }).pages()) pages.push(page.checkpoints.length);
    expect(pages).toEqual([10, 5]);
    const bad = await rejection(rest().listUserCheckpoints({ offset: -1 }));
    expect((bad as InvalidRequestError).field).toBe('query.offset');
  });

  it('stops fetching when the loop breaks, and honours maxItems', async () => {
    for await (const _ of rest().listUserCheckpoints({ limit: 2 })) break;
    expect(requests).toHaveLength(1);
    expect(await rest().listUserCheckpoints({ limit: 2 }, { maxItems: 3 }).toArray()).toHaveLength(3);
  });

  it('waits out the 503 while the archive is built, then reads the 302 without following it', async () => {
    const { model, checkpoint } = firstCheckpoint();
    const before = Date.now();
    const archive = await rest().getCheckpointArchiveUrl(model.run.training_run_id, checkpoint.checkpoint_id);
    expect(archive.url).toMatch(/^https:\/\/storage\.tinker\.mock\/archives\/.+\/weights\/0100\.tar\?expires=\d+&signature=[0-9a-f]+$/);
    const expires = Date.parse(archive.expires);
    expect(expires).toBeGreaterThan(before + 3_500_000);
    expect(requests.map((request) => request.url.host)).toEqual(['tinker.thinkingmachines.dev', 'tinker.thinkingmachines.dev']);
    expect(requests[0]?.url.pathname).toBe(
      `/services/tinker-prod/api/v1/training_runs/${encodeURIComponent(model.run.training_run_id)}/checkpoints/weights/0100/archive`,
    );
  });

  it('reads the 200 JSON answer of the archive endpoint too, and takes a tinker path', async () => {
    remock({ archiveAnswer: 'json', archiveRequestsUntilReady: 0 });
    const { checkpoint } = firstCheckpoint();
    const archive = await rest().getCheckpointArchiveUrlFromTinkerPath(checkpoint.tinker_path);
    expect(archive.url).toContain('storage.tinker.mock');
    expect(requests).toHaveLength(1);
    const bad = await rejection(rest().getCheckpointArchiveUrlFromTinkerPath('tinker://run/weights/a/b'));
    expect(bad).toBeInstanceOf(InvalidTinkerPathError);
    expect(requests).toHaveLength(1);
  });

  it('gives up with the 503 when the archive never gets ready', async () => {
    remock({ archiveRequestsUntilReady: 100 });
    const { checkpoint } = firstCheckpoint();
    const error = await rejection(rest().getCheckpointArchiveUrlFromTinkerPath(checkpoint.tinker_path));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe('503 The checkpoint archive is being built; try again shortly');
    expect(requests).toHaveLength(6);
  });

  it('deletes a checkpoint by id and by tinker path, and 404s the second time', async () => {
    const { model } = firstCheckpoint();
    const run = model.run.training_run_id;
    await rest().deleteCheckpoint(run, 'weights/0100');
    expect(requests[0]?.method).toBe('DELETE');
    expect(requests[0]?.url.pathname.endsWith('/checkpoints/weights/0100')).toBe(true);
    expect(requests[0]?.headers.get('x-idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    await rest().deleteCheckpointFromTinkerPath(`tinker://${run}/sampler_weights/0300`);
    expect(model.checkpoints.map((item) => item.checkpoint_id)).toEqual(['weights/0200']);
    expect(model.run.last_sampler_checkpoint).toBeNull();
    expect(await rejection(rest().deleteCheckpoint(run, 'weights/0100'))).toBeInstanceOf(NotFoundError);
    const bad = await rejection(rest().deleteCheckpoint(run, '0100'));
    expect(bad).toBeInstanceOf(InvalidRequestError);
    expect((bad as InvalidRequestError).field).toBe('checkpoint_id');
  });

  it('publishes and unpublishes, with 409 when already so', async () => {
    const { checkpoint } = firstCheckpoint();
    await rest().publishCheckpointFromTinkerPath(checkpoint.tinker_path);
    expect(checkpoint.public).toBe(true);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.url.pathname.endsWith('/checkpoints/weights/0100/publish')).toBe(true);
    expect(await requests[0]?.body).toBe('');
    // A 409 is a state conflict (the spec's x-conflict-statuses), not a lock timeout: it surfaces at
    // once, where the Python SDK retries it and never lets its caller see it.
    const sent = requests.length;
    const again = await rejection(rest({ maxRetries: 2 }).publishCheckpointFromTinkerPath(checkpoint.tinker_path));
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toMatch(/already public/);
    expect((again as ConflictError).attempts).toBe(1);
    expect((again as ConflictError).retryable).toBe(false);
    expect(requests).toHaveLength(sent + 1);
    await rest().unpublishCheckpointFromTinkerPath(checkpoint.tinker_path);
    expect(checkpoint.public).toBe(false);
    expect(await rejection(rest({ maxRetries: 0 }).unpublishCheckpointFromTinkerPath(checkpoint.tinker_path))).toBeInstanceOf(
      ConflictError,
    );
  });

  it('publishes once when a retried publish repeats its idempotency key', async () => {
    const { checkpoint } = firstCheckpoint();
    await rest().publishCheckpointFromTinkerPath(checkpoint.tinker_path, { idempotencyKey: 'publish-1' });
    await rest().publishCheckpointFromTinkerPath(checkpoint.tinker_path, { idempotencyKey: 'publish-1' });
    expect(mock.state.auditLog.filter((entry) => entry.event === 'checkpoint_published')).toHaveLength(1);
  });

  it('sets and removes a TTL, and refuses a non-positive one before sending', async () => {
    const { checkpoint } = firstCheckpoint();
    await rest().setCheckpointTtlFromTinkerPath(checkpoint.tinker_path, 86400);
    expect(requests[0]?.method).toBe('PUT');
    expect(requests[0]?.url.pathname.endsWith('/checkpoints/weights/0100/ttl')).toBe(true);
    expect(await requests[0]?.body).toBe('{"ttl_seconds":86400}');
    expect(Date.parse(checkpoint.expires_at ?? '') - Date.now()).toBeGreaterThan(86_000_000);
    await rest().setCheckpointTtlFromTinkerPath(checkpoint.tinker_path, null);
    expect(await requests[1]?.body).toBe('{"ttl_seconds":null}');
    expect(checkpoint.expires_at).toBeNull();
    const error = await rejection(rest().setCheckpointTtlFromTinkerPath(checkpoint.tinker_path, 0));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('ttl_seconds');
    expect(await rejection(rest().setCheckpointTtlFromTinkerPath('tinker://x/weights', 10))).toBeInstanceOf(InvalidTinkerPathError);
    expect(requests).toHaveLength(2);
  });
});

describe('RestClient audit log, sessions, samplers', () => {
  it('reads the audit log of a UTC day, from a Date or a string, and today by default', async () => {
    const log = await rest().getAuditLog({ day: new Date(Date.UTC(2026, 0, 5, 23, 0)) });
    expect(requests[0]?.url.search).toBe('?event_type=all&day=2026-01-05');
    expect(log.entries.length).toBeGreaterThan(0);
    expect(log.entries.every((entry) => entry.timestamp.startsWith('2026-01-05'))).toBe(true);
    const { checkpoint } = firstCheckpoint();
    await rest().publishCheckpointFromTinkerPath(checkpoint.tinker_path);
    const today = await rest().getAuditLog({ event_type: 'checkpoints' });
    expect(requests.at(-1)?.url.search).toBe('?event_type=checkpoints');
    expect(today.entries).toEqual([expect.objectContaining({ event: 'checkpoint_published', tinker_path: checkpoint.tinker_path })]);
    expect(await rejection(rest().getAuditLog({ day: '5 Jan 2026' }))).toBeInstanceOf(InvalidRequestError);
  });

  it('needs the tinker-admin role for the audit log', async () => {
    remock({ admin: false });
    const error = await rejection(rest().getAuditLog());
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.message).toMatch(/tinker-admin/);
  });

  it('lists sessions page after page (no cursor: stops on a short page) and gets one', async () => {
    const first = await rest().listSessions({ limit: 2 });
    expect(first.sessions).toHaveLength(2);
    const all: string[] = [];
    for await (const id of rest().listSessions({ limit: 2 })) all.push(id);
    expect(all).toHaveLength(5);
    expect(requests.map((request) => request.url.search).at(-1)).toBe('?limit=2&offset=4&access_scope=owned');
    const session = await rest().getSession(all[0] as string);
    expect(session.training_run_ids).toHaveLength(1);
    expect(session.sampler_ids).toEqual([]);
    expect(await rejection(rest().getSession('nope'))).toBeInstanceOf(NotFoundError);
    expect(await rejection(rest().listSessions({ access_scope: 'everyone' as 'owned' }))).toBeInstanceOf(InvalidRequestError);
  });

  it('assigns a session to a project', async () => {
    const [id] = await rest().listSessions({ limit: 1 }).toArray();
    await rest().assignSessionProject(id as string, 'proj-new');
    expect(requests.at(-1)?.method).toBe('PUT');
    expect(await requests.at(-1)?.body).toBe('{"project_id":"proj-new"}');
    expect(mock.state.sessions.get(id as string)?.project_id).toBe('proj-new');
    expect(await rejection(rest().assignSessionProject(id as string, ''))).toBeInstanceOf(InvalidRequestError);
    expect(await rejection(rest().assignSessionProject('nope', 'proj-new'))).toBeInstanceOf(NotFoundError);
  });

  it('gets a sampler, and 404s an unknown one', async () => {
    const service = new ServiceClient({ apiKey: 'tml-mock-key', logLevel: 'off', heartbeatInterval: 0 });
    const sampler = await service.createSamplingClient({ base_model: 'Qwen/Qwen3-8B' });
    const info = await service.createRestClient().getSampler(sampler.samplingSessionId);
    expect(info).toEqual({ sampler_id: sampler.samplingSessionId, base_model: 'Qwen/Qwen3-8B', model_path: null });
    expect(info.sampler_id).toMatch(/:sample:0$/);
    expect(await rejection(rest().getSampler('nope:sample:9'))).toBeInstanceOf(NotFoundError);
  });
});

describe('RestClient errors and options', () => {
  it('throws AuthenticationError on a wrong key, without echoing it', async () => {
    const error = await rejection(rest({ apiKey: 'tml-wrong-secret-key' }).getTrainingRun('x'));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe('401 Invalid or missing API key');
    expect(JSON.stringify(error)).not.toContain('tml-wrong-secret-key');
  });

  it('aborts with the caller signal', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await rejection(rest().getTrainingRun(ownRuns()[0] as string, {}, { signal: controller.signal }))).toBeInstanceOf(
      APIUserAbortError,
    );
  });

  it('talks to the base URL it is given', async () => {
    remock({ baseURL: 'http://localhost:9999/tinker' });
    const page = await rest({ baseURL: 'http://localhost:9999/tinker' }).listTrainingRuns({ limit: 1 });
    expect(page.training_runs).toHaveLength(1);
    expect(requests[0]?.url.href).toBe('http://localhost:9999/tinker/api/v1/training_runs?limit=1&offset=0&access_scope=owned');
  });
});
