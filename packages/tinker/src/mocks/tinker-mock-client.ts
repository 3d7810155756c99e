import { detail } from '@trainwire/core/mock-kit';
import { HttpResponse, type RequestHandler } from 'msw';
import type { components } from '../generated/tinker.js';
import type { TinkerMockContext } from './tinker-mock-context.js';

type Schemas = components['schemas'];

/** Telemetry events the mock keeps (the oldest are dropped), so a long run cannot fill memory. */
const KEPT_EVENTS = 1000;

/** How long a JWT from `auth/token` lasts. */
const JWT_LIFETIME_SECONDS = 3600;

/** Base64url of ASCII text (what a JWT's segments are). */
const base64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * What SDK 0.25 asks before its first call and reports as it runs: client config, dynamic config,
 * telemetry, and the JWT exchange it makes when `pjwt_auth_enabled` is on.
 */
export function tinkerClientHandlers(context: TinkerMockContext): RequestHandler[] {
  const { http, base, state, json, random } = context;
  const sdkVersion = async (request: Request) => {
    const body = await json(request);
    return typeof body?.sdk_version === 'string' ? body.sdk_version : undefined;
  };
  return [
    http.post(`${base}/client/config`, async ({ request }) => {
      if ((await sdkVersion(request)) === undefined) return detail(400, 'sdk_version is required');
      return HttpResponse.json(state.clientConfig);
    }),
    http.post(`${base}/auth/token`, () => {
      const now = Date.now();
      for (const [token, expires] of state.jwts) if (expires <= now) state.jwts.delete(token);
      const exp = Math.floor(now / 1000) + JWT_LIFETIME_SECONDS;
      const claims = { sub: state.owner, email: 'mock@tinker.test', iat: Math.floor(now / 1000), exp };
      // Unsigned in substance: the mock remembers the tokens it issued instead of checking a signature.
      const signature = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
      const jwt = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.${signature}`;
      state.jwts.set(jwt, exp * 1000);
      return HttpResponse.json({ jwt });
    }),
    http.post(`${base}/client/dynamic_config`, async ({ request }) => {
      if ((await sdkVersion(request)) === undefined) return detail(400, 'sdk_version is required');
      return HttpResponse.json(state.clientDynamicConfig);
    }),
    http.post(`${base}/telemetry`, async ({ request }) => {
      const body = await json(request);
      if (!Array.isArray(body?.events) || typeof body.session_id !== 'string') return detail(400, 'Invalid telemetry batch');
      state.telemetryBatches += 1;
      state.telemetryEvents.push(...(body.events as Schemas['TelemetryEvent'][]));
      state.telemetryEvents.splice(0, Math.max(0, state.telemetryEvents.length - KEPT_EVENTS));
      return HttpResponse.json({ status: 'accepted' });
    }),
  ];
}
