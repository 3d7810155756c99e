import { bytes, envelopeLine, liveBlock, type Output, progressBar } from '@trainwire/cli-kit';
import type { MiddlemanCommand } from '../cli-context.js';
import { resolveJobId } from '../cli-jobs-format.js';
import { idArgument } from './jobs-commands.js';

const upload: MiddlemanCommand<{ job?: string; contentType?: string }> = {
  path: ['data', 'upload'],
  summary: 'Upload a file to Middleman storage (streamed, with a progress bar)',
  args: ['<file>'],
  options: [
    { flags: '-j, --job <JOB_ID>', description: 'Associate the file with this job' },
    { flags: '--content-type <TYPE>', description: 'Content type (default: from the extension)' },
  ],
  examples: ['middleman data upload ./data.zip', 'middleman data upload ./data.zip --job 1a2b3c4d'],
  async run(context) {
    const [file] = context.positionals as [string];
    const client = await context.client();
    const { job, contentType } = context.options;
    const jobId = job ? await resolveJobId(client, job, context.signal) : undefined;
    const bar = context.err.isTTY && !context.json ? liveBlock(context.err) : undefined;
    let lastDrawn = 0;
    const started = Date.now();
    const blobPath = await client
      .uploadFile(file, {
        jobId,
        contentType,
        signal: context.signal,
        onProgress: ({ loaded, total }) => {
          if (!bar) return;
          const now = Date.now();
          if (now - lastDrawn < 100 && loaded < total) return;
          lastDrawn = now;
          bar.render([uploadProgressLine(context.err, loaded, total, now - started)]);
        },
      })
      .finally(() => {
        bar?.clear();
        bar?.done();
      });
    if (context.json) return void context.emit({ blob_path: blobPath });
    context.out.line(`${context.out.paint('green', '✓')} Uploaded ${file}`);
    context.out.line(`  Path: ${context.out.paint('cyan', blobPath)}`);
    return undefined;
  },
};

/** `███░░  42% 420.0 MiB / 1.0 GiB  85.3 MiB/s  7s left`: the bar, the bytes, the speed so far and the time left at that speed. */
export function uploadProgressLine(err: Output, loaded: number, total: number, elapsedMs: number): string {
  const fraction = total > 0 ? loaded / total : 1;
  const percent = String(Math.round(fraction * 100)).padStart(3);
  const speed = elapsedMs > 0 ? (loaded / elapsedMs) * 1000 : 0;
  const left = speed > 0 && loaded < total ? `  ${remaining((total - loaded) / speed)} left` : '';
  return `${err.paint('green', progressBar(fraction, 30))} ${percent}% ${bytes(loaded)} / ${bytes(total)}  ${bytes(Math.round(speed))}/s${left}`;
}

function remaining(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

const downloadUrl: MiddlemanCommand<{ path?: string }> = {
  path: ['data', 'download-url'],
  summary: "Get a download URL for a job's outputs",
  args: ['<job-id>'],
  options: [{ flags: '-p, --path <PATH>', description: 'One file of the outputs' }],
  examples: [
    'middleman data download-url 1a2b3c4d',
    'middleman data download-url 1a2b3c4d --path outputs/model.pt',
    'curl -o model.pt "$(middleman data download-url 1a2b3c4d -p outputs/model.pt --json | jq -r .data.download_url)"',
  ],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, idArgument(context), context.signal);
    const download = await client.getDownloadUrl(jobId, { path: context.options.path }, { signal: context.signal });
    // The signed URL is what was asked for: shown as it is (output is otherwise redacted, URL signatures included).
    if (context.json) return void context.out.unredacted(envelopeLine(context.command, download));
    if (!context.out.isTTY) return void context.out.unredacted(download.download_url);
    context.out.line(`${context.out.paint('green', 'Download URL')} (expires ${download.expires_at}):`);
    context.out.unredacted(download.download_url);
    if (download.size_bytes) context.out.line(context.out.paint('dim', `Size: ${bytes(download.size_bytes)}`));
    return undefined;
  },
};

export const dataCommands: MiddlemanCommand[] = [upload, downloadUrl];
