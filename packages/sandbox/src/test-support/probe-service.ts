import type { ServiceDefinition } from '@trainwire/core';
import { HttpResponse, http } from 'msw';
import type { SandboxService } from '../sandbox-service.js';

const JSON_OBJECT = { type: 'object' } as const;
const NO_PARAMS = { path: null, query: null, header: null };

function operation(method: 'GET' | 'POST', path: string, extra: Partial<ServiceDefinition['operations'][string]> = {}) {
  return {
    operationId: extra.operationId ?? `${method.toLowerCase()}${path.replace(/\W+(\w)/g, (_, letter: string) => letter.toUpperCase())}`,
    idempotent: method === 'GET',
    pagination: null,
    longRunning: null,
    params: NO_PARAMS,
    body: null,
    responses: { '200': { contentType: 'application/json', schema: JSON_OBJECT } },
    ...extra,
  };
}

/** A hand-written spec for the probe service: uploads, downloads, echoes and a mock that breaks its spec. */
const definition: ServiceDefinition = {
  name: 'probe',
  title: 'Probe',
  version: '1.0.0',
  servers: ['https://probe.trainwire.test'],
  auth: null,
  idempotencyHeader: null,
  schemas: { Count: { type: 'object', properties: { count: { type: 'integer' } }, required: ['count'] } },
  operations: {
    'POST /upload': operation('POST', '/upload', {
      body: { required: true, contentType: 'application/octet-stream', schema: null },
      responses: { '200': { contentType: 'application/json', schema: { $ref: '#/components/schemas/Count' } } },
    }),
    'POST /first-chunk': operation('POST', '/first-chunk', {
      body: { required: true, contentType: 'application/octet-stream', schema: null },
    }),
    'GET /download': operation('GET', '/download', { responses: { '200': { contentType: 'application/octet-stream', schema: null } } }),
    'GET /headers': operation('GET', '/headers'),
    'GET /broken': operation('GET', '/broken', {
      responses: { '200': { contentType: 'application/json', schema: { $ref: '#/components/schemas/Count' } } },
    }),
    'GET /teapot': operation('GET', '/teapot', {
      responses: { '200': { contentType: 'application/json', schema: JSON_OBJECT } },
    }),
    'GET /unimplemented': operation('GET', '/unimplemented'),
  },
};

/** Gates a test opens to let a streamed download finish. */
export interface ProbeState {
  /** Resolves the pending download, which has sent its first chunk. */
  releaseDownload?: () => void;
  /** Headers the last `/headers` request carried, as the mock saw them. */
  seenHeaders?: Headers;
}

/**
 * A sandbox service made for the sandbox's own tests: it counts streamed uploads without buffering
 * them, streams a download in two chunks that a test releases, echoes headers, and answers one
 * operation against its spec so the sandbox's response checks can be seen to work.
 */
export const probeSandboxService = {
  title: 'Probe',
  definition,
  apiKey: 'probe-key',
  outsideSpec: ['/_storage/'],
  createMock: ({ baseURL }) => {
    const state: ProbeState = {};
    const handlers = [
      http.post(`${baseURL}/upload`, async ({ request }) => {
        let count = 0;
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        for (let part = await reader.read(); !part.done; part = await reader.read()) count += part.value.byteLength;
        return HttpResponse.json({ count });
      }),
      http.post(`${baseURL}/first-chunk`, async ({ request }) => {
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        const first = await reader.read();
        void reader.cancel();
        return HttpResponse.json({ first: first.value?.byteLength ?? 0 });
      }),
      http.get(`${baseURL}/download`, () => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(1000).fill(1));
          },
          pull(controller) {
            return new Promise<void>((resolve) => {
              state.releaseDownload = () => {
                controller.enqueue(new Uint8Array(500).fill(2));
                controller.close();
                resolve();
              };
            });
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/octet-stream' } });
      }),
      http.get(`${baseURL}/headers`, ({ request }) => {
        state.seenHeaders = new Headers(request.headers);
        return HttpResponse.json({ names: [...request.headers.keys()] });
      }),
      http.put(`${baseURL}/_storage/:name`, async ({ request, params }) => {
        const size = (await request.arrayBuffer()).byteLength;
        return new HttpResponse(`stored ${String(params.name)}: ${size} bytes`, { headers: { 'content-type': 'text/plain' } });
      }),
      http.get(`${baseURL}/broken`, () => HttpResponse.json({ count: 'three' })),
      http.get(`${baseURL}/teapot`, () => HttpResponse.json({ short: 'and stout' }, { status: 418 })),
    ];
    return { handlers, state };
  },
  env: (baseURL) => ({ PROBE_BASE_URL: baseURL }),
} satisfies SandboxService<{ handlers: ReturnType<typeof http.get>[]; state: ProbeState }>;
