import { detail, seededUuid } from '@trainwire/core/mock-kit';
import { HttpResponse, type RequestHandler } from 'msw';
import type { TinkerMockContext } from './tinker-mock-context.js';
import { audit, expiresAt } from './tinker-mock-state.js';

/** The RestClient endpoints of the Tinker mock: training runs, checkpoints, archives, audit log, sessions, samplers. */
export function tinkerRestHandlers(context: TinkerMockContext): RequestHandler[] {
  const {
    http,
    base,
    state,
    owner,
    speed,
    archiveRequestsUntilReady,
    random,
    owned,
    runNotFound,
    findCheckpoint,
    byPath,
    page,
    json,
    once,
  } = context;
  return [
    http.get(`${base}/training_runs`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const scope = query.get('access_scope') ?? 'owned';
      const project = query.get('project_id');
      const runs = [...state.models.values()]
        .filter((model) => owned(model, scope))
        .filter((model) => !project || state.sessions.get(model.session_id)?.project_id === project)
        .map((model) => model.run)
        .sort((left, right) => right.last_request_time.localeCompare(left.last_request_time));
      const result = page(runs, request, 20);
      if (result.error) return result.error;
      return HttpResponse.json({ training_runs: result.items, cursor: result.cursor });
    }),
    http.get(`${base}/training_runs/:training_run_id`, ({ request, params }) => {
      const model = state.models.get(String(params.training_run_id));
      const scope = new URL(request.url).searchParams.get('access_scope');
      return owned(model, scope) ? HttpResponse.json(model.run) : runNotFound(String(params.training_run_id));
    }),
    http.get(`${base}/training_runs/:training_run_id/checkpoints`, ({ params }) => {
      const model = state.models.get(String(params.training_run_id));
      if (!owned(model, 'accessible')) return runNotFound(String(params.training_run_id));
      const visible = model.run.model_owner === owner ? model.checkpoints : model.checkpoints.filter((item) => item.public);
      return HttpResponse.json({ checkpoints: visible });
    }),
    http.get(`${base}/checkpoints`, ({ request }) => {
      const all = [...state.models.values()]
        .filter((model) => model.run.model_owner === owner)
        .flatMap((model) => model.checkpoints)
        .sort((left, right) => right.time.localeCompare(left.time));
      const result = page(all, request, 100);
      if (result.error) return result.error;
      return HttpResponse.json({ checkpoints: result.items, cursor: result.cursor });
    }),
    http.get(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/archive`, ({ params }) => {
      const found = findCheckpoint(params);
      if (found.error) return found.error;
      const key = found.checkpoint.tinker_path;
      const seen = (state.archiveRequests.get(key) ?? 0) + 1;
      state.archiveRequests.set(key, seen);
      if (seen <= archiveRequestsUntilReady) {
        const wait = 30_000 / speed;
        return HttpResponse.json(
          { detail: 'The checkpoint archive is being built; try again shortly' },
          {
            status: 503,
            headers: { 'Retry-After': String(Math.max(1, Math.round(wait / 1000))), 'retry-after-ms': String(Math.round(wait)) },
          },
        );
      }
      const expires = new Date(Date.now() + 3_600_000);
      const url = `https://storage.tinker.mock/archives/${encodeURIComponent(found.model.run.training_run_id)}/${found.checkpoint.checkpoint_id}.tar?expires=${expires.getTime()}&signature=${seededUuid(random).replace(/-/g, '')}`;
      if (context.archiveAnswer === 'json') return HttpResponse.json({ url, expires: expires.toISOString() });
      return new HttpResponse(null, { status: 302, headers: { Location: url, Expires: expires.toUTCString() } });
    }),
    http.delete(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name`, ({ params }) => {
      const found = findCheckpoint(params);
      if (found.error) return found.error;
      const { model, checkpoint } = found;
      model.checkpoints = model.checkpoints.filter((item) => item !== checkpoint);
      if (model.run.last_checkpoint?.checkpoint_id === checkpoint.checkpoint_id) {
        model.run.last_checkpoint = model.checkpoints.filter((item) => item.checkpoint_type === 'training').at(-1) ?? null;
      }
      if (model.run.last_sampler_checkpoint?.checkpoint_id === checkpoint.checkpoint_id) {
        model.run.last_sampler_checkpoint = model.checkpoints.filter((item) => item.checkpoint_type === 'sampler').at(-1) ?? null;
      }
      audit(state, Date.now(), 'checkpoint_deleted', model.run.training_run_id, checkpoint.tinker_path, null);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/publish`, ({ request, params }) =>
      once(request, () => {
        const found = findCheckpoint(params);
        if (found.error) return found.error;
        if (found.checkpoint.public) return detail(409, `Checkpoint ${found.checkpoint.tinker_path} is already public`);
        found.checkpoint.public = true;
        audit(state, Date.now(), 'checkpoint_published', found.model.run.training_run_id, found.checkpoint.tinker_path, null);
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.delete(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/publish`, ({ params }) => {
      const found = findCheckpoint(params);
      if (found.error) return found.error;
      if (!found.checkpoint.public) return detail(409, `Checkpoint ${found.checkpoint.tinker_path} is already private`);
      found.checkpoint.public = false;
      audit(state, Date.now(), 'checkpoint_unpublished', found.model.run.training_run_id, found.checkpoint.tinker_path, null);
      return new HttpResponse(null, { status: 204 });
    }),
    http.put(`${base}/training_runs/:training_run_id/checkpoints/:checkpoint_kind/:checkpoint_name/ttl`, async ({ request, params }) => {
      const body = await json(request);
      const ttl = body?.ttl_seconds;
      if (!body || !('ttl_seconds' in body) || (ttl !== null && !(Number.isInteger(ttl) && (ttl as number) > 0))) {
        return detail(400, 'ttl_seconds must be a positive integer or null');
      }
      const found = findCheckpoint(params);
      if (found.error) return found.error;
      found.checkpoint.expires_at = ttl === null ? null : expiresAt(Date.now(), ttl as number);
      audit(
        state,
        Date.now(),
        ttl === null ? 'checkpoint_ttl_removed' : 'checkpoint_ttl_set',
        found.model.run.training_run_id,
        found.checkpoint.tinker_path,
        null,
      );
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/weights_info`, async ({ request }) => {
      const body = await json(request);
      if (typeof body?.tinker_path !== 'string') return detail(400, 'tinker_path is required');
      const found = byPath(body.tinker_path);
      if (found.error) return found.error;
      const { lora_config: lora, run } = found.model;
      return HttpResponse.json({
        base_model: run.base_model,
        is_lora: true,
        lora_rank: lora.rank,
        train_unembed: lora.train_unembed ?? true,
        train_mlp: lora.train_mlp ?? true,
        train_attn: lora.train_attn ?? true,
      });
    }),
    http.get(`${base}/audit`, ({ request }) => {
      if (!context.admin) return detail(403, 'Viewing the audit log requires the tinker-admin role');
      const query = new URL(request.url).searchParams;
      const eventType = query.get('event_type') ?? 'all';
      if (eventType !== 'all' && eventType !== 'checkpoints') return detail(400, 'event_type must be all or checkpoints');
      const day = query.get('day') ?? new Date().toISOString().slice(0, 10);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) return detail(400, 'day must be YYYY-MM-DD');
      return HttpResponse.json({ entries: state.auditLog.filter((entry) => entry.timestamp.startsWith(day)) });
    }),
    http.get(`${base}/sessions`, ({ request }) => {
      const ids = [...state.sessions.values()]
        .filter((session) => session.owner === owner)
        .sort((left, right) => right.created_at.localeCompare(left.created_at))
        .map((session) => session.session_id);
      const result = page(ids, request, 20);
      if (result.error) return result.error;
      return HttpResponse.json({ sessions: result.items });
    }),
    http.get(`${base}/sessions/:session_id`, ({ params }) => {
      const session = state.sessions.get(String(params.session_id));
      if (!session || session.owner !== owner) return detail(404, `Session ${String(params.session_id)} not found`);
      return HttpResponse.json({ training_run_ids: session.training_run_ids, sampler_ids: session.sampler_ids });
    }),
    http.put(`${base}/sessions/:session_id/project`, async ({ request, params }) => {
      const body = await json(request);
      if (typeof body?.project_id !== 'string' || body.project_id === '') return detail(400, 'project_id is required');
      const session = state.sessions.get(String(params.session_id));
      if (!session) return detail(404, `Session ${String(params.session_id)} not found`);
      if (session.owner !== owner) return detail(403, 'You do not have access to this session');
      session.project_id = body.project_id;
      return new HttpResponse(null, { status: 204 });
    }),
    http.get(`${base}/samplers/:sampler_id`, ({ params }) => {
      const sampler = state.samplers.get(String(params.sampler_id));
      if (!sampler) return detail(404, `Sampler ${String(params.sampler_id)} not found`);
      return HttpResponse.json({ sampler_id: sampler.sampler_id, base_model: sampler.base_model, model_path: sampler.model_path });
    }),
  ];
}
