import { HttpResponse } from 'msw';
import type { components } from '../generated/jobs.js';
import { detail, findJob, type HandlerGroup, jobNotFound, once, pageQuery, readJson, validationError } from './jobs-mock-http.js';
import type { MockJob } from './jobs-state.js';

type Schemas = components['schemas'];

/** Jobs: list, create (credits reserved), get (advances the job), cancel, pause, resume, logs. */
export const jobHandlers: HandlerGroup = (context) => {
  const { base, state, stepsPerPoll, http } = context;
  const view = (entry: MockJob) => structuredClone(entry.job);
  return [
    http.get(`${base}/jobs`, ({ request }) => {
      const page = pageQuery(request);
      if (page instanceof Response) return page;
      const status = new URL(request.url).searchParams.get('status');
      for (const entry of state.jobs.values()) state.advance(entry);
      const matching = [...state.jobs.values()].reverse().filter((entry) => !status || entry.job.status === status);
      const data = matching.slice(page.offset, page.offset + page.limit).map((entry) => {
        const {
          queue_position: _queue,
          requirements_file: _requirements,
          checkpoint_frequency: _frequency,
          max_runtime_hours: _hours,
          environment_variable_names: _names,
          error_message: _error,
          ...listed
        } = view(entry);
        return listed;
      });
      return HttpResponse.json({ data, total: matching.length });
    }),
    http.post(`${base}/jobs`, ({ request }) =>
      once(context, request, (text) => {
        const parsed = readJson(text);
        if ('response' in parsed) return parsed.response;
        const body = parsed.value as Schemas['JobCreateRequest'] | undefined;
        const problems = checkJobCreate(body);
        if (problems.length > 0 || !body) return validationError(problems);
        const estimate = { t4: 10, v100: 25, a100: 50 }[body.gpu_type ?? 't4'] * (body.gpu_count ?? 1) * (body.max_runtime_hours ?? 4);
        if (estimate > state.available) {
          return detail(402, `Insufficient credits: this job reserves ${estimate} credits and ${state.available} are available`);
        }
        const job = state.createJob(body).job;
        return HttpResponse.json(
          { id: job.id, status: job.status, queue_position: job.queue_position ?? 0, estimated_cost: estimate, reserved_credits: estimate },
          { status: 201 },
        );
      }),
    ),
    http.get(`${base}/jobs/:jobId`, ({ params }) => {
      const entry = findJob(context, params.jobId);
      if (!entry) return jobNotFound(params.jobId);
      state.advance(entry, stepsPerPoll);
      return HttpResponse.json(view(entry));
    }),
    http.post(`${base}/jobs/:jobId/cancel`, ({ request, params }) =>
      once(context, request, () => {
        const entry = findJob(context, params.jobId);
        if (!entry) return jobNotFound(params.jobId);
        if (isTerminal(entry)) return detail(409, `Job is already ${entry.job.status}`);
        state.log(entry, 'WARNING', 'Cancelled by user');
        const refunded = state.settle(entry, 'cancelled');
        return HttpResponse.json({ id: entry.job.id, status: 'cancelled', refunded_credits: refunded });
      }),
    ),
    http.post(`${base}/jobs/:jobId/pause`, ({ request, params }) =>
      once(context, request, () => {
        const entry = findJob(context, params.jobId);
        if (!entry) return jobNotFound(params.jobId);
        if (!['running', 'checkpointing', 'resuming'].includes(entry.job.status)) {
          return detail(409, `Only running jobs can be paused; this job is ${entry.job.status}`);
        }
        entry.job.status = 'paused';
        state.log(entry, 'INFO', `Paused by user at epoch ${entry.job.current_epoch}`);
        return HttpResponse.json(view(entry));
      }),
    ),
    http.post(`${base}/jobs/:jobId/resume`, ({ request, params }) =>
      once(context, request, () => {
        const entry = findJob(context, params.jobId);
        if (!entry) return jobNotFound(params.jobId);
        if (entry.job.status !== 'paused') return detail(409, `Only paused jobs can be resumed; this job is ${entry.job.status}`);
        entry.job.status = 'resuming';
        entry.lastAdvance = Date.now();
        state.log(entry, 'INFO', 'Resume requested');
        return HttpResponse.json(view(entry));
      }),
    ),
    http.get(`${base}/jobs/:jobId/logs`, ({ request, params }) => {
      const entry = findJob(context, params.jobId);
      if (!entry) return jobNotFound(params.jobId);
      const since = new URL(request.url).searchParams.get('since');
      const after = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
      if (Number.isNaN(after))
        return validationError([{ loc: ['query', 'since'], msg: 'Input should be a valid datetime', type: 'datetime_parsing' }]);
      return HttpResponse.json(entry.logs.filter((line) => Date.parse(line.timestamp) > after));
    }),
  ];
};

function isTerminal(entry: MockJob): boolean {
  return ['completed', 'failed', 'cancelled'].includes(entry.job.status);
}

/** The 422 problems FastAPI would report for a job body. */
function checkJobCreate(body: Partial<Schemas['JobCreateRequest']> | undefined) {
  const problems: { loc: (string | number)[]; msg: string; type: string }[] = [];
  const problem = (field: string, msg: string, type: string) => problems.push({ loc: ['body', field], msg, type });
  if (!body || typeof body !== 'object') return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  for (const field of ['script_path', 'input_data_path'] as const) {
    if (typeof body[field] !== 'string' || body[field].trim() === '')
      problem(field, 'String should have at least 1 character', 'string_too_short');
  }
  if (body.gpu_type !== undefined && !['t4', 'v100', 'a100'].includes(body.gpu_type))
    problem('gpu_type', "Input should be 't4', 'v100' or 'a100'", 'enum');
  if (body.framework !== undefined && !['pytorch', 'tensorflow', 'jax'].includes(body.framework)) {
    problem('framework', "Input should be 'pytorch', 'tensorflow' or 'jax'", 'enum');
  }
  const count = body.gpu_count;
  if (count !== undefined && !(Number.isInteger(count) && count >= 1 && count <= 8))
    problem('gpu_count', 'Input should be between 1 and 8', 'less_than_equal');
  const hours = body.max_runtime_hours;
  if (hours !== undefined && !(Number.isInteger(hours) && hours >= 1 && hours <= 72)) {
    problem('max_runtime_hours', 'Input should be between 1 and 72', 'less_than_equal');
  }
  return problems;
}
