import { createOperationMatcher, mockHttp } from '@trainwire/core/mock-kit';
import type { RequestHandler } from 'msw';
import { service } from '../generated/runicorn-service.js';
import { artifactHandlers } from './runicorn-artifact-handlers.js';
import { configHandlers } from './runicorn-config-handlers.js';
import { exportHandlers } from './runicorn-export-handlers.js';
import { lifecycleHandlers } from './runicorn-lifecycle-handlers.js';
import { detail, type RunicornMockContext } from './runicorn-mock-http.js';
import { remoteHandlers } from './runicorn-remote-handlers.js';
import { runHandlers } from './runicorn-run-handlers.js';
import { RunicornMockState } from './runicorn-state.js';
import { v2Handlers } from './runicorn-v2-handlers.js';

export { service as runicornService } from '../generated/runicorn-service.js';
export type {
  MockArtifact as RunicornMockArtifact,
  MockArtifactFile as RunicornMockArtifactFile,
  MockArtifactUse as RunicornMockArtifactUse,
  MockArtifactVersion as RunicornMockArtifactVersion,
  MockRun as RunicornMockRun,
} from './runicorn-mock-data.js';
export { runicornRejection } from './runicorn-rejection.js';
export { type RunicornMockConnection, RunicornMockState } from './runicorn-state.js';

/** Options of {@link createRunicornMock}. */
export interface RunicornMockOptions {
  /** @default 'http://127.0.0.1:23300' */
  baseURL?: string;
  /**
   * Require `Authorization: Bearer <apiKey>` on every request, like a viewer behind an
   * authenticating proxy. @default none: the viewer itself has no authentication
   */
  apiKey?: string;
  /** Makes the seeded runs, curves and artifacts the same on every start. @default 1 */
  seed?: number;
  /** Scales simulated time: the running run logs `speed` steps per wall-clock second. @default 1 */
  speed?: number;
  /** Serve `GET /api/export/{run_id}/csv`; released viewers (0.5.3/0.6.0) answer 501 there. @default false */
  exportAvailable?: boolean;
  /** The viewer's storage root; artifact files report absolute paths under it. @default '/data/runicorn' */
  storage?: string;
  /** The viewer's working directory, where `POST /api/config/user_root_dir` without a path points. @default '/home/runicorn' */
  workingDirectory?: string;
  /** `/api/remote/connect` calls allowed per 60 s (the viewer's limit). @default 10 */
  connectRateLimit?: number;
  /**
   * The viewer release to imitate. `0.6.0` removed `/api/v2/*` and `/api/artifacts*` (they answer
   * 404) and lists runs with `path: "project/name"` instead of project and name. @default '0.5.3'
   */
  viewerVersion?: '0.5.3' | '0.6.0';
}

/**
 * A stateful mock of the Runicorn viewer (0.5.3 routes, as the real viewer answers them): seeded
 * experiments with metric curves (one still logging by wall clock × `speed`), the recycle bin,
 * configuration and UI preferences, artifacts listed oldest first with the aliases the viewer
 * really keeps, lineage graphs, the model lifecycle, SSH connections and remote viewer sessions, the
 * v2 index and its analytics, archive import, FastAPI error bodies (pydantic 1 422s) and status codes.
 */
export function createRunicornMock(options: RunicornMockOptions = {}): { handlers: RequestHandler[]; state: RunicornMockState } {
  const base = (options.baseURL ?? 'http://127.0.0.1:23300').replace(/\/+$/, '');
  const state = new RunicornMockState({
    seed: options.seed ?? 1,
    speed: options.speed ?? 1,
    storage: options.storage ?? '/data/runicorn',
    workingDirectory: options.workingDirectory ?? '/home/runicorn',
    exportAvailable: options.exportAvailable ?? false,
    viewerVersion: options.viewerVersion ?? '0.5.3',
  });
  const http = mockHttp(state.requestIds);
  const context: RunicornMockContext = { base, state, connectRateLimit: options.connectRateLimit ?? 10, http };

  // Every route the viewer serves, to tell a wrong method (405) from an unknown path (404).
  const basePath = new URL(base).pathname.replace(/\/+$/, '');
  const routes = createOperationMatcher(service);

  const handlers: RequestHandler[] = [
    http.all(`${base}/*`, ({ request }) => {
      if (options.apiKey) {
        const header = request.headers.get('authorization');
        if (!header) return detail(401, 'Not authenticated', { 'www-authenticate': 'Bearer' });
        if (header !== `Bearer ${options.apiKey}`) return detail(401, 'Invalid token', { 'www-authenticate': 'Bearer' });
      }
      // 0.6.0 deleted these routers; the static web UI answers what no router serves.
      const path = new URL(request.url).pathname.slice(basePath.length);
      return state.legacy && /^\/api\/(v2\/|artifacts)/.test(path) ? detail(404, 'Not Found') : undefined;
    }),
    ...runHandlers(context),
    ...artifactHandlers(context),
    ...lifecycleHandlers(context),
    ...configHandlers(context),
    ...remoteHandlers(context),
    ...v2Handlers(context),
    ...exportHandlers(context),
    // What no handler above answered: 405 for a served path with another method (PUT /api/config), else FastAPI's 404.
    http.all(`${base}/*`, ({ request }) => {
      const found = routes(request.method, new URL(request.url).pathname.slice(basePath.length));
      return 'allowed' in found ? detail(405, 'Method Not Allowed', { allow: found.allowed.join(', ') }) : detail(404, 'Not Found');
    }),
  ];
  return { handlers, state };
}
