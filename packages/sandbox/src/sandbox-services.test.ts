import { MiddlemanClient } from '@trainwire/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxServices } from './sandbox-services.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';
import { driveServices } from './test-support/drive-services.js';

let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('the default services', () => {
  it.each(Object.keys(sandboxServices) as (keyof typeof sandboxServices)[])(
    '%s: its SDK works against the sandbox and its mock keeps to its spec',
    async (name) => {
      sandbox = await startSandbox({ services: { [name]: sandboxServices[name] } as typeof sandboxServices, seed: 3, speed: 20 });
      const facts = await driveServices[name](sandbox.env);
      expect(Object.keys(facts).length).toBeGreaterThan(0);
      expect(sandbox.requests()[name]).toBeGreaterThan(2);
      expect(sandbox.violations()).toEqual([]);
    },
  );

  it('jobs: seeded jobs in every state, the same for the same seed, and uploads through the presigned URL', async () => {
    const list = async (seed: number) => {
      sandbox = await startSandbox({ services: { jobs: sandboxServices.jobs }, seed });
      const client = new MiddlemanClient({ baseURL: sandbox.urls.jobs, apiKey: sandbox.env.MIDDLEMAN_API_KEY });
      const jobs: string[] = [];
      for await (const job of client.listJobs()) jobs.push(`${job.id} ${job.status}`);
      await sandbox.close();
      sandbox = undefined;
      return jobs;
    };
    const first = await list(5);
    expect(await list(5)).toEqual(first);
    expect(await list(6)).not.toEqual(first);
    expect(new Set(first.map((line) => line.split(' ')[1])).size).toBeGreaterThanOrEqual(5);

    sandbox = await startSandbox({ services: { jobs: sandboxServices.jobs } });
    const facts = await driveServices.jobs(sandbox.env);
    expect(facts).toMatchObject({ status: 'queued', name: 'sandbox-test', blobPath: expect.stringMatching(/train\.jsonl$/) });
    expect([...sandbox.mocks.jobs.state.uploads.values()].map((upload) => upload.received)).toContain(4096);
  });
});
