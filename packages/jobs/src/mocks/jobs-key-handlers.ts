import { HttpResponse } from 'msw';
import type { components } from '../generated/jobs.js';
import { detail, type HandlerGroup, once, readJson, validationError } from './jobs-mock-http.js';

type Schemas = components['schemas'];

/** API keys: list, create (the full key in the answer only), revoke. */
export const keyHandlers: HandlerGroup = (context) => {
  const { base, state, http } = context;
  return [
    http.get(`${base}/api-keys`, () => HttpResponse.json(state.apiKeys.filter((entry) => !entry.revoked).map((entry) => entry.info))),
    http.post(`${base}/api-keys`, ({ request }) =>
      once(context, request, (text) => {
        const parsed = readJson(text);
        if ('response' in parsed) return parsed.response;
        const body = parsed.value as Partial<Schemas['ApiKeyCreateRequest']> | undefined;
        if (!body?.name) return validationError([{ loc: ['body', 'name'], msg: 'Field required', type: 'missing' }]);
        const scopes = body.scopes ?? ['read', 'write'];
        if (scopes.length === 0 || scopes.some((scope) => !['read', 'write', 'admin'].includes(scope))) {
          return validationError([{ loc: ['body', 'scopes'], msg: "Input should be 'read', 'write' or 'admin'", type: 'enum' }]);
        }
        const entry = state.addApiKey({ name: body.name, scopes, expires_in_days: body.expires_in_days ?? null });
        return HttpResponse.json({ ...entry.info, key: entry.key }, { status: 201 });
      }),
    ),
    http.delete(`${base}/api-keys/:keyId`, ({ params }) => {
      const entry = state.apiKeys.find((item) => item.info.id === params.keyId && !item.revoked);
      if (!entry) return detail(404, `API key ${String(params.keyId)} not found`);
      entry.revoked = true;
      return HttpResponse.json({ revoked: true });
    }),
  ];
};
