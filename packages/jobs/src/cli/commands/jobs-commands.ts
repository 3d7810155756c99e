import { confirm, UsageError } from '@trainwire/cli-kit';
import { APIError, InvalidRequestError, sleep } from '@trainwire/core';
import type { LogEntry } from '../../middleman-client.js';
import type { Framework, GpuType, JobStatus } from '../../middleman-job.js';
import type { MiddlemanCommand, MiddlemanContext } from '../cli-context.js';
import { credits, epochText, jobRow, paintStatus, resolveJobId, statusSymbol } from '../cli-jobs-format.js';
import { beginPending, endPending, requestFingerprint } from '../pending-operations.js';

const list: MiddlemanCommand<{ status?: JobStatus; limit: number; offset: number; all?: boolean }> = {
  path: ['jobs', 'list'],
  summary: 'List your training jobs, newest first',
  args: [],
  options: [
    { flags: '-s, --status <STATUS>', description: 'Only jobs in this status (queued, running, completed, ...)' },
    { flags: '-l, --limit <N>', description: 'Jobs to show (1-100)', kind: 'integer', default: 20 },
    { flags: '--offset <N>', description: 'Jobs to skip', kind: 'integer', default: 0 },
    { flags: '-a, --all', description: 'Every job, page after page' },
  ],
  examples: ['middleman jobs list', 'middleman jobs list --status running --limit 5', 'middleman jobs list --all --json'],
  async run(context) {
    const client = await context.client();
    const { status, limit, offset, all } = context.options;
    const listing = client.listJobs({ status, limit, offset }, { signal: context.signal });
    const [jobs, total] = all ? [await listing.toArray(), undefined] : await listing;
    const shownTotal = total ?? jobs.length;
    if (context.json) return void context.emit(jobs, { total: shownTotal });
    if (jobs.length === 0) return void context.out.line(context.out.paint('dim', 'No jobs found.'));
    context.out.table(
      ['ID', 'NAME', 'STATUS', 'GPU', 'PROGRESS', 'COST'],
      jobs.map((job) => jobRow(context.out, job)),
      { title: `Training Jobs (${jobs.length} of ${shownTotal})`, right: [5] },
    );
    return undefined;
  },
};

interface CreateOptions {
  name?: string;
  gpu: GpuType;
  gpuCount: number;
  framework: Framework;
  maxHours: number;
  requirements?: string;
  checkpointFrequency: number;
  env?: string[];
  idempotencyKey?: string;
}

const create: MiddlemanCommand<CreateOptions> = {
  path: ['jobs', 'create'],
  summary: 'Create a training job (its estimated cost is reserved)',
  args: ['<script>', '<data>'],
  options: [
    { flags: '-n, --name <NAME>', description: 'Job name' },
    { flags: '-g, --gpu <TYPE>', description: 'GPU type: t4, v100, a100', default: 't4' },
    { flags: '-c, --gpu-count <N>', description: 'Number of GPUs (1-8)', kind: 'integer', default: 1 },
    { flags: '-f, --framework <NAME>', description: 'pytorch, tensorflow or jax', default: 'pytorch' },
    { flags: '-h, --max-hours <N>', description: 'Maximum runtime hours (1-72)', kind: 'integer', default: 4 },
    { flags: '-r, --requirements <FILE>', description: 'Requirements file' },
    { flags: '--checkpoint-frequency <N>', description: 'Epochs between checkpoints', kind: 'integer', default: 10 },
    {
      flags: '-e, --env <KEY=VALUE>',
      description: 'Environment variable (repeatable; values are never printed)',
      kind: 'repeatable',
    },
    {
      flags: '--idempotency-key <KEY>',
      description: 'Key that makes re-sending this create safe (default: a new one, kept until it finishes)',
    },
  ],
  details: [
    'In this command -h is --max-hours, as in the Python CLI; use --help for help.',
    'The Idempotency-Key of a create is saved (in the config folder, pending.json) before it is sent and forgotten once the',
    'server answers: running the same command again after a crash, a kill or a lost connection re-sends it with the same key,',
    'so the server creates one job and reserves its credits once.',
  ].join('\n'),
  examples: [
    'middleman jobs create /scripts/train.py /data/dataset --name "My Training Run" --gpu a100 --gpu-count 2 --framework pytorch --max-hours 8',
    'middleman jobs create train.py /data/imagenet -g v100 -e WANDB_API_KEY=$WANDB_API_KEY',
  ],
  async run(context) {
    const [script, data] = context.positionals as [string, string];
    const { options } = context;
    const client = await context.client();
    const body = {
      script_path: script,
      input_data_path: data,
      name: options.name,
      gpu_type: options.gpu,
      gpu_count: options.gpuCount,
      framework: options.framework,
      max_runtime_hours: options.maxHours,
      requirements_file: options.requirements,
      checkpoint_frequency: options.checkpointFrequency,
      environment_variables: environment(options.env ?? []),
    };
    const { apiKey, baseURL } = await context.settings();
    const fingerprint = requestFingerprint(['jobs create', client.baseURL ?? baseURL, requestFingerprint([apiKey]), body]);
    const { operation, resumed } = await beginPending(context.io, 'jobs create', fingerprint, options.idempotencyKey);
    if (resumed)
      context.err.line(
        context.err.paint(
          'yellow',
          `Re-sending an unfinished create from ${operation.started_at} with its idempotency key: no second job is made.`,
        ),
      );
    let created: Awaited<ReturnType<typeof client.createJob>>;
    try {
      created = await client.createJob(body, { signal: context.signal, idempotencyKey: operation.idempotency_key });
    } catch (error) {
      // A refusal (a bad request, no credits) is final; anything else may have reached the server.
      if (
        error instanceof InvalidRequestError ||
        (error instanceof APIError && error.status >= 400 && error.status < 500 && ![408, 409, 429].includes(error.status))
      )
        await endPending(context.io, operation);
      else context.err.line(`The create may have reached the server: run the same command again to finish it without a second job.`);
      throw error;
    }
    await endPending(context.io, operation);
    if (context.json) return void context.emit(created);
    const { out } = context;
    out.line(out.paint('green', '✓ Job created'));
    out.fields([
      ['ID', out.paint('cyan', created.id)],
      ['Status', paintStatus(out, created.status)],
      ['Queue position', String(created.queue_position)],
      ['Estimated cost', `${credits(created.estimated_cost)} credits`],
      ['Reserved', `${credits(created.reserved_credits)} credits`],
    ]);
    out.line();
    out.line(`Run ${out.paint('cyan', `middleman jobs watch ${created.id.slice(0, 8)}`)} to follow it.`);
    return undefined;
  },
};

