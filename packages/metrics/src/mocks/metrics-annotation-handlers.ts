import type { components } from '../generated/metrics.js';
import { experimentOr404, type HandlerGroup, ingestionAuth, invalid, once, orgAuth, pageAnswer } from './metrics-mock-http.js';

type Schemas = components['schemas'];

/** Annotations of an experiment: paged list (org key), create with an ingestion key (idempotent by `client_event_id`). */
export const annotationHandlers: HandlerGroup = (context) => {
  const { api, state, http } = context;
  return [
    http.get(`${api}/experiments/:experimentId/annotations`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      return pageAnswer(state.annotations.get(found.experiment.id) ?? [], new URL(request.url), 'annotations', 100);
    }),
    http.post(`${api}/experiments/:experimentId/annotations`, ({ request, params }) => {
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      const denied = ingestionAuth(context, request, found.experiment.id);
      if (denied) return denied;
      return once(context, request, (raw) => {
        const body = raw as { text?: string; step?: number | null; metadata?: Schemas['Metadata']; client_event_id?: string } | undefined;
        if (typeof body?.text !== 'string' || body.text === '') return invalid('text is required.');
        const annotations = state.annotations.get(found.experiment.id) ?? [];
        state.annotations.set(found.experiment.id, annotations);
        const existing = body.client_event_id ? annotations.find((item) => item.client_event_id === body.client_event_id) : undefined;
        if (existing) return { status: 200, body: { annotation: existing } };
        const annotation: Schemas['Annotation'] = {
          id: state.uuid(),
          experiment_id: found.experiment.id,
          text: body.text,
          step: body.step ?? null,
          metadata: body.metadata ?? {},
          client_event_id: body.client_event_id ?? null,
          created_at: state.iso(),
        };
        annotations.push(annotation);
        return { status: 201, body: { annotation } };
      });
    }),
  ];
};
