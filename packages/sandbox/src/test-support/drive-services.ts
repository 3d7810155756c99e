import { MiddlemanClient } from '@trainwire/jobs';
import type { SandboxServiceName } from '../sandbox-services.js';

/**
 * For every service the sandbox serves by default: a short, realistic session through the service's
 * SDK, configured only from the sandbox's env lines. Each returns facts a test can check.
 */
export const driveServices: Record<SandboxServiceName, (env: Record<string, string>) => Promise<Record<string, unknown>>> = {
  async jobs(env) {
    const client = new MiddlemanClient({ baseURL: env.MIDDLEMAN_API_URL, apiKey: env.MIDDLEMAN_API_KEY, maxRetries: 0 });
    const balance = await client.getBalance();
    const blobPath = await client.uploadFile(new Blob([new Uint8Array(4096).fill(1)]), { filename: 'train.jsonl' });
    const created = await client.createJob({ name: 'sandbox-test', script_path: 'train.py', input_data_path: blobPath });
    let listed = 0;
    for await (const _job of client.listJobs()) listed += 1;
    const job = await client.getJob(created.id);
    return { available: balance.available, blobPath, status: created.status, listed, name: job.name };
  },
};
