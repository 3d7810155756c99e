import { http, type RequestHandler } from 'msw';

/**
 * A handler that holds every request to `path` (an msw path) until `release()`, then lets the
 * next handler answer it: a server that stalls on purpose.
 */
export function holdRequests(path: string): { handler: RequestHandler; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handler = http.post(path, async () => {
    await gate;
    return undefined;
  });
  return { handler, release };
}
