import { type SpecGuard, specGuard, useMockServer } from '@trainwire/testing';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  APIError,
  APIUserAbortError,
  ConfigError,
  InvalidRequestError,
  JobTimeoutError,
  MiddlemanClient,
  TrainwireError,
} from './index.js';
import { createMiddlemanMock, jobsService, MIDDLEMAN_MOCK_API_KEY, type MiddlemanMockState } from './mocks/index.js';

const BASE = 'https://api.middleman.run/api/v1';
const RUNS = { numRuns: 50, seed: 20_261_123 };

let state: MiddlemanMockState;
let guard: SpecGuard;
useMockServer(() => {
  const mock = createMiddlemanMock({ seed: 5, speed: 0 });
  state = mock.state;
  guard = specGuard(jobsService, BASE);
  return [guard, ...mock.handlers];
});

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
afterEach(() => {
  // Presigned storage URLs sit under the base URL in the mock but are not operations of the API.
  expect(guard.violations.filter((line) => !line.includes('/_storage/'))).toEqual([]);
  expect(unhandled).toEqual([]);
});

const client = () => new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off', maxRetries: 0 });

// ── Arbitraries ───────────────────────────────────────────────────────────────────────────────

const ODD_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '/',
  '../jobs',
  '?a=b',
  '#f',
  '%',
  '%zz',
  'ünï',
  '🚀',
  'a:b',
  'a\r\nb',
  '\u0000',
  'x'.repeat(5_000),
];
const oddString = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom(...ODD_STRINGS));
const oddNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, -1, 0.5, 2 ** 53 + 2, 1e308, -1e308),
);
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.bigInt(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1, maxKeys: 3 }),
  fc.constant(Symbol('odd')),
  fc.constant(() => 1),
  fc.constant(new Date(Number.NaN)),
);
/** Anything a caller might pass by mistake (or through a cast). */
const anyValue = fc.oneof(fc.constant(undefined), oddString, oddNumber, wrongType);
/** Mostly-valid values, sometimes anything. */
const either = <Value>(valid: fc.Arbitrary<Value>) => fc.oneof({ arbitrary: valid, weight: 2 }, { arbitrary: anyValue, weight: 1 });
/** A params object: the named fields (each maybe missing), extra fields sometimes, or not an object at all. */
const paramsOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    { arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 3 },
    {
      arbitrary: fc
        .tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string(), anyValue, { maxKeys: 2 }))
        .map(([known, extra]) => ({ ...extra, ...known })),
      weight: 1,
    },
    { arbitrary: anyValue, weight: 1 },
  );

