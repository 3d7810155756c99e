import { duration, EXIT, liveBlock, type Output, progressBar, renderChart } from '@trainwire/cli-kit';
import type { JobDetail } from '../../middleman-job.js';
import type { MiddlemanCommand } from '../cli-context.js';
import { credits, epochText, paintStatus, resolveJobId } from '../cli-jobs-format.js';
import { idArgument } from './jobs-commands.js';

/** The exit code `jobs watch` ends with for a job's final status. */
export function exitCodeFor(status: string): number {
  if (status === 'completed') return EXIT.ok;
  if (status === 'cancelled') return EXIT.jobCancelled;
  return EXIT.jobFailed;
}

/** The live block: status, epoch bar, loss, elapsed time and credits, and the loss curve by epoch (the chart of cli-kit). */
export function renderWatchBlock(out: Output, job: JobDetail, losses: readonly (readonly [number, number])[], now: number): string[] {
  const total = job.total_epochs ?? 0;
  const fraction = total > 0 ? job.current_epoch / total : 0;
  const start = Date.parse(job.started_at ?? job.created_at);
  const end = job.completed_at ? Date.parse(job.completed_at) : now;
  const width = Math.max(10, Math.min(30, out.columns - 40));
  const loss = job.current_loss === null ? '-' : job.current_loss.toFixed(4);
  const chart =
    losses.length >= 2
      ? renderChart([{ name: 'loss', points: losses }], { width: out.columns, height: 8, color: out.color, xLabel: 'epoch' })
      : '';
  return [
    `${out.paint('bold', `Job ${job.id.slice(0, 8)}`)}  ${job.name ?? ''}  ${paintStatus(out, job.status)}`,
    `Epoch    ${epochText(job).padEnd(7)} ${out.paint('green', progressBar(fraction, width))} ${String(Math.round(fraction * 100)).padStart(3)}%`,
    `Loss     ${loss}`,
    `Elapsed  ${duration(end - start)}   Credits ${out.paint('yellow', credits(job.actual_cost))} used, ${credits(job.reserved_credits)} reserved`,
    ...(chart ? chart.replace(/\s+$/, '').split('\n') : []),
  ];
}

/** A plain line for each change, when stdout is not a terminal. */
export function plainWatchLine(job: JobDetail): string {
  const loss = job.current_loss === null ? '' : ` loss=${job.current_loss.toFixed(4)}`;
  return `${new Date().toISOString()} ${job.status.padEnd(13)} epoch ${epochText(job)}${loss} credits=${job.actual_cost}`;
}

const watch: MiddlemanCommand<{ interval: number }> = {
  path: ['jobs', 'watch'],
  summary: 'Watch a job until it ends (live status and loss chart on a terminal, one line per change otherwise)',
  args: ['<job-id>'],
  options: [{ flags: '-i, --interval <SECONDS>', description: 'Poll interval in seconds', kind: 'seconds', default: 5 }],
  details:
    'With --json, one envelope line per poll. Exit code: 0 when the job completes, 3 when it fails, 4 when it is cancelled, 130 on Ctrl-C (the job goes on), 1 on an API error.',
  examples: ['middleman jobs watch 1a2b3c4d', 'middleman jobs watch 1a2b3c4d -i 2 | tee watch.log', 'middleman jobs watch 1a2b3c4d --json'],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, idArgument(context), context.signal);
    const interval = context.options.interval * 1000;
    const live = context.out.isTTY && !context.json ? liveBlock(context.out) : undefined;
    const losses: [number, number][] = [];
    let last: JobDetail | undefined;
    let previousLine = '';
    try {
      for await (const job of client.streamJobStatus(jobId, { pollInterval: interval, signal: context.signal })) {
        last = job;
        if (job.current_loss !== null && job.current_epoch > (losses.at(-1)?.[0] ?? 0)) losses.push([job.current_epoch, job.current_loss]);
        if (context.json) context.emit(job);
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

export const watchCommands: MiddlemanCommand[] = [watch];
