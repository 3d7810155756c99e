import { APIConnectionError } from '@trainwire/core';
import { closedPort, useMockServer } from '@trainwire/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MiddlemanClient } from '../middleman-client.js';
import { MIDDLEMAN_MOCK_API_KEY } from './jobs.js';
import { type MockedMiddleman, mockMiddleman } from './jobs-mocked-client.js';

let mock: MockedMiddleman;
const { requests } = useMockServer(() => {
  mock = mockMiddleman({ seed: 2, speed: 0 });
  return mock.handlers;
});

describe('mockMiddleman', () => {
  // The sandbox's export lines, left in the shell, pointing at a port where nothing listens.
  beforeEach(async () => {
    vi.stubEnv('MIDDLEMAN_API_URL', `http://127.0.0.1:${await closedPort()}/jobs`);
    vi.stubEnv('MIDDLEMAN_API_KEY', 'mdlm_from_the_shell');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('gives clients that talk to the mock whatever MIDDLEMAN_API_URL and MIDDLEMAN_API_KEY say', async () => {
    const client = mock.createClient();
    const job = await client.createJob({ name: 'pinned', script_path: '/train.py', input_data_path: '/data' });
    expect(mock.state.jobs.get(job.id)?.job.name).toBe('pinned');
    const again = await new MiddlemanClient(mock.clientOptions).getJob(job.id);
    expect(again.id).toBe(job.id);
    expect(requests.map((request) => request.url.origin)).toEqual(['https://api.middleman.run', 'https://api.middleman.run']);
    expect(requests.every((request) => request.headers.get('x-api-key') === MIDDLEMAN_MOCK_API_KEY)).toBe(true);
    expect(mock).toMatchObject({ baseURL: 'https://api.middleman.run/api/v1', apiKey: MIDDLEMAN_MOCK_API_KEY });
  });

  it('follows a baseURL and key of your own, and lets a client override its options', async () => {
    const own = mockMiddleman({ baseURL: 'https://middleman.test/api/v1', apiKey: 'mdlm_own_key_0123' });
    expect(own.clientOptions).toEqual({ baseURL: 'https://middleman.test/api/v1', apiKey: 'mdlm_own_key_0123' });
    const client = mock.createClient({ maxRetries: 0, headers: { 'x-test': 'yes' } });
    await client.getBalance();
    expect(requests[0]?.headers.get('x-test')).toBe('yes');
  });

  it('is needed: a client given only the mock key follows the environment past the mock', async () => {
    const unpinned = new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, maxRetries: 0 });
    await expect(unpinned.getBalance()).rejects.toBeInstanceOf(APIConnectionError);
  });
});
