import { HttpResponse } from 'msw';
import type { components } from '../generated/metrics.js';
import { experimentOr404, type HandlerGroup, invalid, once, orgAuth, pageAnswer, reply } from './metrics-mock-http.js';

type Schemas = components['schemas'];
type Experiment = Schemas['Experiment'];

/** Experiments: list (newest first, by folder, status, search), create (unique slug), get, set status, move. */
export const experimentHandlers: HandlerGroup = (context) => {
  const { api, state, http } = context;
  const missing = (id: unknown) => reply(404, 'not_found', `No experiment ${String(id)}.`);
  return [
    http.get(`${api}/experiments`, ({ request }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const url = new URL(request.url);
      const folderId = url.searchParams.get('folder_id');
      const status = url.searchParams.get('status');
      const search = url.searchParams.get('search')?.toLowerCase();
      const experiments = [...state.experiments.values()]
        .filter((experiment) => folderId === null || experiment.folder_id === folderId)
        .filter((experiment) => status === null || experiment.status === status)
        .filter((experiment) => !search || `${experiment.slug} ${experiment.description ?? ''}`.toLowerCase().includes(search))
        .reverse();
      return pageAnswer(experiments, url, 'experiments', 100);
    }),
    http.post(
      `${api}/experiments`,
      ({ request }) =>
        orgAuth(context, request) ??
        once(context, request, (raw) => {
          const body = raw as Schemas['CreateExperimentRequest'] | undefined;
          if (typeof body?.slug !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(body.slug))
            return invalid('slug is required (letters, digits, . _ -).');
          if ([...state.experiments.values()].some((experiment) => experiment.slug === body.slug))
            return reply(409, 'slug_taken', `An experiment with slug ${body.slug} already exists.`);
          const folderId = body.folder_id ?? null;
          if (folderId !== null && !state.folders.has(folderId)) return reply(404, 'not_found', `No folder ${folderId}.`);
          return {
            status: 201,
            body: { experiment: state.createExperiment(body.slug, body.description ?? null, body.metadata ?? {}, folderId) },
          };
        }),
    ),
    http.get(`${api}/experiments/:experimentId`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      return found.missing ?? HttpResponse.json({ experiment: found.experiment });
    }),
    http.patch(
      `${api}/experiments/:experimentId/status`,
      ({ request, params }) =>
        orgAuth(context, request) ??
        once(context, request, (raw) => {
          const experiment = state.experiments.get(String(params.experimentId));
          if (!experiment) return missing(params.experimentId);
          const status = (raw as { status?: string } | undefined)?.status;
          if (!['created', 'running', 'completed', 'failed', 'cancelled'].includes(status ?? ''))
            return invalid(`Unknown status ${String(status)}.`);
          const time = state.iso();
          experiment.status = status as Experiment['status'];
          if (status === 'running') {
            experiment.started_at ??= time;
            experiment.ended_at = null;
          }
          if (status === 'completed' || status === 'failed' || status === 'cancelled') experiment.ended_at = time;
          experiment.updated_at = time;
          return { status: 200, body: { experiment } };
        }),
    ),
    http.post(
      `${api}/experiments/:experimentId/move`,
      ({ request, params }) =>
        orgAuth(context, request) ??
        once(context, request, (raw) => {
          const experiment = state.experiments.get(String(params.experimentId));
          if (!experiment) return missing(params.experimentId);
          const folderId = (raw as { folder_id?: string | null } | undefined)?.folder_id;
          if (folderId === undefined) return invalid('folder_id is required (null for none).');
          if (folderId !== null && !state.folders.has(folderId)) return reply(404, 'not_found', `No folder ${folderId}.`);
          experiment.folder_id = folderId;
          experiment.updated_at = state.iso();
          return { status: 200, body: { experiment } };
        }),
    ),
  ];
};
