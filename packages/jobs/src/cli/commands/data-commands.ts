import type { CommandSpec } from '../cli-command.js';
import { resolveJobId } from '../cli-jobs-format.js';
import { liveBlock } from '../cli-live.js';
import { bytes, progressBar } from '../cli-output.js';
import { idArgument } from './jobs-commands.js';

const upload: CommandSpec<{ job?: string; contentType?: string }> = {
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
          const fraction = total > 0 ? loaded / total : 1;
          const percent = String(Math.round(fraction * 100)).padStart(3);
          bar.render([`${context.err.paint('green', progressBar(fraction, 30))} ${percent}% ${bytes(loaded)} / ${bytes(total)}`]);
        },
      })
      .finally(() => {
        bar?.clear();
        bar?.done();
      });
    if (context.json) return void context.out.json({ blob_path: blobPath });
    context.out.line(`${context.out.paint('green', '✓')} Uploaded ${file}`);
    context.out.line(`  Path: ${context.out.paint('cyan', blobPath)}`);
    return undefined;
  },
};

const downloadUrl: CommandSpec<{ path?: string }> = {
  path: ['data', 'download-url'],
  summary: "Get a download URL for a job's outputs",
  args: ['<job-id>'],
  options: [{ flags: '-p, --path <PATH>', description: 'One file of the outputs' }],
  examples: [
    'middleman data download-url 1a2b3c4d',
    'middleman data download-url 1a2b3c4d --path outputs/model.pt',
    'curl -o model.pt "$(middleman data download-url 1a2b3c4d -p outputs/model.pt --json | jq -r .download_url)"',
  ],
  async run(context) {
    const client = await context.client();
    const jobId = await resolveJobId(client, idArgument(context), context.signal);
    const download = await client.getDownloadUrl(jobId, { path: context.options.path }, { signal: context.signal });
    // The signed URL is what was asked for: shown as it is (output is otherwise redacted, URL signatures included).
    if (context.json) return void context.out.unredacted(JSON.stringify(download, null, 2));
    if (!context.out.isTTY) return void context.out.unredacted(download.download_url);
    context.out.line(`${context.out.paint('green', 'Download URL')} (expires ${download.expires_at}):`);
    context.out.unredacted(download.download_url);
    if (download.size_bytes) context.out.line(context.out.paint('dim', `Size: ${bytes(download.size_bytes)}`));
    return undefined;
  },
};

export const dataCommands: CommandSpec[] = [upload, downloadUrl];