function environment(pairs: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0)
      throw new UsageError(`--env needs KEY=VALUE (got a value without "=" for ${pair.split('=')[0] || 'an empty name'}).`);
    result[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return result;
}

const status: MiddlemanCommand = {
  path: ['jobs', 'status'],
  summary: 'Show a job: status, progress, paths, cost and timing',
  args: ['<job-id>'],
  options: [],
  details: 'A job id may be shortened to a unique prefix (e.g. the 8 characters `jobs list` shows).',
  examples: ['middleman jobs status 1a2b3c4d', 'middleman jobs status 1a2b3c4d --json'],
  async run(context) {
    const client = await context.client();
    const job = await client.getJob(await resolveJobId(client, idArgument(context), context.signal), { signal: context.signal });
    if (context.json) return void context.emit(job);
    const { out } = context;
    out.line(out.paint('bold', `Job ${job.id}`));
    out.fields([
      ['Status', `${statusSymbol(out, job.status)}${paintStatus(out, job.status)}`],
      ['Name', job.name ?? '-'],
      ['GPU', `${out.paint('magenta', job.gpu_type)} × ${job.gpu_count}`],
      ['Framework', job.framework],
      ['Epoch', epochText(job)],
      ['Loss', job.current_loss === null ? '-' : job.current_loss.toFixed(4)],
      ['Script', job.script_path],
      ['Data', job.input_data_path],
      ['Reserved', `${credits(job.reserved_credits)} credits`],
      ['Actual cost', `${credits(job.actual_cost)} credits`],
      ['Created', job.created_at],
      ['Started', job.started_at ?? '-'],
      ['Completed', job.completed_at ?? '-'],
      ...(job.error_message ? ([['Error', out.paint('red', job.error_message)]] as [string, string][]) : []),
    ]);
    return undefined;
  },
};

const cancel: MiddlemanCommand<{ yes?: boolean }> = {
  path: ['jobs', 'cancel'],
  summary: 'Cancel a queued, running or paused job (unused credits are refunded)',
  args: ['<job-id>'],
  options: [{ flags: '-y, --yes', description: 'Skip the confirmation' }],
  examples: ['middleman jobs cancel 1a2b3c4d', 'middleman jobs cancel 1a2b3c4d --yes'],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, idArgument(context), context.signal);
    await confirmOrFail(context, `Cancel job ${jobId.slice(0, 8)}?`);
    const result = await client.cancelJob(jobId, { signal: context.signal });
    if (context.json) return void context.emit(result);
    context.out.line(`${context.out.paint('green', '✓')} Job ${context.out.paint('cyan', jobId.slice(0, 8))} cancelled.`);
    context.out.line(`  Refunded: ${context.out.paint('yellow', credits(result.refunded_credits))} credits`);
    return undefined;
  },
};

