import { useMockServer } from '@trainwire/testing';
import { describe, expect, it, vi } from 'vitest';
import { InvalidRequestError, MiddlemanClient, NotFoundError } from './index.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY, type MiddlemanMockState } from './mocks/index.js';

let state: MiddlemanMockState;
const { requests } = useMockServer(() => {
  const mock = createMiddlemanMock({ seed: 11, speed: 0 });
  state = mock.state;
  return mock.handlers;
});

const client = (options: ConstructorParameters<typeof MiddlemanClient>[0] = {}) =>
  new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, logLevel: 'off', maxRetries: 0, ...options });

/** Ids that would address another route, another resource, or the query if they were not one encoded segment. */
const ODD_IDS = [
  'a/b',
  '../api-keys',
  'job_1/cancel',
  '../../billing/balance',
  './x',
  '..\\..\\x',
  '?status=running',
  '#fragment',
  '%2e%2e',
  '%2F',
  '100%',
  '%',
  'ünïcødé',
  '🚀',
  'job:1',
  'C:\\x',
  'a b',
  ' ',
  '...',
  '.hidden',
  'x;y=z',
  'x&y',
  'x+y',
];

/** Every method that puts an id in the path, with the route the id fills and what the mock answers for a stranger. */
const PATH_METHODS: {
  name: string;
  route: (id: string) => [string, string, string?];
  call: (client: MiddlemanClient, id: string) => Promise<unknown>;
}[] = [
  { name: 'getJob', route: (id) => ['GET', `/jobs/${id}`], call: (c, id) => c.getJob(id) },
  { name: 'cancelJob', route: (id) => ['POST', `/jobs/${id}/cancel`], call: (c, id) => c.cancelJob(id) },
  { name: 'pauseJob', route: (id) => ['POST', `/jobs/${id}/pause`], call: (c, id) => c.pauseJob(id) },
  { name: 'resumeJob', route: (id) => ['POST', `/jobs/${id}/resume`], call: (c, id) => c.resumeJob(id) },
  { name: 'getJobLogs', route: (id) => ['GET', `/jobs/${id}/logs`], call: (c, id) => c.getJobLogs(id) },
  { name: 'waitForJob', route: (id) => ['GET', `/jobs/${id}`], call: (c, id) => c.waitForJob(id, { pollInterval: 1 }) },
  { name: 'revokeApiKey', route: (id) => ['DELETE', `/api-keys/${id}`], call: (c, id) => c.revokeApiKey(id) },
  { name: 'getWebhook', route: (id) => ['GET', `/webhooks/${id}`], call: (c, id) => c.getWebhook(id) },
  { name: 'updateWebhook', route: (id) => ['PATCH', `/webhooks/${id}`], call: (c, id) => c.updateWebhook(id, { is_active: false }) },
  { name: 'deleteWebhook', route: (id) => ['DELETE', `/webhooks/${id}`], call: (c, id) => c.deleteWebhook(id) },
  {
    name: 'regenerateWebhookSecret',
    route: (id) => ['POST', `/webhooks/${id}/regenerate-secret`],
    call: (c, id) => c.regenerateWebhookSecret(id),
  },
  { name: 'testWebhook', route: (id) => ['POST', `/webhooks/${id}/test`], call: (c, id) => c.testWebhook(id) },
  {
    name: 'getWebhookDeliveries',
    route: (id) => ['GET', `/webhooks/${id}/deliveries`, '?limit=20&offset=0'],
    call: (c, id) => Promise.resolve(c.getWebhookDeliveries(id)),
  },
];

/** The path as the server received it, split into raw (still encoded) segments after `/api/v1`. */
const receivedSegments = () => {
  const last = requests.at(-1);
  if (!last) throw new Error('nothing reached the server');
  return { method: last.method, segments: last.url.pathname.split('/').slice(3), search: last.url.search, hash: last.url.hash };
};