/** Stands for the id of a seeded job (the seeded ids are known only once the mock is made). */
const SEEDED_JOB = '<seeded job>';
const seeded = (id: unknown) => (id === SEEDED_JOB ? [...state.jobs.keys()][0] : id);
const jobId = either(fc.constantFrom('job_missing', SEEDED_JOB));
const envName = fc.oneof(
  fc.constantFrom('PATH', 'WANDB_API_KEY', '_X', '', '1A', 'A-B', 'a b', '__proto__', 'constructor', 'ü', 'A\nB'),
  fc.string(),
);
const envValue = either(fc.string());
/** A job the spec allows, its optional fields each maybe left out. */
const validJob = fc.record(
  {
    name: fc.string({ maxLength: 30 }),
    script_path: fc.constantFrom('/scripts/train.py', 's.py'),
    input_data_path: fc.constantFrom('/data/in', 'd'),
    gpu_type: fc.constantFrom('t4', 'v100', 'a100'),
    gpu_count: fc.integer({ min: 1, max: 8 }),
    framework: fc.constantFrom('pytorch', 'tensorflow', 'jax'),
    max_runtime_hours: fc.integer({ min: 1, max: 4 }),
    environment_variables: fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), fc.string(), { maxKeys: 3 }),
  },
  { requiredKeys: ['script_path', 'input_data_path'] },
);
const hostileJob = paramsOf({
  name: either(fc.string({ maxLength: 30 })),
  script_path: either(fc.constantFrom('/scripts/train.py', 's.py')),
  input_data_path: either(fc.constantFrom('/data/in', 'd')),
  gpu_type: either(fc.constantFrom('t4', 'v100', 'a100', 'h100', 'T4')),
  gpu_count: either(fc.integer({ min: 0, max: 9 })),
  framework: either(fc.constantFrom('pytorch', 'tensorflow', 'jax', 'mxnet')),
  requirements_file: either(fc.constantFrom('requirements.txt', '')),
  checkpoint_frequency: either(fc.integer({ min: -1, max: 100 })),
  max_runtime_hours: either(fc.integer({ min: 0, max: 80 })),
  environment_variables: fc.oneof(fc.dictionary(envName, envValue, { maxKeys: 3 }), anyValue),
});
const jobCreate = fc.oneof(validJob, hostileJob);
const paging = paramsOf({ limit: either(fc.integer({ min: 0, max: 101 })), offset: either(fc.integer({ min: -1, max: 50 })) });
const scopes = either(fc.array(fc.constantFrom('read', 'write', 'admin', 'root', ''), { maxLength: 4 }));
const events = either(fc.array(fc.constantFrom('job.completed', 'job.failed', 'credits.low', 'job.exploded', ''), { maxLength: 3 }));
const webhookUrl = either(fc.constantFrom('https://hooks.example.com/x', 'http://127.0.0.1:9/x', 'not a url', 'ftp://x'));
const wait = paramsOf({ pollInterval: either(fc.integer({ min: 0, max: 5 })), timeout: either(fc.integer({ min: 0, max: 20 })) });
const uploadSource = fc.oneof(
  fc.string({ maxLength: 20 }).map((text) => new Blob([text])),
  fc.constantFrom('', ' ', '/definitely/not/here.csv', '.', '/'),
  fc.constant('stream' as const),
  wrongType,
  oddNumber,
);

// ── Outcomes ──────────────────────────────────────────────────────────────────────────────────

/** Errors a call may end with besides the typed request and API errors. */
type Allowed = (error: unknown) => boolean;

function expectTyped(error: unknown, allowed: Allowed = () => false): void {
  if (allowed(error)) return;
  if (error instanceof InvalidRequestError) {
    expect(error.field).toMatch(/\S/);
    expect(error.message).toContain(error.field);
    return;
  }
  if (error instanceof APIError && error.status >= 400 && error.status < 500) return;
  throw new Error(`untyped failure: ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}`, {
    cause: error,
  });
}

/** How the calls of one property ended. */
interface Tally {
  resolved: number;
  refused: number;
  answered: number;
}

/**
 * Call `run`: it must not throw synchronously (it returns a promise or a list), and what it
 * returns must resolve or reject with a typed error.
 */
async function settle(run: () => unknown, tally: Tally, allowed?: Allowed): Promise<void> {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    throw new Error(`threw synchronously instead of rejecting: ${String(error)}`, { cause: error });
  }
  try {
    await result;
    tally.resolved++;
  } catch (error) {
    expectTyped(error, allowed);
    if (error instanceof InvalidRequestError) tally.refused++;
    else tally.answered++;
  }
}

/**
 * Run the property; the draws must have exercised both sides (some calls refused before sending,
 * some answered by the mock), or the property proved nothing.
 */
async function property<Args extends unknown[]>(args: fc.Arbitrary<Args>, run: (...values: Args) => unknown, allowed?: Allowed) {
  const tally: Tally = { resolved: 0, refused: 0, answered: 0 };
  await fc.assert(
    fc.asyncProperty(args, (values) => settle(() => run(...values), tally, allowed)),
    RUNS,
  );
  expect(tally.refused).toBeGreaterThan(0);
  expect(tally.resolved + tally.answered).toBeGreaterThan(0);
}

const pollEnds: Allowed = (error) => error instanceof JobTimeoutError || error instanceof APIUserAbortError;

// ── Properties ────────────────────────────────────────────────────────────────────────────────

