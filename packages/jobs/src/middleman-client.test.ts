import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { useMockServer } from '@trainwire/testing';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APIUserAbortError,
  AuthenticationError,
  ConfigError,
  ConflictError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobTimeoutError,
  MiddlemanClient,
  NotFoundError,
  PermissionDeniedError,
} from './index.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY } from './mocks/index.js';

const BASE = 'https://api.middleman.run/api/v1';
let mock = createMiddlemanMock();
const { server, requests } = useMockServer(() => {
  mock = createMiddlemanMock({ seed: 7, speed: 0 });
  return mock.handlers;
});

const client = (options: ConstructorParameters<typeof MiddlemanClient>[0] = {}) =>
  new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off', ...options });

const JOB = { name: 'resnet', script_path: '/scripts/train.py', input_data_path: '/data/imagenet' };

afterEach(() => vi.unstubAllEnvs());

describe('MiddlemanClient configuration', () => {
  it('reads MIDDLEMAN_API_KEY and MIDDLEMAN_API_URL, and names both when the key is missing', async () => {
    vi.stubEnv('MIDDLEMAN_API_KEY', MIDDLEMAN_MOCK_API_KEY);
    vi.stubEnv('MIDDLEMAN_API_URL', `${BASE}/`);
    const configured = new MiddlemanClient({ logLevel: 'off' });
    expect(configured.baseURL).toBe(BASE);
    await expect(configured.getBalance()).resolves.toMatchObject({ available: expect.any(Number) });
    expect(requests[0]?.headers.get('x-api-key')).toBe(MIDDLEMAN_MOCK_API_KEY);
    vi.stubEnv('MIDDLEMAN_API_KEY', '');
    expect(() => new MiddlemanClient()).toThrow(ConfigError);
    expect(() => new MiddlemanClient()).toThrow(/apiKey.*MIDDLEMAN_API_KEY/);
  });

  it('maps a wrong key to AuthenticationError without showing the key', async () => {
    const error = await client({ apiKey: 'mdlm_wrong_key_123456' })
      .getBalance()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toBe('401 Invalid API key');
    expect(JSON.stringify(error)).not.toContain('mdlm_wrong_key_123456');
    expect(inspect(error)).not.toContain('mdlm_wrong_key_123456');
  });
});