describe.each(PATH_METHODS)('$name', ({ route, call }) => {
  it.each(ODD_IDS)('sends %j as one encoded segment, which the server does not find', async (id) => {
    const error = await call(client(), id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(requests).toHaveLength(1);
    const [method, template, query = ''] = route('\u0000');
    const expected = template.split('/').slice(1);
    const { method: sent, segments, search, hash } = receivedSegments();
    expect(sent).toBe(method);
    expect(search).toBe(query);
    expect(hash).toBe('');
    expect(segments).toHaveLength(expected.length);
    const slot = expected.indexOf('\u0000');
    expect(decodeURIComponent(segments[slot] ?? '')).toBe(id);
    expect(segments.filter((_, index) => index !== slot)).toEqual(expected.filter((_, index) => index !== slot));
  });

  it.each(['.', '..', ''])('refuses %j with InvalidRequestError before sending', async (id) => {
    const error = await call(client(), id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toMatch(/^path\./);
    expect(requests).toEqual([]);
  });
});

describe('an id cannot address another resource', () => {
  it('getJob("<id>/cancel") does not cancel the job, and "../<id>" does not reach it', async () => {
    const [[job]] = await client().listJobs({ status: 'running' });
    const id = job?.id ?? '';
    for (const alias of [`${id}/cancel`, `../jobs/${id}`, `${id}/../${id}`, `${id}?`, `${id}#`]) {
      await expect(client().getJob(alias)).rejects.toBeInstanceOf(NotFoundError);
      await expect(client().cancelJob(alias)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(state.jobs.get(id)?.job.status).toBe('running');
  });

  it('a percent-escaped spelling of a real id is another id (the server decodes once)', async () => {
    const [[job]] = await client().listJobs({ limit: 1 });
    const id = job?.id ?? '';
    const spelled = [...id].map((character) => `%${character.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');
    await expect(client().getJob(spelled)).rejects.toBeInstanceOf(NotFoundError);
    expect(requests.at(-1)?.url.pathname).toBe(`/api/v1/jobs/${spelled.replaceAll('%', '%25')}`);
    await expect(client().getJob(id)).resolves.toMatchObject({ id });
  });

  it('revokeApiKey("../api-keys") revokes nothing: the client key still works', async () => {
    await expect(client().revokeApiKey('../api-keys')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client().revokeApiKey('%2E%2E')).rejects.toBeInstanceOf(NotFoundError);
    expect(state.apiKeys.some((key) => key.revoked)).toBe(false);
    await expect(client().getBalance()).resolves.toMatchObject({ available: expect.any(Number) });
  });
});

describe('ids in queries and bodies', () => {
  it.each(ODD_IDS)('uploadFile({jobId: %j}) sends it as the whole job_id query value', async (jobId) => {
    await client()
      .uploadFile(new Blob(['a']), { filename: 'a.txt', jobId })
      .catch(() => undefined);
    const ask = requests.find((request) => request.url.pathname === '/api/v1/data/upload-url');
    expect(ask?.url.searchParams.getAll('job_id')).toEqual([jobId]);
    expect([...(ask?.url.searchParams.keys() ?? [])]).toEqual(['job_id']);
    expect(ask?.url.hash).toBe('');
  });

  it.each(ODD_IDS)('getDownloadUrl sends the file path %j verbatim, and the URL it gets carries it as one segment', async (path) => {
    const [[job]] = await client().listJobs({ limit: 1 });
    const answer = await client().getDownloadUrl(job?.id ?? '', { path });
    const sent = JSON.parse(await (requests.at(-1)?.body ?? Promise.resolve('{}'))) as { path: string };
    expect(sent.path).toBe(path);
    const segments = new URL(answer.download_url).pathname.split('/');
    expect(decodeURIComponent(segments.at(-1) ?? '')).toBe(path);
    expect(segments.at(-2)).toBe(job?.id);
  });

  it.each(ODD_IDS)('getDownloadUrl(%j) sends the job id in the body and the server does not find it', async (jobId) => {
    await expect(client().getDownloadUrl(jobId, { path: 'model.pt' })).rejects.toBeInstanceOf(NotFoundError);
    const sent = JSON.parse(await (requests.at(-1)?.body ?? Promise.resolve('{}'))) as { job_id: string };
    expect(sent.job_id).toBe(jobId);
    expect(requests.at(-1)?.url.pathname).toBe('/api/v1/data/download-url');
  });

  it('getJobLogs sends `since` as one query value, whatever it holds', async () => {
    const [[job]] = await client().listJobs({ limit: 1 });
    const since = '2024-01-01T00:00:00Z&level=ERROR#x';
    await client()
      .getJobLogs(job?.id ?? '', { since })
      .catch(() => undefined);
    expect(requests.at(-1)?.url.searchParams.getAll('since')).toEqual([since]);
    expect([...(requests.at(-1)?.url.searchParams.keys() ?? [])]).toEqual(['since']);
  });
});

describe('header values with CR or LF', () => {
  const INJECTIONS = ['value\r\nX-Injected: 1', 'value\nX-Injected: 1', 'value\rX', 'value\u0000'];

  it.each(INJECTIONS)('an apiKey of %j is refused with InvalidRequestError that does not echo it', (apiKey) => {
    let error: unknown;
    try {
      client({ apiKey });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).not.toContain('X-Injected');
    expect(requests).toEqual([]);
  });

  it.each(INJECTIONS)('a default header of %j is refused when the client is made', (value) => {
    expect(() => client({ headers: { 'X-Team': value } })).toThrow(InvalidRequestError);
  });

  it.each(INJECTIONS)('a per-call header of %j is refused before sending', async (value) => {
    await expect(client().getBalance({ headers: { 'X-Team': value } })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      client().createJob({ script_path: '/s.py', input_data_path: '/d' }, { headers: { 'X-Team': value } }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(requests).toEqual([]);
  });

  it.each(INJECTIONS)('an idempotencyKey of %j is refused before sending', async (idempotencyKey) => {
    await expect(client().createJob({ script_path: '/s.py', input_data_path: '/d' }, { idempotencyKey })).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
    expect(requests).toEqual([]);
    expect(state.jobs.size).toBe(10);
  });

  it('a MIDDLEMAN_API_KEY with a line break inside is refused, not sent', async () => {
    vi.stubEnv('MIDDLEMAN_API_KEY', `${MIDDLEMAN_MOCK_API_KEY}\r\nX-Injected: 1`);
    try {
      expect(() => new MiddlemanClient({ logLevel: 'off' })).toThrow(InvalidRequestError);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(requests).toEqual([]);
  });
});