// Several methods share a test: each property is bounded (50 runs), the whole file takes ~15 s on 2 cores.
describe('MiddlemanClient with arbitrary parameters resolves or fails with a typed error, sending only what the spec allows', {
  timeout: 20_000,
}, () => {
  it('constructor: odd options and MIDDLEMAN_* environment values', () => {
    const options = paramsOf({
      apiKey: either(fc.constant(MIDDLEMAN_MOCK_API_KEY)),
      baseURL: either(fc.constantFrom(BASE, 'http://localhost:9/api', 'http://example.com', 'ftp://x', 'not a url', '')),
      timeout: either(fc.integer({ min: 1, max: 10 })),
      maxRetries: either(fc.integer({ min: 0, max: 3 })),
      headers: fc.oneof(fc.dictionary(fc.string(), either(fc.string()), { maxKeys: 2 }), anyValue),
    });
    const env = fc.dictionary(
      fc.constantFrom('MIDDLEMAN_API_KEY', 'MIDDLEMAN_API_URL', 'TRAINWIRE_LOG'),
      fc.oneof(fc.string(), fc.constantFrom(...ODD_STRINGS)),
      {
        maxKeys: 3,
      },
    );
    fc.assert(
      fc.property(options, env, (given, variables) => {
        const saved = { ...process.env };
        Object.assign(process.env, variables);
        try {
          const made = new MiddlemanClient(given as never);
          expect(made.baseURL).toMatch(/^https?:\/\//);
        } catch (error) {
          if (!(error instanceof ConfigError)) expectTyped(error);
        } finally {
          for (const name of Object.keys(variables)) {
            if (saved[name] === undefined) delete process.env[name];
            else process.env[name] = saved[name];
          }
        }
      }),
      { ...RUNS, numRuns: 100 },
    );
  });

  it('listJobs (await and for await)', async () => {
    const params = paramsOf({
      status: either(fc.constantFrom('running', 'completed', 'done', 'RUNNING')),
      limit: either(fc.integer({ min: 0, max: 101 })),
      offset: either(fc.integer({ min: -1, max: 50 })),
    });
    await property(fc.tuple(params), (given) => client().listJobs(given as never));
    await property(fc.tuple(params), (given) =>
      client()
        .listJobs(given as never, { maxPages: 2 })
        .toArray(),
    );
  });

  it('getJob, cancelJob, pauseJob, resumeJob', async () => {
    await property(fc.tuple(jobId), (id) => client().getJob(seeded(id) as never));
    await property(fc.tuple(jobId), (id) => client().cancelJob(seeded(id) as never));
    await property(fc.tuple(jobId), (id) => client().pauseJob(seeded(id) as never));
    await property(fc.tuple(jobId), (id) => client().resumeJob(seeded(id) as never));
  });

  it('createJob', async () => {
    await property(fc.tuple(jobCreate), (params) => client().createJob(params as never));
  });

  it('waitForJob and streamJobStatus', async () => {
    const bounded = () => ({ signal: AbortSignal.timeout(100) });
    await property(fc.tuple(jobId, wait), (id, given) => client().waitForJob(seeded(id) as never, given as never, bounded()), pollEnds);
    await property(
      fc.tuple(jobId, wait),
      async (id, given) => {
        for await (const _ of client().streamJobStatus(seeded(id) as never, given as never, bounded()));
      },
      pollEnds,
    );
  });

  it('getJobLogs', async () => {
    const since = either(fc.oneof(fc.date(), fc.constantFrom('2024-01-01T00:00:00Z', 'yesterday')));
    await property(fc.tuple(jobId, paramsOf({ since })), (id, params) => client().getJobLogs(seeded(id) as never, params as never));
  });

  it('getBalance, getPackages, listApiKeys, listWebhooks, getWebhookEvents with odd request options', async () => {
    const options = paramsOf({
      timeout: either(fc.integer({ min: 50, max: 1_000 })),
      maxRetries: either(fc.integer({ min: 0, max: 1 })),
      // Header names stay valid tokens and values Latin-1 here: the refusals of others are tested below.
      headers: fc.oneof(
        fc.dictionary(
          fc.constantFrom('X-Team', 'x'),
          fc.oneof(fc.string(), fc.constantFrom('a\r\nb', 'a\nb', '\u0000', ''), oddNumber, wrongType),
          {
            maxKeys: 2,
          },
        ),
        anyValue,
      ),
      idempotencyKey: either(fc.uuid()),
    });
    for (const call of ['getBalance', 'getPackages', 'listApiKeys', 'listWebhooks', 'getWebhookEvents'] as const) {
      await property(fc.tuple(options), (given) => client()[call](given as never));
    }
  });

  it('getTransactions and getWebhookDeliveries', async () => {
    await property(fc.tuple(paging), (given) => client().getTransactions(given as never));
    const webhookId = either(fc.constantFrom('wh_missing'));
    await property(fc.tuple(webhookId, paging), (id, given) => client().getWebhookDeliveries(id as never, given as never));
  });

  it('getUploadUrl and uploadFile', async () => {
    const upload = paramsOf({
      filename: either(fc.constantFrom('train.csv', 'a/b.csv', '../x')),
      content_type: either(fc.constantFrom('text/csv', 'application/octet-stream')),
      size_bytes: either(fc.integer({ min: -1, max: 1_000 })),
      job_id: jobId,
    });
    await property(fc.tuple(upload), (params) => client().getUploadUrl(params as never));
    const options = paramsOf({
      jobId,
      filename: either(fc.constantFrom('train.csv', 'a/b.csv')),
      contentType: either(fc.constantFrom('text/csv', 'application/json')),
      size: either(fc.integer({ min: 0, max: 5 })),
      onProgress: fc.oneof(
        fc.constant(() => {}),
        anyValue,
      ),
    });
    await property(fc.tuple(uploadSource, options), (source, given) =>
      client().uploadFile(source === 'stream' ? new Blob(['abc']).stream() : (source as never), given as never),
    );
  });

  it('getDownloadUrl', async () => {
    await property(fc.tuple(jobId, paramsOf({ path: either(fc.constantFrom('model.pt', 'a/b/c.bin', null)) })), (id, params) =>
      client().getDownloadUrl(seeded(id) as never, params as never),
    );
  });

  it('createApiKey and revokeApiKey', async () => {
    const params = paramsOf({
      name: either(fc.constantFrom('ci', 'deploy')),
      scopes,
      expires_in_days: either(fc.oneof(fc.integer({ min: 0, max: 366 }), fc.constant(null))),
    });
    await property(fc.tuple(params), (given) => client().createApiKey(given as never));
    await property(fc.tuple(either(fc.constantFrom('key_missing'))), (id) => client().revokeApiKey(id as never));
    expect(state.apiKeys[0]?.revoked).toBe(false);
  });

  it('webhooks: create, get, update, delete, regenerateWebhookSecret, testWebhook', async () => {
    const create = paramsOf({ name: either(fc.constantFrom('alerts')), url: webhookUrl, events });
    await property(fc.tuple(create), (given) => client().createWebhook(given as never));
    const webhookId = either(fc.constantFrom('wh_missing'));
    const update = paramsOf({ name: either(fc.constantFrom('alerts')), url: webhookUrl, events, is_active: either(fc.boolean()) });
    await property(fc.tuple(webhookId, update), (id, given) => client().updateWebhook(id as never, given as never));
    for (const call of ['getWebhook', 'deleteWebhook', 'regenerateWebhookSecret', 'testWebhook'] as const) {
      await property(fc.tuple(webhookId), (id) => client()[call](id as never));
    }
  });
});

describe('values a property run may miss', () => {
  it('getJobLogs refuses an invalid Date as `since` (no RangeError from toISOString)', async () => {
    await expect(client().getJobLogs('job_1', { since: new Date(Number.NaN) })).rejects.toThrow(/Invalid since: must be a valid date/);
  });

  it.each([null, 'params', 5, [], 10n])('a params object of %s is an InvalidRequestError, rejected rather than thrown', async (params) => {
    const middleman = client();
    const calls: (() => PromiseLike<unknown>)[] = [
      () => middleman.listJobs(params as never),
      () => middleman.createJob(params as never),
      () => middleman.getJobLogs('job_1', params as never),
      () => middleman.getTransactions(params as never),
      () => middleman.getUploadUrl(params as never),
      () => middleman.getDownloadUrl('job_1', params as never),
      () => middleman.createApiKey(params as never),
      () => middleman.updateWebhook('wh_1', params as never),
      () => middleman.getWebhookDeliveries('wh_1', params as never),
      () => middleman.waitForJob('job_1', params as never),
      () => middleman.streamJobStatus('job_1', params as never).next(),
      () => middleman.uploadFile(new Blob(['a']), params as never),
    ];
    for (const call of calls) {
      const error = await Promise.resolve(call()).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as Error).message).toMatch(/must be an object/);
    }
    expect(guard.checked).toEqual([]);
  });

  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY, '5', 10n])('waitForJob refuses a pollInterval or timeout of %s', async (value) => {
    await expect(client().waitForJob('job_1', { pollInterval: value as never })).rejects.toThrow(/Invalid pollInterval: must be a number/);
    await expect(client().waitForJob('job_1', { timeout: value as never })).rejects.toThrow(/Invalid timeout: must be a number/);
    expect(guard.checked).toEqual([]);
  });

  it.each([10n, Symbol('s'), () => 1])('a limit of %s is an InvalidRequestError (no TypeError while quoting it)', async (limit) => {
    await expect(client().listJobs({ limit: limit as never })).rejects.toThrow(/Invalid limit: must be a whole number/);
  });

  it('uploadFile refuses a content type with CR/LF before asking for a URL', async () => {
    const error = await client()
      .uploadFile(new Blob(['a']), { filename: 'a.csv', contentType: 'text/csv\r\nX-Injected: 1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('contentType');
    expect(guard.checked).toEqual([]);
  });

  it('uploadFile refuses an onProgress that is not a function before asking for a URL', async () => {
    await expect(client().uploadFile(new Blob(['a']), { filename: 'a.csv', onProgress: 5 as never })).rejects.toThrow(
      /Invalid onProgress: must be a function/,
    );
    expect(guard.checked).toEqual([]);
  });

  // A name that is not an HTTP token would make fetch throw a TypeError (an APIConnectionError, retried).
  it('a per-call header name that is not a token is an InvalidRequestError', async () => {
    await expect(client().getBalance({ headers: { 'Bad Name': 'x' } })).rejects.toBeInstanceOf(InvalidRequestError);
  });

  // A value with characters above U+00FF would make fetch throw a TypeError.
  it('a per-call header value that is not Latin-1 is an InvalidRequestError', async () => {
    await expect(client().getBalance({ headers: { 'X-Team': 'équipe Ā' } })).rejects.toBeInstanceOf(InvalidRequestError);
  });
});

