import { useMockServer } from '@trainwire/testing';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, MiddlemanClient, NotFoundError } from './index.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY } from './mocks/index.js';

const { requests } = useMockServer(() => createMiddlemanMock({ seed: 11, speed: 0 }).handlers);

const client = (options: ConstructorParameters<typeof MiddlemanClient>[0] = {}) =>
  new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off', ...options });

const JOB = { name: 'resnet', script_path: '/scripts/train.py', input_data_path: '/data/imagenet' };
const REQUEST_ID = /^req_[0-9a-f]{24}$/;

describe('MiddlemanClient raw responses', () => {
  it('withResponse gives the data as await does, the response and the mock x-request-id', async () => {
    const middleman = client();
    const { data, response, requestId } = await middleman.getBalance().withResponse();
    expect(data).toMatchObject({ available: expect.any(Number) });
    expect(response.status).toBe(200);
    expect(requestId).toMatch(REQUEST_ID);
    expect(requestId).toBe(response.headers.get('x-request-id'));
  });

  it('keeps the transformed data (is_terminal, [info, key]) with withResponse', async () => {
    const middleman = client();
    const created = await middleman.createJob(JOB).withResponse();
    const job = await middleman.getJob(created.data.id).withResponse();
    expect(job.data.is_terminal).toBe(false);
    expect(job.requestId).toMatch(REQUEST_ID);
    const key = await middleman.createApiKey({ name: 'ci' }).withResponse();
    expect(key.data[1]).toEqual(expect.any(String));
    expect(key.response.status).toBe(201);
  });

  it('asResponse gives the response with its body unread', async () => {
    const response = await client().listApiKeys().asResponse();
    expect(response.bodyUsed).toBe(false);
    expect(Array.isArray(await response.json())).toBe(true);
  });

  it('pages: withResponse gives the first [items, total] and its request id', async () => {
    const middleman = client();
    await middleman.createJob(JOB);
    const { data, requestId } = await middleman.listJobs({ limit: 1 }).withResponse();
    expect(data[0]).toHaveLength(1);
    expect(requestId).toMatch(REQUEST_ID);
  });

  it('waitForJob gives the last poll response; errors carry the request id', async () => {
    const seen: (string | null)[] = [];
    const fetch = async (request: Request) => {
      const response = await globalThis.fetch(request);
      seen.push(response.headers.get('x-request-id'));
      return response;
    };
    const middleman = client({ fetch });
    const { id: jobId } = await middleman.createJob(JOB);
    await middleman.cancelJob(jobId);
    const final = await middleman.waitForJob(jobId, { pollInterval: 1 }).withResponse();
    expect(final.data.is_terminal).toBe(true);
    expect(final.requestId).toMatch(REQUEST_ID);
    expect(final.requestId).toBe(seen.at(-1));
    expect(requests.length).toBe(seen.length);
    const error = await middleman
      .getJob('job_missing')
      .withResponse()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.requestId).toMatch(REQUEST_ID);
  });

  it('bad arguments still reject (not throw) from withResponse', async () => {
    const pending = client().getJobLogs('job', { since: new Date('nope') });
    await expect(pending.withResponse()).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('sends fetchOptions with the API calls and with the PUT of an upload', async () => {
    const inits: { method: string; init: RequestInit | undefined }[] = [];
    const fetch = async (request: Request, init?: RequestInit) => {
      inits.push({ method: request.method, init });
      return request.method === 'PUT' ? new Response(null, { status: 200, headers: { etag: '"v1"' } }) : globalThis.fetch(request);
    };
    const middleman = client({ fetch, fetchOptions: { keepalive: true, marker: 'client' } });
    const upload = await middleman.uploadFile(new File(['bytes'], 'a.txt'), {}, { fetchOptions: { marker: 'call' } }).withResponse();
    expect(upload.data).toMatch(/a\.txt$/);
    expect(upload.response.headers.get('etag')).toBe('"v1"');
    expect(inits.map(({ method }) => method)).toEqual(['POST', 'PUT']);
    for (const { init } of inits) expect(init).toMatchObject({ keepalive: true, marker: 'call' });
  });
});