describe('jobs', () => {
  it('lists jobs: await gives [jobs, total], for await walks every page', async () => {
    const [jobs, total] = await client().listJobs({ limit: 3 });
    expect(total).toBe(10);
    expect(jobs.map((job) => job.name)).toEqual(['mnist-baseline', 'tabular-xgb-sweep', 'diffusion-xl']);
    expect(jobs[0]).toMatchObject({ status: 'queued', is_terminal: false });
    const names: string[] = [];
    for await (const job of client().listJobs({ limit: 4 })) names.push(job.name ?? '');
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(10);
    const queries = requests.filter((request) => request.url.pathname === '/api/v1/jobs').map((request) => request.url.search);
    expect(queries).toEqual(['?limit=3&offset=0', '?limit=4&offset=0', '?limit=4&offset=4', '?limit=4&offset=8']);
  });

  it('filters by status and marks terminal jobs', async () => {
    const [running] = await client().listJobs({ status: 'running' });
    expect(running.map((job) => job.status)).toEqual(['running']);
    const [completed, total] = await client().listJobs({ status: 'completed', limit: 20 });
    expect(total).toBe(2);
    expect(completed.every((job) => job.is_terminal)).toBe(true);
  });

  it('seeds one job in every status', async () => {
    const statuses = new Set<string>();
    for await (const job of client().listJobs({ limit: 100 })) statuses.add(job.status);
    expect([...statuses].sort()).toEqual(
      ['cancelled', 'checkpointing', 'completed', 'failed', 'paused', 'provisioning', 'queued', 'resuming', 'running'].sort(),
    );
  });

  it('creates a job with the documented defaults, an idempotency key and the estimate reserved', async () => {
    const before = await client().getBalance();
    const created = await client().createJob({
      ...JOB,
      gpu_type: 'a100',
      gpu_count: 4,
      max_runtime_hours: 24,
      environment_variables: { WANDB_API_KEY: 'wandb-secret-value-1' },
    });
    expect(created).toMatchObject({ status: 'queued', estimated_cost: 50 * 4 * 24, reserved_credits: 4800, queue_position: 2 });
    const sent = requests.find((request) => request.method === 'POST');
    expect(sent?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(await (sent?.body ?? Promise.resolve('')))).toEqual({
      gpu_type: 'a100',
      gpu_count: 4,
      framework: 'pytorch',
      checkpoint_frequency: 10,
      max_runtime_hours: 24,
      environment_variables: { WANDB_API_KEY: 'wandb-secret-value-1' },
      ...JOB,
    });
    const after = await client().getBalance();
    expect(after.reserved - before.reserved).toBe(4800);
    expect(after.available).toBe(before.available - 4800);
    const job = await client().getJob(created.id);
    expect(job.environment_variable_names).toEqual(['WANDB_API_KEY']);
    expect(JSON.stringify(job)).not.toContain('wandb-secret-value-1');
  });

  it('never starts two jobs when the answer to a create is lost and the call retried', async () => {
    let dropped = false;
    server.use(
      http.post(`${BASE}/jobs`, async ({ request }) => {
        if (dropped) return undefined;
        dropped = true;
        await request.clone().text();
        // The server acted, but the answer never arrived: let the mock create the job first.
        const handler = mock.handlers.find((item) => item.info.header === `POST ${BASE}/jobs`);
        await handler?.run({ request: request.clone(), requestId: 'lost' });
        return HttpResponse.error();
      }),
    );
    const count = mock.state.jobs.size;
    const created = await client().createJob(JOB);
    expect(mock.state.jobs.size).toBe(count + 1);
    expect(mock.state.jobs.has(created.id)).toBe(true);
    const keys = requests.filter((request) => request.method === 'POST').map((request) => request.headers.get('idempotency-key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('replays the first answer to a repeated idempotency key, and refuses it for another body', async () => {
    const first = await client().createJob(JOB, { idempotencyKey: 'create-1' });
    const again = await client().createJob(JOB, { idempotencyKey: 'create-1' });
    expect(again.id).toBe(first.id);
    await expect(client().createJob({ ...JOB, name: 'other' }, { idempotencyKey: 'create-1' })).rejects.toThrow(
      '422 Idempotency-Key was already used for a different request',
    );
  });

  it.each([
    [{ gpu_type: 'h100' }, 'gpu_type', 'Invalid gpu_type: must be one of t4, v100, a100 (got "h100")'],
    [{ gpu_count: 0 }, 'gpu_count', 'Invalid gpu_count: must be a whole number from 1 to 8 (got 0)'],
    [{ gpu_count: 9 }, 'gpu_count', 'Invalid gpu_count: must be a whole number from 1 to 8 (got 9)'],
    [{ gpu_count: 2.5 }, 'gpu_count', 'Invalid gpu_count: must be a whole number from 1 to 8 (got 2.5)'],
    [{ framework: 'mxnet' }, 'framework', 'Invalid framework: must be one of pytorch, tensorflow, jax (got "mxnet")'],
    [{ max_runtime_hours: 0 }, 'max_runtime_hours', 'Invalid max_runtime_hours: must be a whole number from 1 to 72 (got 0)'],
    [{ max_runtime_hours: 100 }, 'max_runtime_hours', 'Invalid max_runtime_hours: must be a whole number from 1 to 72 (got 100)'],
    [{ script_path: '' }, 'script_path', 'Invalid script_path: must be a non-empty string (got "")'],
    [{ input_data_path: '  ' }, 'input_data_path', 'Invalid input_data_path: must be a non-empty string (got "  ")'],
  ])('refuses %j before sending anything', async (change, field, message) => {
    const error = await client()
      .createJob({ ...JOB, ...(change as object) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe(field);
    expect((error as Error).message).toBe(message);
    expect(requests).toHaveLength(0);
  });

  it('never shows an environment variable value in an error', async () => {
    server.use(
      http.post(`${BASE}/jobs`, async ({ request }) =>
        HttpResponse.json({ detail: `bad request: ${await request.text()}` }, { status: 400 }),
      ),
    );
    const error = await client()
      .createJob({ ...JOB, environment_variables: { WANDB_API_KEY: 'wandb-leak-check-42' } })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('[redacted]');
    expect((error as Error).message).not.toContain('wandb-leak-check-42');
    expect(JSON.stringify(error)).not.toContain('wandb-leak-check-42');
  });

  it('refuses a job the balance cannot cover with InsufficientCreditsError (402)', async () => {
    mock.state.account.balance = 1_000;
    const error = await client()
      .createJob({ ...JOB, gpu_type: 'a100', gpu_count: 8, max_runtime_hours: 72 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect((error as InsufficientCreditsError).status).toBe(402);
  });

  it('pauses, resumes and cancels, refunding what was not used', async () => {
    const created = await client().createJob({ ...JOB, gpu_type: 'v100', gpu_count: 2, max_runtime_hours: 10 });
    await expect(client().pauseJob(created.id)).rejects.toBeInstanceOf(ConflictError);
    mock.state.advance(mock.state.jobs.get(created.id)!, 4); // provisioning, running, epochs 1 and 2
    const paused = await client().pauseJob(created.id);
    expect(paused).toMatchObject({ status: 'paused', current_epoch: 2, is_terminal: false });
    expect((await client().getJob(created.id)).status).toBe('paused');
    const resumed = await client().resumeJob(created.id);
    expect(resumed.status).toBe('resuming');
    expect((await client().getJob(created.id)).status).toBe('running');
    const before = await client().getBalance();
    const cancelled = await client().cancelJob(created.id);
    const cost = mock.state.jobs.get(created.id)!.job.actual_cost;
    expect(cost).toBeGreaterThan(0);
    expect(cancelled).toEqual({ id: created.id, status: 'cancelled', refunded_credits: 500 - cost });
    const after = await client().getBalance();
    expect(after.reserved).toBe(before.reserved - 500);
    expect(after.balance).toBe(before.balance - cost);
    await expect(client().cancelJob(created.id)).rejects.toThrow('409 Job is already cancelled');
  });

  it('gets a job, 404s on an unknown one', async () => {
    const [[first]] = await client().listJobs({ status: 'failed' });
    const job = await client().getJob(first!.id);
    expect(job).toMatchObject({ status: 'failed', is_terminal: true, error_message: expect.stringContaining('CUDA out of memory') });
    const error = await client()
      .getJob('missing')
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('404 Job missing not found');
  });

  it('streams every state until the job ends: epochs climb, loss falls, cost rises', async () => {
    const created = await client().createJob({ ...JOB, checkpoint_frequency: 4 });
    const seen: { status: string; epoch: number; loss: number | null; cost: number }[] = [];
    for await (const job of client().streamJobStatus(created.id, { pollInterval: 1 })) {
      seen.push({ status: job.status, epoch: job.current_epoch, loss: job.current_loss, cost: job.actual_cost });
    }
    expect(seen.map((item) => item.status)).toEqual([
      'provisioning',
      'running',
      'running',
      'running',
      'running',
      'checkpointing',
      'running',
      'running',
      'running',
      'running',
      'checkpointing',
      'running',
      'running',
      'completed',
    ]);
    const losses = seen.map((item) => item.loss).filter((loss): loss is number => loss !== null);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    expect(seen[seen.length - 1]).toMatchObject({ epoch: 10, cost: 32 });
  });

  it('waits for a job and returns its final state', async () => {
    const created = await client().createJob(JOB);
    const done = await client().waitForJob(created.id, { pollInterval: 1 });
    expect(done).toMatchObject({ id: created.id, status: 'completed', is_terminal: true, current_epoch: 10 });
    const balance = await client().getBalance();
    const sum = mock.state.transactions.reduce((total, item) => total + item.amount, 0);
    expect(balance.available).toBe(sum);
  });

  it('keeps polling through transient errors', async () => {
    const created = await client().createJob(JOB);
    let failures = 0;
    server.use(
      http.get(`${BASE}/jobs/:jobId`, () => {
        if (failures++ < 4) return HttpResponse.json({ detail: 'upstream unavailable' }, { status: 503 });
        return undefined;
      }),
    );
    const done = await client({ maxRetries: 0 }).waitForJob(created.id, { pollInterval: 1 });
    expect(done.status).toBe('completed');
    expect(failures).toBeGreaterThan(4);
  });

  it('stops on a non-transient error', async () => {
    await expect(client().waitForJob('missing', { pollInterval: 1 })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('times out with JobTimeoutError naming the last status', async () => {
    const [[paused]] = await client().listJobs({ status: 'paused' });
    const error = await client()
      .waitForJob(paused!.id, { pollInterval: 5, timeout: 40 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as Error).message).toBe(`Job ${paused!.id} did not finish within 40 ms (last status: paused).`);
  });

  it('stops when the signal aborts', async () => {
    const [[paused]] = await client().listJobs({ status: 'paused' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(client().waitForJob(paused!.id, { pollInterval: 5, signal: controller.signal })).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('reads logs, all or since a time', async () => {
    const created = await client().createJob(JOB);
    await client().waitForJob(created.id, { pollInterval: 1 });
    const logs = await client().getJobLogs(created.id);
    expect(logs[0]?.message).toMatch(/^Job queued: 1× t4/);
    expect(logs.some((line) => line.message.startsWith('Epoch 10/10 loss='))).toBe(true);
    const [[failed]] = await client().listJobs({ status: 'failed' });
    const failedLogs = await client().getJobLogs(failed!.id);
    expect(failedLogs.at(-1)).toMatchObject({ level: 'ERROR' });
    const since = failedLogs[1]!.timestamp;
    const later = failedLogs.filter((line) => line.timestamp > since);
    expect(later.length).toBeGreaterThan(0);
    expect(later.length).toBeLessThan(failedLogs.length - 1);
    await expect(client().getJobLogs(failed!.id, { since })).resolves.toEqual(later);
    expect(requests.at(-1)?.url.searchParams.get('since')).toBe(since);
  });
});

describe('billing', () => {
  it('keeps balance, reservations and transactions consistent', async () => {
    const balance = await client().getBalance();
    expect(balance.available).toBe(balance.balance - balance.reserved);
    const all = await client().getTransactions({ limit: 5 }).toArray();
    expect(all.reduce((sum, item) => sum + item.amount, 0)).toBe(balance.available);
    const [page, total] = await client().getTransactions({ limit: 5 });
    expect(page).toHaveLength(5);
    expect(total).toBe(all.length);
    expect(page[0]!.created_at >= page[4]!.created_at).toBe(true);
  });

  it('lists the packages', async () => {
    const packages = await client().getPackages();
    expect(packages.map((item) => [item.name, item.credits, item.price_dollars])).toEqual([
      ['Starter', 1000, 10],
      ['Pro', 10000, 90],
      ['Team', 50000, 400],
      ['Enterprise', 250000, 1750],
    ]);
  });

  it('refuses a limit out of range before sending', async () => {
    await expect(client().getTransactions({ limit: 500 })).rejects.toThrow('Invalid limit: must be a whole number from 1 to 100 (got 500)');
    const walk = async () => {
      for await (const job of client().listJobs({ status: 'exploded' as 'running' })) expect(job).toBeUndefined();
    };
    await expect(walk()).rejects.toThrow(
      'Invalid status: must be one of queued, provisioning, running, paused, resuming, checkpointing, completed, cancelled, failed (got "exploded")',
    );
    expect(requests).toHaveLength(0);
  });
});

describe('data', () => {
  let directory = '';
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'middleman-upload-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('uploads a file by path: streamed to the presigned URL without the API key, with progress', async () => {
    const path = join(directory, 'data.zip');
    const bytes = new Uint8Array(200 * 1024).map((_, index) => index % 256);
    await writeFile(path, bytes);
    const created = await client().createJob(JOB);
    const progress: number[] = [];
    const blobPath = await client().uploadFile(path, {
      jobId: created.id,
      onProgress: ({ loaded, total }) => progress.push(loaded / total),
    });
    expect(blobPath).toMatch(new RegExp(`^uploads/${created.id}/[a-z0-9]{8}/data.zip$`));
    const ask = requests.find((request) => request.url.pathname === '/api/v1/data/upload-url');
    expect(ask?.url.searchParams.get('job_id')).toBe(created.id);
    expect(JSON.parse(await ask!.body)).toEqual({ filename: 'data.zip', content_type: 'application/zip', size_bytes: 204800 });
    const put = requests.find((request) => request.method === 'PUT');
    expect(put?.headers.get('x-api-key')).toBeNull();
    expect(put?.headers.get('content-type')).toBe('application/zip');
    const upload = [...mock.state.uploads.values()].find((item) => item.blob_path === blobPath);
    expect(upload?.received).toBe(204800);
    expect(upload?.data).toEqual(bytes);
    expect(progress.length).toBeGreaterThan(1); // read in chunks, not at once
    expect(progress.at(-1)).toBe(1);
  });

  it('streams a large file in 64 KiB chunks as it is sent, never holding it whole', async () => {
    const path = join(directory, 'big.bin');
    const size = 8 * 1024 * 1024;
    await writeFile(path, new Uint8Array(size).fill(1));
    const chunks: number[] = [];
    let loadedAtFirstChunk = -1;
    let loaded = 0;
    let putHeaders: Headers | undefined;
    let putRedirect: RequestRedirect | undefined;
    const fetch = async (request: Request) => {
      if (request.method !== 'PUT') return globalThis.fetch(request);
      putHeaders = request.headers;
      putRedirect = request.redirect;
      const reader = request.body!.getReader();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (loadedAtFirstChunk < 0) loadedAtFirstChunk = loaded;
        chunks.push(value.byteLength);
      }
      return new Response(null, { status: 200 });
    };
    await client({ fetch }).uploadFile(path, { onProgress: (progress) => (loaded = progress.loaded) });
    expect(chunks.reduce((sum, length) => sum + length, 0)).toBe(size);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(64 * 1024);
    expect(loadedAtFirstChunk).toBeLessThan(size); // the first bytes left before the file was read to the end
    expect(putHeaders?.get('x-api-key')).toBeNull();
    // A request that may follow a redirect is cloned by fetch, and the clone's teed body holds every byte.
    expect(putRedirect).toBe('error');
  });

  it('refuses to send fewer bytes than it announced when the file shrinks during the upload', async () => {
    const path = join(directory, 'shrinking.bin');
    await writeFile(path, new Uint8Array(256 * 1024).fill(2));
    let sent = 0;
    const fetch = async (request: Request) => {
      if (request.method !== 'PUT') return globalThis.fetch(request);
      const reader = request.body!.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        if (sent === 0) await truncate(path, 100 * 1024);
        sent += next.value.byteLength;
      }
      return new Response(null, { status: 200 });
    };
    await expect(client({ fetch }).uploadFile(path)).rejects.toThrow(/Invalid path: .*shrinking\.bin.* shrank while it was being uploaded/);
    expect(sent).toBe(100 * 1024);
  });

  it('uploads a Blob and a ReadableStream (which needs its size)', async () => {
    const blob = new File(['hello, middleman'], 'notes.txt', { type: 'text/plain' });
    const fromBlob = await client().uploadFile(blob);
    expect(fromBlob).toMatch(/^uploads\/unassigned\/[a-z0-9]{8}\/notes.txt$/);
    const stream = () => new Blob(['streamed bytes']).stream();
    await expect(client().uploadFile(stream())).rejects.toThrow('Invalid size: is required');
    const fromStream = await client().uploadFile(stream(), { size: 14, filename: 'part.bin' });
    const upload = [...mock.state.uploads.values()].find((item) => item.blob_path === fromStream);
    expect(new TextDecoder().decode(upload?.data)).toBe('streamed bytes');
  });

  it('reports a refused PUT without the URL signature, and a missing file before any request', async () => {
    server.use(http.put(`${BASE}/_storage/upload/:token`, () => new HttpResponse('AccessDenied', { status: 403 })));
    const error = await client()
      .uploadFile(new Blob(['x']))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).url).not.toContain('signature');
    requests.length = 0;
    await expect(client().uploadFile(join(directory, 'nope.bin'))).rejects.toThrow(/Invalid path: cannot read .*nope.bin.*ENOENT/);
    expect(requests).toHaveLength(0);
  });

  it('retries a PUT that met a 5xx when the source can be read again', async () => {
    let failures = 0;
    server.use(
      http.put(`${BASE}/_storage/upload/:token`, () => (failures++ === 0 ? new HttpResponse('SlowDown', { status: 503 }) : undefined)),
    );
    const blobPath = await client().uploadFile(new Blob(['retry me']));
    expect(requests.filter((request) => request.method === 'PUT')).toHaveLength(2);
    expect([...mock.state.uploads.values()].find((item) => item.blob_path === blobPath)?.received).toBe(8);
  });

  it('gets a download URL for a job, or one file of it', async () => {
    const [[completed]] = await client().listJobs({ status: 'completed' });
    const download = await client().getDownloadUrl(completed!.id, { path: 'outputs/model.pt' });
    expect(download.download_url).toContain(`/_storage/download/${completed!.id}/outputs%2Fmodel.pt?signature=`);
    expect(JSON.parse(await requests.at(-1)!.body)).toEqual({ job_id: completed!.id, path: 'outputs/model.pt' });
    const response = await fetch(download.download_url);
    expect((await response.arrayBuffer()).byteLength).toBe(download.size_bytes);
    await client().getDownloadUrl(completed!.id);
    expect(JSON.parse(await requests.at(-1)!.body)).toEqual({ job_id: completed!.id, path: null });
  });
});

describe('API keys', () => {
  it('creates a key that works, lists it by prefix and revokes it', async () => {
    const [info, fullKey] = await client().createApiKey({ name: 'CI', scopes: ['read'], expires_in_days: 90 });
    expect(fullKey).toMatch(/^mdlm_[a-z0-9]{32}$/);
    expect(info).toMatchObject({ name: 'CI', scopes: ['read'], key_prefix: fullKey.slice(0, 9) });
    expect(info).not.toHaveProperty('key');
    expect(JSON.parse(await requests[0]!.body)).toEqual({ name: 'CI', scopes: ['read'], expires_in_days: 90 });
    const keys = await client().listApiKeys();
    expect(keys.map((key) => key.name)).toEqual(['Default', 'CI']);
    const readOnly = client({ apiKey: fullKey });
    await expect(readOnly.getBalance()).resolves.toBeDefined();
    const denied = await readOnly.createJob(JOB).catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    await expect(client().revokeApiKey(info.id)).resolves.toEqual({ revoked: true });
    const error = await readOnly.getBalance().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify(error)).not.toContain(fullKey);
  });

  it('sends the documented defaults and validates before sending', async () => {
    await client().createApiKey({ name: 'default scopes' });
    expect(JSON.parse(await requests[0]!.body)).toEqual({ name: 'default scopes', scopes: ['read', 'write'], expires_in_days: null });
    await expect(client().createApiKey({ name: 'x', scopes: ['root' as 'read'] })).rejects.toThrow(
      'Invalid scopes: must be one of read, write, admin (got "root")',
    );
    await expect(client().createApiKey({ name: 'x', expires_in_days: 0 })).rejects.toThrow(/Invalid expires_in_days/);
    expect(requests).toHaveLength(1);
  });
});

describe('webhooks', () => {
  it('creates, reads, updates, tests, pages deliveries, regenerates the secret and deletes', async () => {
    const events = await client().getWebhookEvents();
    expect(events).toContain('job.completed');
    const created = await client().createWebhook({ name: 'slack', url: 'https://hooks.example.com/x', events: ['job.completed'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(await client().listWebhooks()).toHaveLength(1);
    const updated = await client().updateWebhook(created.id, { is_active: false });
    expect(updated).toMatchObject({ is_active: false, name: 'slack' });
    expect(JSON.parse(await requests.at(-1)!.body)).toEqual({ is_active: false });
    await client().testWebhook(created.id);
    await client().testWebhook(created.id);
    const [deliveries, total] = await client().getWebhookDeliveries(created.id, { limit: 1 });
    expect([deliveries.length, total]).toEqual([1, 2]);
    expect(await client().getWebhookDeliveries(created.id, { limit: 1 }).toArray()).toHaveLength(2);
    const { secret } = await client().regenerateWebhookSecret(created.id);
    expect(secret).not.toBe(created.secret);
    await expect(client().getWebhook(created.id)).resolves.toMatchObject({ id: created.id });
    await expect(client().deleteWebhook(created.id)).resolves.toBeUndefined();
    await expect(client().getWebhook(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
