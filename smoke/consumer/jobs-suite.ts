// The Middleman part of the consumer smoke test (@trainwire/jobs) against the sandbox: create a job
// and wait for it to end, page through the jobs, upload a Blob through the presigned URL, and, in a
// browser, check that uploading by file path says it needs Node.
import { MiddlemanClient, NodeOnlyError, TERMINAL_JOB_STATUSES } from '@trainwire/jobs';
import { check, type StepListener, type StepResult, Steps } from './steps.js';

/** Where the sandbox serves Middleman (its `MIDDLEMAN_*` lines). */
export interface JobsTarget {
  baseURL: string;
  apiKey: string;
}

/** Run the Middleman steps; `browser` adds the Node-only check. */
export async function runJobsSuite(target: JobsTarget, listener: StepListener | undefined, browser: boolean): Promise<StepResult[]> {
  const steps = new Steps('jobs', listener);
  const client = new MiddlemanClient({ baseURL: target.baseURL, apiKey: target.apiKey, maxRetries: 3, logLevel: 'error' });

  await steps.step('Middleman createJob + waitForJob', async () => {
    const created = await client.createJob({
      name: 'smoke',
      script_path: 'train.py',
      input_data_path: 'datasets/smoke.jsonl',
      max_runtime_hours: 1,
    });
    const done = await client.waitForJob(created.id, { pollInterval: 50, timeout: 60_000 });
    check(TERMINAL_JOB_STATUSES.has(done.status) && done.is_terminal, `job ${created.id} ended in a non-terminal status ${done.status}`);
    check(done.status === 'completed', `job ${created.id} ended ${done.status}, expected completed`);
    return `${created.id}: ${created.status} → ${done.status}, estimated ${created.estimated_cost} credits`;
  });

  await steps.step('Middleman listJobs (every page)', async () => {
    let count = 0;
    for await (const job of client.listJobs({ limit: 5 })) {
      check(typeof job.id === 'string', 'a listed job has no id');
      count += 1;
    }
    const [firstPage, total] = await client.listJobs({ limit: 5 });
    check(count === total && firstPage.length === Math.min(5, total), `walked ${count} jobs, the server counts ${total}`);
    return `${count} jobs over ${Math.ceil(count / 5)} pages`;
  });

  await steps.step('Middleman uploadFile(Blob) via presigned PUT', async () => {
    const bytes = new TextEncoder().encode('{"prompt":"hi","completion":"there"}\n'.repeat(100));
    const seen: number[] = [];
    const path = await client.uploadFile(new Blob([bytes], { type: 'application/jsonl' }), {
      filename: 'smoke.jsonl',
      onProgress: ({ loaded }) => seen.push(loaded),
    });
    check(typeof path === 'string' && path.length > 0, `upload returned ${String(path)}`);
    check(seen.at(-1) === bytes.length, `progress ended at ${seen.at(-1)} of ${bytes.length}`);
    return `${bytes.length} bytes → ${path}`;
  });

  if (browser) {
    const nodeOnly = new Steps('node-only', listener);
    await nodeOnly.step('Middleman uploadFile(path) needs Node', async () => {
      const error = await client.uploadFile('/tmp/data.jsonl').then(
        () => undefined,
        (caught: unknown) => caught,
      );
      check(error instanceof NodeOnlyError, `expected NodeOnlyError, got ${String(error)}`);
      check(/Node/.test(error.message), `the message does not say it needs Node: ${error.message}`);
      return `NodeOnlyError: ${error.message}`;
    });
    steps.results.push(...nodeOnly.results);
  }
  return steps.results;
}
