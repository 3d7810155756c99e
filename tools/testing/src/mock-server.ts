import type { RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** One request the mock server saw, as the wire carried it. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The body as text ('' when there was none). */
  body: Promise<string>;
}

/**
 * Start an msw server for the current test file: unhandled requests fail the test, handlers are
 * rebuilt from `handlers()` before each test (fresh state), and every request is recorded.
 */
export function useMockServer(handlers: () => RequestHandler[]) {
  const requests: RecordedRequest[] = [];
  const server = setupServer();
  server.events.on('request:start', ({ request }) => {
    const copy = request.clone();
    requests.push({ method: request.method, url: new URL(request.url), headers: new Headers(request.headers), body: copy.text() });
  });
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    server.resetHandlers(...handlers());
    requests.length = 0;
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { server, requests };
}
