import { HttpResponse, http } from 'msw';
import type { components } from '../generated/conformance.js';

type Run = components['schemas']['Run'];
type Checkpoint = components['schemas']['Checkpoint'];

/** Options of {@link createConformanceMock}. */
export interface ConformanceMockOptions {
  /** @default 'https://conformance.trainwire.test' */
  baseURL?: string;
  /** The only key accepted. @default 'cf-test-key' */
  apiKey?: string;
  /** Polls a step stays pending before it completes. @default 2 */
  pollsUntilDone?: number;
  /** Runs seeded at start. @default 7 */
  runs?: number;
}

const error = (status: number, code: string, message: string) => HttpResponse.json({ error: { code, message } }, { status });

/**
 * A stateful mock of the conformance service: runs, steps that complete after a few polls,
 * paged events and checkpoints, binary archives. Writes honour `Idempotency-Key`.
 */
export function createConformanceMock(options: ConformanceMockOptions = {}) {
  const base = (options.baseURL ?? 'https://conformance.trainwire.test').replace(/\/+$/, '');
  const apiKey = options.apiKey ?? 'cf-test-key';
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const runs: Run[] = [];
  const futures = new Map<string, { polls: number; runId: string; kind: string }>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const checkpoints: Checkpoint[] = [];
  let clock = Date.UTC(2026, 0, 1);

  const addRun = (name: string, baseModel: string, rank: number): Run => {
    clock += 60_000;
    const run: Run = {
      id: `run-${runs.length + 1}`,
      name,
      base_model: baseModel,
      rank,
      status: 'queued',
      created_at: new Date(clock).toISOString(),
      steps: 0,
      loss: null,
    };
    runs.unshift(run);
    checkpoints.push({ id: `${run.id}:weights/0001`, run_id: run.id, size_bytes: 1024 * (runs.length + 1) });
    return run;
  };
  for (let index = 0; index < (options.runs ?? 7); index++) addRun(`seed-${index + 1}`, 'llama-3-8b', 16);

  const authorized = (request: Request) => request.headers.get('x-api-key') === apiKey;
  /** Replays the first answer to a write that repeats its Idempotency-Key. */
  const once = async (request: Request, handle: () => Promise<{ status: number; body: unknown }>) => {
    const key = request.headers.get('idempotency-key');
    const known = key ? replies.get(key) : undefined;
    const reply = known ?? (await handle());
    if (key && !known) replies.set(key, reply);
    return HttpResponse.json(reply.body as never, { status: reply.status });
  };

  const handlers = [
    http.all(`${base}/*`, ({ request }) => (authorized(request) ? undefined : error(401, 'unauthorized', 'Invalid API key.'))),
    http.get(`${base}/v1/runs`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const limit = Number(query.get('limit') ?? 20);
      const offset = Number(query.get('offset') ?? 0);
      const status = query.get('status');
      const matching = status ? runs.filter((run) => run.status === status) : runs;
      return HttpResponse.json({ runs: matching.slice(offset, offset + limit), cursor: { offset, limit, total_count: matching.length } });
    }),
    http.post(`${base}/v1/runs`, ({ request }) =>
      once(request, async () => {
        const body = (await request.json()) as components['schemas']['CreateRunRequest'];
        if (!body?.name) return { status: 400, body: { error: { code: 'invalid', message: 'name is required' } } };
        return { status: 201, body: addRun(body.name, body.base_model, body.rank ?? 16) };
      }),
    ),
    http.get(`${base}/v1/runs/:runId`, ({ params }) => {
      const run = runs.find((item) => item.id === params.runId);
      return run ? HttpResponse.json(run) : error(404, 'not_found', `No run ${String(params.runId)}.`);
    }),
    http.delete(`${base}/v1/runs/:runId`, ({ params }) => {
      const index = runs.findIndex((item) => item.id === params.runId);
      if (index < 0) return error(404, 'not_found', `No run ${String(params.runId)}.`);
      runs.splice(index, 1);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/v1/runs/:runId/steps`, ({ request, params }) =>
      once(request, async () => {
        const run = runs.find((item) => item.id === params.runId);
        if (!run) return { status: 404, body: { error: { code: 'not_found', message: `No run ${String(params.runId)}.` } } };
        const body = (await request.json()) as components['schemas']['StepRequest'];
        const requestId = `req-${futures.size + 1}`;
        futures.set(requestId, { polls: 0, runId: run.id, kind: body.kind });
        return { status: 202, body: { request_id: requestId } };
      }),
    ),
    http.post(`${base}/v1/futures/retrieve`, async ({ request }) => {
      const { request_id: requestId } = (await request.json()) as { request_id: string };
      const future = futures.get(requestId);
      if (!future) return error(404, 'not_found', `No future ${requestId}.`);
      future.polls += 1;
      if (future.polls <= pollsUntilDone) return HttpResponse.json({ status: 'pending', queue_state: 'active' });
      const run = runs.find((item) => item.id === future.runId);
      if (!run) return HttpResponse.json({ status: 'failed', error: { error: { code: 'run_deleted', message: 'The run was deleted.' } } });
      if (future.polls === pollsUntilDone + 1 && future.kind === 'optim_step') run.steps += 1;
      run.status = 'running';
      run.loss = Math.round(2.5 * 0.9 ** run.steps * 1000) / 1000;
      return HttpResponse.json({ status: 'completed', result: { step: run.steps, loss: run.loss } });
    }),
    http.get(`${base}/v1/events`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const page = Number(query.get('page') ?? 1);
      const perPage = Number(query.get('per_page') ?? 10);
      const all = runs
        .slice()
        .reverse()
        .map((run, index) => ({ id: index + 1, kind: `run.created:${run.id}`, at: run.created_at }));
      const events = all.slice((page - 1) * perPage, page * perPage);
      return HttpResponse.json({ events, page, per_page: perPage, has_next: page * perPage < all.length });
    }),
    http.get(`${base}/v1/checkpoints`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const limit = Number(query.get('limit') ?? 3);
      const start = Number(query.get('cursor') ?? 0);
      const page = checkpoints.slice(start, start + limit);
      const next = start + limit < checkpoints.length ? String(start + limit) : null;
      return HttpResponse.json({ checkpoints: page, next_cursor: next });
    }),
    http.get(`${base}/v1/checkpoints/:checkpointId/archive`, ({ params }) => {
      const checkpoint = checkpoints.find((item) => item.id === params.checkpointId);
      if (!checkpoint) return error(404, 'not_found', `No checkpoint ${String(params.checkpointId)}.`);
      const bytes = new Uint8Array(checkpoint.size_bytes).map((_, index) => index % 251);
      return new HttpResponse(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    }),
    http.get(`${base}/v1/models`, () =>
      HttpResponse.json([
        { name: 'llama-3-8b', parameters_b: 8 },
        { name: 'qwen-2.5-7b', parameters_b: 7.6 },
      ]),
    ),
  ];

  return { handlers, state: { runs, futures, checkpoints } };
}