const pause: MiddlemanCommand = {
  path: ['jobs', 'pause'],
  summary: 'Pause a running job',
  args: ['<job-id>'],
  options: [],
  examples: ['middleman jobs pause 1a2b3c4d'],
  async run(context) {
    const client = await context.client();
    const job = await client.pauseJob(await resolveJobId(client, idArgument(context), context.signal), { signal: context.signal });
    if (context.json) return void context.emit(job);
    context.out.line(`${context.out.paint('green', '✓')} Job ${context.out.paint('cyan', job.id.slice(0, 8))} paused.`);
    context.out.line(`  Status: ${paintStatus(context.out, job.status)}`);
    return undefined;
  },
};

const resume: MiddlemanCommand = {
  path: ['jobs', 'resume'],
  summary: 'Resume a paused job',
  args: ['<job-id>'],
  options: [],
  examples: ['middleman jobs resume 1a2b3c4d'],
  async run(context) {
    const client = await context.client();
    const job = await client.resumeJob(await resolveJobId(client, idArgument(context), context.signal), { signal: context.signal });
    if (context.json) return void context.emit(job);
    context.out.line(`${context.out.paint('green', '✓')} Job ${context.out.paint('cyan', job.id.slice(0, 8))} resuming.`);
    context.out.line(`  Status: ${paintStatus(context.out, job.status)}`);
    return undefined;
  },
};

const LEVEL_STYLES = { ERROR: 'red', WARNING: 'yellow', INFO: 'bold', DEBUG: 'dim' } as const;

const logs: MiddlemanCommand<{ follow?: boolean; since?: string; interval: number }> = {
  path: ['jobs', 'logs'],
  summary: "Show a job's log lines",
  args: ['<job-id>'],
  options: [
    { flags: '-f, --follow', description: 'Keep printing new lines until the job ends' },
    { flags: '--since <TIME>', description: 'Only lines after this time: a duration ago (30m, 1h, 2d) or an ISO date-time', kind: 'time' },
    { flags: '-i, --interval <SECONDS>', description: 'Poll interval with --follow', kind: 'seconds', default: 2 },
  ],
  examples: [
    'middleman jobs logs 1a2b3c4d',
    'middleman jobs logs 1a2b3c4d --follow',
    'middleman jobs logs 1a2b3c4d --since 1h',
    'middleman jobs logs 1a2b3c4d --since 2026-10-01T10:00:00Z --json | jq -r .data.message',
  ],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, idArgument(context), context.signal);
    let { since } = context.options;
    const interval = context.options.interval * 1000;
    let printed = 0;
    while (true) {
      const lines = await client.getJobLogs(jobId, { since }, { signal: context.signal });
      for (const entry of lines) printLogLine(context, entry);
      printed += lines.length;
      since = lines.at(-1)?.timestamp ?? since;
      if (!context.options.follow) break;
      const job = await client.getJob(jobId, { signal: context.signal });
      if (job.is_terminal) {
        const rest = await client.getJobLogs(jobId, { since }, { signal: context.signal });
        for (const entry of rest) printLogLine(context, entry);
        printed += rest.length;
        break;
      }
      await sleep(interval, context.signal).catch(() => undefined);
      if (context.signal.aborted) break;
    }
    if (printed === 0 && !context.json) context.out.line(context.out.paint('dim', 'No logs available yet.'));
    return undefined;
  },
};

function printLogLine(context: MiddlemanContext, entry: LogEntry): void {
  if (context.json) return void context.emit(entry);
  const level = context.out.paint(LEVEL_STYLES[entry.level], entry.level.padEnd(7));
  context.out.line(`${context.out.paint('dim', entry.timestamp.slice(0, 19))} ${level} ${entry.message}`);
}

/** The command's one argument (`<job-id>`, `<key-id>`), which commander made sure was given. */
export function idArgument(context: MiddlemanContext): string {
  return context.positionals[0] as string;
}

/** Ask before a destructive action; without a terminal, `--yes` is required. */
export async function confirmOrFail(context: MiddlemanContext<{ yes?: boolean }>, question: string): Promise<void> {
  if (context.options.yes) return;
  if (!context.io.stdin.isTTY) throw new UsageError(`${question} Pass --yes to confirm when not at a terminal.`);
  if (!(await confirm(context.io, question, context.signal))) throw new UsageError('Not confirmed; nothing was changed.');
}

export const jobsCommands: MiddlemanCommand[] = [list, create, status, cancel, pause, resume, logs];
