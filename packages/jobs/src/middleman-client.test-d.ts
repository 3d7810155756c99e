import { describe, expectTypeOf, it } from 'vitest';
import type {
  ApiKey,
  CreditBalance,
  CreditPackage,
  DownloadUrl,
  JobCancelResponse,
  JobCreateResponse,
  JobDetail,
  LogEntry,
  MiddlemanClient,
  Transaction,
} from './index.js';

declare const client: MiddlemanClient;

describe('MiddlemanClient types', () => {
  it('offers withResponse and asResponse on every call, data typed as await gives it', async () => {
    expectTypeOf(await client.getJob('id')).toEqualTypeOf<JobDetail>();
    expectTypeOf(client.getJob('id').withResponse()).resolves.toEqualTypeOf<{
      data: JobDetail;
      response: Response;
      requestId: string | undefined;
    }>();
    expectTypeOf(client.createApiKey({ name: 'ci' }).withResponse())
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<[ApiKey, string]>();
    expectTypeOf(client.uploadFile(new Blob([])).withResponse())
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<string>();
    expectTypeOf(client.listJobs().withResponse()).resolves.toHaveProperty('data').toEqualTypeOf<[JobDetail[], number]>();
    expectTypeOf(client.getBalance().asResponse()).resolves.toEqualTypeOf<Response>();
    expectTypeOf(client.getBalance()).toMatchTypeOf<Promise<CreditBalance>>();
  });

  it('returns the documented shapes', () => {
    expectTypeOf(client.listJobs({ status: 'running', limit: 20 })).resolves.toEqualTypeOf<[JobDetail[], number]>();
    expectTypeOf(client.listJobs()[Symbol.asyncIterator]().next()).resolves.toMatchTypeOf<IteratorResult<JobDetail>>();
    expectTypeOf(client.getJob('id')).resolves.toEqualTypeOf<JobDetail>();
    expectTypeOf(client.getJob('id')).resolves.toHaveProperty('is_terminal').toEqualTypeOf<boolean>();
    expectTypeOf(client.createJob({ script_path: 's', input_data_path: 'd' })).resolves.toEqualTypeOf<JobCreateResponse>();
    expectTypeOf(client.cancelJob('id')).resolves.toEqualTypeOf<JobCancelResponse>();
    expectTypeOf(client.pauseJob('id')).resolves.toEqualTypeOf<JobDetail>();
    expectTypeOf(client.waitForJob('id', { timeout: 3_600_000 })).resolves.toEqualTypeOf<JobDetail>();
    expectTypeOf(client.streamJobStatus('id')).toEqualTypeOf<AsyncGenerator<JobDetail, void, undefined>>();
    expectTypeOf(client.getJobLogs('id')).resolves.toEqualTypeOf<LogEntry[]>();
    expectTypeOf(client.getBalance()).resolves.toEqualTypeOf<CreditBalance>();
    expectTypeOf(client.getPackages()).resolves.toEqualTypeOf<CreditPackage[]>();
    expectTypeOf(client.getTransactions({ limit: 50 })).resolves.toEqualTypeOf<[Transaction[], number]>();
    expectTypeOf(client.uploadFile('./data.zip', { jobId: 'id' })).resolves.toEqualTypeOf<string>();
    expectTypeOf(client.uploadFile(new Blob([]))).resolves.toEqualTypeOf<string>();
    expectTypeOf(client.getDownloadUrl('id', { path: 'outputs/model.pt' })).resolves.toEqualTypeOf<DownloadUrl>();
    expectTypeOf(client.listApiKeys()).resolves.toEqualTypeOf<ApiKey[]>();
    expectTypeOf(client.createApiKey({ name: 'CI' })).resolves.toEqualTypeOf<[ApiKey, string]>();
    expectTypeOf(client.revokeApiKey('id')).resolves.toEqualTypeOf<{ revoked: boolean }>();
  });

  it('refuses wrong params', () => {
    // @ts-expect-error gpu_type is t4, v100 or a100
    client.createJob({ script_path: 's', input_data_path: 'd', gpu_type: 'h100' });
    // @ts-expect-error framework is an enum
    client.createJob({ script_path: 's', input_data_path: 'd', framework: 'mxnet' });
    // @ts-expect-error script_path is required
    client.createJob({ input_data_path: 'd' });
    // @ts-expect-error environment values are strings
    client.createJob({ script_path: 's', input_data_path: 'd', environment_variables: { SEED: 1 } });
    // @ts-expect-error status is an enum
    client.listJobs({ status: 'exploded' });
    // @ts-expect-error the job id is positional and a string
    client.getJob({ job_id: 'x' });
    // @ts-expect-error scopes are read, write, admin
    client.createApiKey({ name: 'x', scopes: ['root'] });
    // @ts-expect-error uploadFile takes a path, a Blob or a stream
    client.uploadFile(42);
  });
});
