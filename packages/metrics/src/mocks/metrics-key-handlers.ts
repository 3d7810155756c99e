import { HttpResponse } from 'msw';
import type { components } from '../generated/metrics.js';
import { bearer, experimentOr404, type HandlerGroup, invalid, metricsError, once, orgAuth } from './metrics-mock-http.js';

/** Who is calling (`/auth/status`), and the ingestion keys of an experiment: list, mint (secret shown once), revoke. */
export const keyHandlers: HandlerGroup = (context) => {
  const { api, state, http } = context;
  return [
    http.get(`${api}/auth/status`, ({ request }) => {
      const token = bearer(request);
      const minted = token ? state.ingestionKeys.get(token) : undefined;
      if (token === state.apiKey)
        return HttpResponse.json({
          authenticated: true,
          principal: { type: 'api_key', org_id: 'org_trainwire', key_prefix: state.apiKey.slice(0, 10), experiment_id: null },
          scopes: ['experiments:read', 'experiments:write', 'metrics:read', 'ingestion_keys:write'],
        });
      if (minted && !minted.key.revoked_at)
        return HttpResponse.json({
          authenticated: true,
          principal: {
            type: 'ingestion_key',
            org_id: 'org_trainwire',
            key_prefix: minted.key.prefix,
            experiment_id: minted.key.experiment_id,
          },
          scopes: ['metrics:write', 'annotations:write'],
        });
      return metricsError(401, 'unauthorized', 'Missing or invalid API key.');
    }),
    http.get(`${api}/experiments/:experimentId/ingestion-keys`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      const keys = [...state.ingestionKeys.values()]
        .filter((minted) => minted.key.experiment_id === found.experiment.id)
        .map((minted) => minted.key);
      return HttpResponse.json({ ingestion_keys: keys });
    }),
    http.post(`${api}/experiments/:experimentId/ingestion-keys`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const found = experimentOr404(context, params.experimentId);
      if (found.missing) return found.missing;
      return once(context, request, (raw) => {
        const ttl = (raw as { ttl_seconds?: number } | undefined)?.ttl_seconds;
        if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60 || ttl > 31_536_000))
          return invalid('ttl_seconds must be 60 to 31536000.');
        const secret = `ik_${state.uuid().replace(/-/g, '')}`;
        const time = state.now();
        const expiresAt = ttl === undefined ? undefined : time + ttl * 1000;
        const key: components['schemas']['IngestionKey'] = {
          id: `ikey_${state.uuid().slice(0, 8)}`,
          experiment_id: found.experiment.id,
          prefix: secret.slice(0, 7),
          created_at: state.iso(time),
          expires_at: expiresAt === undefined ? null : state.iso(expiresAt),
          revoked_at: null,
        };
        state.ingestionKeys.set(secret, { key, secret, expiresAt });
        return { status: 201, body: { ingestion_key: key, secret } };
      });
    }),
    http.delete(`${api}/experiments/:experimentId/ingestion-keys/:keyId`, ({ request, params }) => {
      const denied = orgAuth(context, request);
      if (denied) return denied;
      const minted = [...state.ingestionKeys.values()].find(
        (item) => item.key.id === params.keyId && item.key.experiment_id === params.experimentId,
      );
      if (!minted) return metricsError(404, 'not_found', `No ingestion key ${String(params.keyId)}.`);
      minted.key.revoked_at ??= state.iso();
      return new HttpResponse(null, { status: 204 });
    }),
  ];
};
