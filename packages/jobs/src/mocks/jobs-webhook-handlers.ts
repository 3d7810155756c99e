import { seededToken, seededUuid } from '@trainwire/core/mock-kit';
import { HttpResponse } from 'msw';
import type { components } from '../generated/jobs.js';
import { detail, type HandlerGroup, once, pageQuery, readJson, validationError } from './jobs-mock-http.js';

type Schemas = components['schemas'];

const WEBHOOK_EVENTS: Schemas['WebhookEvent'][] = [
  'job.queued',
  'job.started',
  'job.running',
  'job.paused',
  'job.resumed',
  'job.checkpointing',
  'job.evicted',
  'job.completed',
  'job.failed',
  'job.cancelled',
  'credits.low',
  'credits.depleted',
];

/** Webhooks: CRUD, secrets, test deliveries and their pages. */
export const webhookHandlers: HandlerGroup = (context) => {
  const { base, state, http } = context;
  return [
    http.get(`${base}/webhooks`, () => HttpResponse.json([...state.webhooks.values()].map((entry) => entry.webhook))),
    http.get(`${base}/webhooks/events`, () => HttpResponse.json({ events: WEBHOOK_EVENTS })),
    http.post(`${base}/webhooks`, ({ request }) =>
      once(context, request, (text) => {
        const parsed = readJson(text);
        if ('response' in parsed) return parsed.response;
        const body = parsed.value as Partial<Schemas['WebhookCreateRequest']> | undefined;
        const problems = checkWebhook(body, true);
        if (problems.length > 0 || !body) return validationError(problems);
        const webhook: Schemas['Webhook'] = {
          id: seededUuid(state.random),
          name: body.name as string,
          url: body.url as string,
          events: body.events as Schemas['WebhookEvent'][],
          is_active: true,
          created_at: new Date().toISOString(),
        };
        const secret = `whsec_${seededToken(state.random, 32)}`;
        state.webhooks.set(webhook.id, { webhook, secret, deliveries: [] });
        return HttpResponse.json({ ...webhook, secret }, { status: 201 });
      }),
    ),
    http.get(`${base}/webhooks/:webhookId`, ({ params }) => {
      const entry = state.webhooks.get(String(params.webhookId));
      return entry ? HttpResponse.json(entry.webhook) : detail(404, `Webhook ${String(params.webhookId)} not found`);
    }),
    http.patch(`${base}/webhooks/:webhookId`, async ({ request, params }) => {
      const entry = state.webhooks.get(String(params.webhookId));
      if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
      const parsed = readJson(await request.text());
      if ('response' in parsed) return parsed.response;
      const body = parsed.value as Schemas['WebhookUpdateRequest'] | undefined;
      const problems = checkWebhook(body, false);
      if (problems.length > 0 || !body) return validationError(problems);
      Object.assign(entry.webhook, body);
      return HttpResponse.json(entry.webhook);
    }),
    http.delete(`${base}/webhooks/:webhookId`, ({ params }) => {
      if (!state.webhooks.delete(String(params.webhookId))) return detail(404, `Webhook ${String(params.webhookId)} not found`);
      return new HttpResponse(null, { status: 204 });
    }),
    http.post(`${base}/webhooks/:webhookId/regenerate-secret`, ({ request, params }) =>
      once(context, request, () => {
        const entry = state.webhooks.get(String(params.webhookId));
        if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
        entry.secret = `whsec_${seededToken(state.random, 32)}`;
        return HttpResponse.json({ secret: entry.secret });
      }),
    ),
    http.post(`${base}/webhooks/:webhookId/test`, ({ request, params }) =>
      once(context, request, () => {
        const entry = state.webhooks.get(String(params.webhookId));
        if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
        const delivery = {
          id: seededUuid(state.random),
          event: 'test',
          status_code: 200,
          success: true,
          created_at: new Date().toISOString(),
        };
        entry.deliveries.unshift(delivery);
        return HttpResponse.json(delivery);
      }),
    ),
    http.get(`${base}/webhooks/:webhookId/deliveries`, ({ request, params }) => {
      const entry = state.webhooks.get(String(params.webhookId));
      if (!entry) return detail(404, `Webhook ${String(params.webhookId)} not found`);
      const page = pageQuery(request);
      if (page instanceof Response) return page;
      return HttpResponse.json({ data: entry.deliveries.slice(page.offset, page.offset + page.limit), total: entry.deliveries.length });
    }),
  ];
};

function checkWebhook(body: (Partial<Schemas['WebhookCreateRequest']> & { is_active?: boolean }) | undefined, creating: boolean) {
  const problems: { loc: (string | number)[]; msg: string; type: string }[] = [];
  if (!body || typeof body !== 'object') return [{ loc: ['body'], msg: 'Input should be a valid dictionary', type: 'dict_type' }];
  if ((creating || body.name !== undefined) && !body.name) problems.push({ loc: ['body', 'name'], msg: 'Field required', type: 'missing' });
  if ((creating || body.url !== undefined) && !/^https?:\/\//.test(body.url ?? '')) {
    problems.push({ loc: ['body', 'url'], msg: 'Input should be a valid URL', type: 'url_parsing' });
  }
  if (
    (creating || body.events !== undefined) &&
    (!Array.isArray(body.events) || body.events.length === 0 || body.events.some((event) => !WEBHOOK_EVENTS.includes(event)))
  ) {
    problems.push({ loc: ['body', 'events'], msg: 'Input should be a non-empty list of known events', type: 'enum' });
  }
  return problems;
}
