import { seededToken } from '@trainwire/core/mock-kit';
import { HttpResponse } from 'msw';
import type { components } from '../generated/jobs.js';
import { detail, type HandlerGroup, jobNotFound, once, readJson, validationError } from './jobs-mock-http.js';
import type { MockJob } from './jobs-state.js';

type Schemas = components['schemas'];

/** Data: presigned upload URLs and the PUT they accept; download URLs and the bytes they serve. */
export const dataHandlers: HandlerGroup = (context) => {
  const { base, storage, state, http } = context;
  return [
    http.post(`${base}/data/upload-url`, ({ request }) =>
      once(context, request, (text) => {
        const parsed = readJson(text);
        if ('response' in parsed) return parsed.response;
        const body = parsed.value as Partial<Schemas['UploadUrlRequest']> | undefined;
        const jobId = new URL(request.url).searchParams.get('job_id');
        if (!body?.filename || !body.content_type || !Number.isInteger(body.size_bytes) || (body.size_bytes ?? -1) < 0) {
          return validationError([{ loc: ['body'], msg: 'filename, content_type and size_bytes are required', type: 'missing' }]);
        }
        if (jobId && !state.jobs.has(jobId)) return jobNotFound(jobId);
        if ((body.size_bytes ?? 0) > 50 * 1024 ** 3) return detail(413, 'Files are limited to 50 GiB');
        const token = seededToken(state.random, 24);
        const blobPath = `uploads/${jobId ?? 'unassigned'}/${token.slice(0, 8)}/${body.filename}`;
        state.uploads.set(token, {
          blob_path: blobPath,
          filename: body.filename,
          content_type: body.content_type,
          size_bytes: body.size_bytes as number,
          job_id: jobId,
          received: undefined,
          data: undefined,
          headers: undefined,
        });
        const expires = new Date(Date.now() + 3_600_000).toISOString();
        return HttpResponse.json({
          upload_url: `${storage}/upload/${token}?signature=${seededToken(state.random, 32)}`,
          blob_path: blobPath,
          expires_at: expires,
        });
      }),
    ),
    http.put(`${storage}/upload/:token`, async ({ request, params }) => {
      const upload = state.uploads.get(String(params.token));
      if (!upload || !new URL(request.url).searchParams.get('signature')) return new HttpResponse('AccessDenied', { status: 403 });
      if (upload.received !== undefined) return new HttpResponse('This upload URL was already used', { status: 409 });
      let received = 0;
      const kept: Uint8Array[] = [];
      const reader = request.body?.getReader();
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        if (received <= 1024 * 1024) kept.push(value);
      }
      if (received !== upload.size_bytes) {
        return new HttpResponse(`SignatureDoesNotMatch: expected ${upload.size_bytes} bytes, got ${received}`, { status: 400 });
      }
      upload.received = received;
      upload.headers = Object.fromEntries(request.headers);
      if (received <= 1024 * 1024) upload.data = concat(kept);
      return new HttpResponse(null, { status: 200, headers: { ETag: `"${params.token}"` } });
    }),
    http.post(`${base}/data/download-url`, async ({ request }) => {
      const parsed = readJson(await request.text());
      if ('response' in parsed) return parsed.response;
      const body = parsed.value as Partial<Schemas['DownloadUrlRequest']> | undefined;
      const entry = body?.job_id ? state.jobs.get(body.job_id) : undefined;
      if (!entry) return jobNotFound(body?.job_id);
      const path = body?.path ?? 'outputs.tar.gz';
      const size = outputSize(entry, path);
      return HttpResponse.json({
        download_url: `${storage}/download/${entry.job.id}/${encodeURIComponent(path)}?signature=${seededToken(state.random, 32)}`,
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        size_bytes: size,
      });
    }),
    http.get(`${storage}/download/:jobId/:path`, ({ params }) => {
      const entry = state.jobs.get(String(params.jobId));
      if (!entry) return new HttpResponse('NoSuchKey', { status: 404 });
      const bytes = new Uint8Array(outputSize(entry, String(params.path))).map((_, index) => index % 251);
      return new HttpResponse(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    }),
  ];
};

/** The size of a job's output file: deterministic, bigger for finished jobs. */
function outputSize(entry: MockJob, path: string): number {
  return 1024 * (entry.job.current_epoch + 1) + path.length;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return result;
}