describe('refusals name the field and its allowed values', () => {
  it.each([
    ['gpu_type', { gpu_type: 'h100' }, /t4, v100, a100/],
    ['framework', { framework: 'mxnet' }, /pytorch, tensorflow, jax/],
    ['gpu_count', { gpu_count: 9 }, /from 1 to 8/],
    ['max_runtime_hours', { max_runtime_hours: Number.NaN }, /from 1 to 72/],
  ])('createJob refuses a bad %s', async (field, extra, allowed) => {
    const error = await client()
      .createJob({ script_path: '/s.py', input_data_path: '/d', ...(extra as object) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe(field);
    expect((error as Error).message).toMatch(allowed);
  });

  it('listJobs refuses a bad status, listing the statuses, on await and on for await', async () => {
    await expect(client().listJobs({ status: 'done' as never })).rejects.toThrow(/status.*queued, provisioning, running/);
    await expect(
      client()
        .listJobs({ status: 'done' as never })
        .toArray(),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('createApiKey refuses an unknown scope, listing the scopes', async () => {
    await expect(client().createApiKey({ name: 'ci', scopes: ['root' as never] })).rejects.toThrow(/scopes.*read, write, admin/);
  });

  it('nothing is sent for a refused call', async () => {
    const sent = guard.checked.length;
    await expect(client().createJob({ script_path: '', input_data_path: '/d' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(client().getJob('..')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(guard.checked.length).toBe(sent);
    expect(TrainwireError).toBeDefined();
  });
});
