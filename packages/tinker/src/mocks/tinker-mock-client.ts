import { HttpResponse, http, type RequestHandler } from 'msw';
import type { components } from '../generated/tinker.js';
import { detail, type TinkerMockContext, toResponse } from './tinker-mock-context.js';

type Schemas = components['schemas'];

/** Telemetry events the mock keeps (the oldest are dropped), so a long run cannot fill memory. */
const KEPT_EVENTS = 1000;

/** What SDK 0.25 asks before its first call and reports as it runs: client config, dynamic config, telemetry. */
export function tinkerClientHandlers(context: TinkerMockContext): RequestHandler[] {
  const { base, state, json } = context;
  const sdkVersion = async (request: Request) => {
    const body = await json(request);
    return typeof body?.sdk_version === 'string' ? body.sdk_version : undefined;
  };
  return [
    http.post(`${base}/client/config`, async ({ request }) => {
      if ((await sdkVersion(request)) === undefined) return toResponse(detail(400, 'sdk_version is required'));
      return HttpResponse.json(state.clientConfig);
    }),
    http.post(`${base}/client/dynamic_config`, async ({ request }) => {
      if ((await sdkVersion(request)) === undefined) return toResponse(detail(400, 'sdk_version is required'));
      return HttpResponse.json(state.clientDynamicConfig);
    }),
    http.post(`${base}/telemetry`, async ({ request }) => {
      const body = await json(request);
      if (!Array.isArray(body?.events) || typeof body.session_id !== 'string') return toResponse(detail(400, 'Invalid telemetry batch'));
      state.telemetryBatches += 1;
      state.telemetryEvents.push(...(body.events as Schemas['TelemetryEvent'][]));
      state.telemetryEvents.splice(0, Math.max(0, state.telemetryEvents.length - KEPT_EVENTS));
      return HttpResponse.json({ status: 'accepted' });
    }),
  ];
}
