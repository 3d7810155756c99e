import { NotFoundError } from '@trainwire/core';
import { MiddlemanClient } from '@trainwire/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxRequestEntry } from './request-scope.js';
import { sandboxServices } from './sandbox-services.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';
import { conformanceSandboxService } from './test-support/conformance-sandbox-service.js';

let sandbox: Pick<Sandbox, 'close'> | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** Start a sandbox with the Middleman mock (which sends its own request ids) and the conformance mock (which sends none). */
async function start(seed: number, log: SandboxRequestEntry[] = []) {
  const served = await startSandbox({
    services: { jobs: sandboxServices.jobs, conformance: conformanceSandboxService },
    seed,
    onRequest: (entry) => log.push(entry),
  });
  sandbox = served;
  return served;
}

/** The x-request-id of a few answers: the sandbox's own errors, a mock without ids, the Middleman mock. */
async function ids(seed: number) {
  const served = await start(seed);
  const key = { 'x-api-key': served.env.MIDDLEMAN_API_KEY as string };
  const answers = [
    await fetch(`${served.url}/nowhere`),
    await fetch(`${served.urls.jobs}/jobs?limit=500`, { headers: key }),
    await fetch(`${served.urls.conformance}/v1/runs`, { headers: { 'x-api-key': 'cf-sandbox-key' } }),
    await fetch(`${served.urls.jobs}/billing/balance`, { headers: key }),
  ];
  expect(answers.map((answer) => answer.status)).toEqual([404, 400, 200, 200]);
  await served.close();
  sandbox = undefined;
  return answers.map((answer) => answer.headers.get('x-request-id'));
}

describe('request ids', () => {
  it("puts an x-request-id on every answer: the mock's own, else the sandbox's; the same for the same seed", async () => {
    const first = await ids(21);
    expect(first.slice(0, 3)).toEqual([
      expect.stringMatching(/^req_sandbox_[0-9a-f]{16}$/),
      expect.stringMatching(/^req_sandbox_[0-9a-f]{16}$/),
      expect.stringMatching(/^req_sandbox_[0-9a-f]{16}$/),
    ]);
    expect(first[3]).toMatch(/^req_[0-9a-f]{24}$/);
    expect(new Set(first).size).toBe(4);
    expect(await ids(21)).toEqual(first);
    expect(await ids(22)).not.toEqual(first);
  });

  it('gives the client the request id of an error, and logs it with the request', async () => {
    const log: SandboxRequestEntry[] = [];
    const served = await start(1, log);
    const client = new MiddlemanClient({ apiKey: served.env.MIDDLEMAN_API_KEY, baseURL: served.urls.jobs, maxRetries: 0 });
    const error = await client.getJob('00000000-0000-4000-8000-000000000000').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).requestId).toMatch(/^req_[0-9a-f]{24}$/);
    expect(log.at(-1)).toMatchObject({ status: 404, requestId: (error as NotFoundError).requestId });
  });
});
