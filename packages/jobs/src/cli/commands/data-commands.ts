import type { CommandSpec } from '../cli-command.js';
import { UsageError } from '../cli-errors.js';
import { resolveJobId } from '../cli-jobs-format.js';
import { bytes, progressBar } from '../cli-output.js';
import { stringFlag } from '../cli-values.js';
import { requireId } from './jobs-commands.js';

const upload: CommandSpec = {
  path: ['data', 'upload'],
  summary: 'Upload a file to Middleman storage (streamed, with a progress bar)',
  args: ['<file>'],
  flags: {
    job: { type: 'string', short: 'j', valueName: 'JOB_ID', description: 'Associate the file with this job' },
    'content-type': { type: 'string', valueName: 'TYPE', description: 'Content type', defaultText: 'from the extension' },
  },
  examples: ['middleman data upload ./data.zip', 'middleman data upload ./data.zip --job 1a2b3c4d'],
  async run(context) {
    const file = context.positionals[0];
    if (!file) throw new UsageError('Missing the file to upload.');
    const client = await context.client();
    const job = stringFlag(context, 'job');
    const jobId = job ? await resolveJobId(client, job, context.signal) : undefined;
    const showBar = context.err.isTTY && !context.json;
    let lastDrawn = 0;
    const blobPath = await client.uploadFile(file, {
      jobId,
      contentType: stringFlag(context, 'content-type'),
      signal: context.signal,
      onProgress: ({ loaded, total }) => {
        if (!showBar) return;
        const now = Date.now();
        if (now - lastDrawn < 100 && loaded < total) return;
        lastDrawn = now;
        const fraction = total > 0 ? loaded / total : 1;
        const percent = String(Math.round(fraction * 100)).padStart(3);
        context.err.raw(`\r\x1b[2K${context.err.paint('green', progressBar(fraction, 30))} ${percent}% ${bytes(loaded)} / ${bytes(total)}`);
      },
    });
    if (showBar) context.err.raw('\r\x1b[2K');
    if (context.json) return void context.out.json({ blob_path: blobPath });
    context.out.line(`${context.out.paint('green', '✓')} Uploaded ${file}`);
    context.out.line(`  Path: ${context.out.paint('cyan', blobPath)}`);
    return undefined;
  },
};

const downloadUrl: CommandSpec = {
  path: ['data', 'download-url'],
  summary: "Get a download URL for a job's outputs",
  args: ['<job-id>'],
  flags: { path: { type: 'string', short: 'p', valueName: 'PATH', description: 'One file of the outputs' } },
  examples: [
    'middleman data download-url 1a2b3c4d',
    'middleman data download-url 1a2b3c4d --path outputs/model.pt',
    'curl -o model.pt "$(middleman data download-url 1a2b3c4d -p outputs/model.pt --json | jq -r .download_url)"',
  ],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, requireId(context), context.signal);
    const download = await client.getDownloadUrl(jobId, { path: stringFlag(context, 'path') }, { signal: context.signal });
    if (context.json) return void context.out.json(download);
    if (!context.out.isTTY) return void context.out.line(download.download_url);
    context.out.line(`${context.out.paint('green', 'Download URL')} (expires ${download.expires_at}):`);
    context.out.line(download.download_url);
    if (download.size_bytes) context.out.line(context.out.paint('dim', `Size: ${bytes(download.size_bytes)}`));
    return undefined;
  },
};

export const dataCommands: CommandSpec[] = [upload, downloadUrl];
