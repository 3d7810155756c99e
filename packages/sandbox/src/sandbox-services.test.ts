import { MiddlemanClient } from '@trainwire/jobs';
import { afterEach, describe, expect, it } from 'vitest';
import { type SandboxServiceName, sandboxServices } from './sandbox-services.js';
import { startSandbox } from './start-sandbox.js';
import { driveServices } from './test-support/drive-services.js';

const open: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((sandbox) => sandbox.close()));
});

async function serve<Name extends SandboxServiceName>(name: Name, seed = 1) {
  const sandbox = await startSandbox({
    services: { [name]: sandboxServices[name] } as Pick<typeof sandboxServices, Name>,
    seed,
    speed: 20,
  });
  open.push(sandbox);
  return sandbox;
}

describe('the default services', () => {
  it.each(Object.keys(sandboxServices) as SandboxServiceName[])(
    '%s: its SDK works against the sandbox and its mock keeps to its spec',
    async (name) => {
      const sandbox = await serve(name, 3);
      const facts = await driveServices[name](sandbox.env);
      expect(Object.keys(facts).length).toBeGreaterThan(0);
      expect((sandbox.requests() as Record<string, number>)[name]).toBeGreaterThan(2);
      expect(sandbox.violations()).toEqual([]);
    },
  );

  it('jobs: seeded jobs in many states, the same for the same seed, and uploads through the presigned URL', async () => {
    const list = async (seed: number) => {
      const sandbox = await serve('jobs', seed);
      const client = new MiddlemanClient({ baseURL: sandbox.urls.jobs, apiKey: sandbox.env.MIDDLEMAN_API_KEY });
      const jobs: string[] = [];
      for await (const job of client.listJobs()) jobs.push(`${job.id} ${job.status}`);
      await sandbox.close();
      return jobs;
    };
    const first = await list(5);
    expect(await list(5)).toEqual(first);
    expect(await list(6)).not.toEqual(first);
    expect(new Set(first.map((line) => line.split(' ')[1])).size).toBeGreaterThanOrEqual(5);

    const sandbox = await serve('jobs');
    const facts = await driveServices.jobs(sandbox.env);
    expect(facts).toMatchObject({ status: 'queued', name: 'sandbox-test', blobPath: expect.stringMatching(/train\.jsonl$/) });
    expect([...sandbox.mocks.jobs.state.uploads.values()].map((upload) => upload.received)).toContain(4096);
  });

  it('metrics: ingests 1000 points through the ingestor (exactly once each), compares them, lists the seeded experiments', async () => {
    const sandbox = await serve('metrics');
    const facts = await driveServices.metrics(sandbox.env);
    expect(facts).toMatchObject({ accepted: 1000, failed: 0, compared: 5 });
    expect(facts.experiments).toBeGreaterThan(1);
  });

  it('runicorn: lists the seeded experiments, reads curves and exports CSV (built by the client after the viewer’s 501)', async () => {
    const sandbox = await serve('runicorn');
    expect(sandbox.env).toEqual({ RUNICORN_BASE_URL: sandbox.urls.runicorn });
    const facts = await driveServices.runicorn(sandbox.env);
    expect(facts.experiments).toBeGreaterThan(1);
    expect(facts.series).toContain('loss');
    expect(facts.csvLines).toBeGreaterThan(2);
  });

  it('tinker: trains, saves a checkpoint, pages checkpoints, gets its archive URL, publishes it, sets a TTL, reads the audit log', async () => {
    const sandbox = await serve('tinker');
    const facts = await driveServices.tinker(sandbox.env);
    expect(facts).toMatchObject({ loss: expect.any(Number), path: expect.stringMatching(/^tinker:\/\/.+\/weights\/sandbox-step$/) });
    expect(facts.checkpoints).toContain('weights/sandbox-step');
    expect(facts.pages).toBeGreaterThan(1);
    expect(facts.archiveUrl).toMatch(/^https:\/\//);
    expect(facts.auditEntries).toBeGreaterThan(0);
  });

  it('tinker: passes a protobuf forward_backward (a media type the spec declares) to the mock, and refuses an undeclared one', async () => {
    const sandbox = await serve('tinker');
    const post = (type: string, body: Uint8Array<ArrayBuffer>) =>
      fetch(`${sandbox.urls.tinker}/api/v1/forward_backward`, {
        method: 'POST',
        headers: { 'x-api-key': sandbox.env.TINKER_API_KEY ?? '', 'content-type': type },
        body,
      });
    // A ForwardBackwardRequest with only a model_id (field 1): decoded by the mock (its `detail` answer), which finds no batch in it.
    const protobuf = await post('application/x-protobuf', new Uint8Array([0x0a, 0x04, ...new TextEncoder().encode('nope')]));
    expect(protobuf.status).toBe(400);
    expect((await protobuf.json()).detail).toMatch(/^Invalid forward_backward request: forward_backward_input\./);
    const other = await post('application/x-msgpack', new Uint8Array([0x80]));
    expect(other.status).toBe(415);
    expect((await other.json()).error.message).toBe(
      'forwardBackward (POST /api/v1/forward_backward): body must be application/json or application/x-protobuf, got application/x-msgpack',
    );
    expect(sandbox.violations()).toEqual([]);
  });

  it('tensafe: trains, pulls the encrypted artifact (decrypted with the tenant of the key) and verifies the audit chain', async () => {
    const sandbox = await serve('tensafe');
    expect(sandbox.env.TS_TENANT_ID).toMatch(/^tenant-[0-9a-f]{8}$/);
    const facts = await driveServices.tensafe(sandbox.env);
    expect(facts).toMatchObject({ chain: true, artifactBytes: expect.any(Number) });
    // Without TS_TENANT_ID the SDK derives the same tenant from the key, so the artifact still decrypts.
    const { TS_TENANT_ID: _tenant, ...withoutTenant } = sandbox.env;
    expect(await driveServices.tensafe(withoutTenant)).toMatchObject({ chain: true });
    expect(facts.artifactBytes).toBeGreaterThan(0);
    expect(facts.audit).toBeGreaterThan(2);
  });
});
