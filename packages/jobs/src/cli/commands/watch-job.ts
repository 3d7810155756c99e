import type { JobDetail } from '../../middleman-job.js';
import type { CommandSpec } from '../cli-command.js';
import { EXIT } from '../cli-errors.js';
import { epochText, paintStatus, resolveJobId } from '../cli-jobs-format.js';
import { liveBlock } from '../cli-live.js';
import { credits, duration, type Output, progressBar, sparkline } from '../cli-output.js';
import { idArgument } from './jobs-commands.js';

/** The exit code `jobs watch` ends with for a job's final status. */
export function exitCodeFor(status: string): number {
  if (status === 'completed') return EXIT.ok;
  if (status === 'cancelled') return EXIT.jobCancelled;
  return EXIT.jobFailed;
}

/** The live block: status, epoch bar, loss sparkline, elapsed time and credits. */
export function renderWatchBlock(out: Output, job: JobDetail, losses: readonly number[], now: number): string[] {
  const total = job.total_epochs ?? 0;
  const fraction = total > 0 ? job.current_epoch / total : 0;
  const start = Date.parse(job.started_at ?? job.created_at);
  const end = job.completed_at ? Date.parse(job.completed_at) : now;
  const width = Math.max(10, Math.min(30, out.columns - 40));
  const loss = job.current_loss === null ? '-' : job.current_loss.toFixed(4);
  return [
    `${out.paint('bold', `Job ${job.id.slice(0, 8)}`)}  ${job.name ?? ''}  ${paintStatus(out, job.status)}`,
    `Epoch    ${epochText(job).padEnd(7)} ${out.paint('green', progressBar(fraction, width))} ${String(Math.round(fraction * 100)).padStart(3)}%`,
    `Loss     ${loss.padEnd(7)} ${out.paint('cyan', sparkline(losses, width))}`,
    `Elapsed  ${duration(end - start)}   Credits ${out.paint('yellow', credits(job.actual_cost))} used, ${credits(job.reserved_credits)} reserved`,
  ];
}

/** A plain line for each change, when stdout is not a terminal. */
export function plainWatchLine(job: JobDetail): string {
  const loss = job.current_loss === null ? '' : ` loss=${job.current_loss.toFixed(4)}`;
  return `${new Date().toISOString()} ${job.status.padEnd(13)} epoch ${epochText(job)}${loss} credits=${job.actual_cost}`;
}

const watch: CommandSpec<{ interval: number }> = {
  path: ['jobs', 'watch'],
  summary: 'Watch a job until it ends (live block on a terminal, one line per change otherwise)',
  args: ['<job-id>'],
  options: [{ flags: '-i, --interval <SECONDS>', description: 'Poll interval in seconds', kind: 'seconds', default: 5 }],
  details:
    'Exit code: 0 when the job completes, 3 when it fails, 4 when it is cancelled, 130 on Ctrl-C (the job goes on), 1 on an API error.',
  examples: ['middleman jobs watch 1a2b3c4d', 'middleman jobs watch 1a2b3c4d -i 2 | tee watch.log', 'middleman jobs watch 1a2b3c4d --json'],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, idArgument(context), context.signal);
    const interval = context.options.interval * 1000;
    const live = context.out.isTTY && !context.json ? liveBlock(context.out) : undefined;
    const losses: number[] = [];
    let last: JobDetail | undefined;
    let previousLine = '';
    try {
      for await (const job of client.streamJobStatus(jobId, { pollInterval: interval, signal: context.signal })) {
        last = job;
        if (job.current_loss !== null && job.current_epoch > 0 && losses.length < job.current_epoch) losses.push(job.current_loss);
        if (context.json) context.out.line(JSON.stringify(job));
        else if (live) live.render(renderWatchBlock(context.out, job, losses, Date.now()));
        else {
          const line = plainWatchLine(job);
          if (line.slice(25) !== previousLine) context.out.line(line);
          previousLine = line.slice(25);
        }
      }
    } catch (error) {
      if (context.signal.aborted) {
        if (!context.json) context.err.line(`${live ? '' : '\n'}Stopped watching; the job goes on.`);
        return EXIT.interrupted;
      }
      throw error;
    } finally {
      live?.done();
    }
    const status = last?.status ?? 'failed';
    if (!context.json) {
      const mark = status === 'completed' ? context.out.paint('green', '✓') : context.out.paint('red', '✗');
      context.out.line(`${mark} Job finished with status: ${paintStatus(context.out, last?.status ?? 'failed')}`);
      if (last?.error_message) context.out.line(`  ${context.out.paint('red', last.error_message)}`);
    }
    return exitCodeFor(status);
  },
};

export const watchCommands: CommandSpec[] = [watch];
