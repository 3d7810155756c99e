import { clientSource, type TransportCall, transportCalls, walkOperations } from '@trainwire/testing/operation-walk';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMetricsMock, createRunicornMock, metricsService, runicornService } from './mocks/index.js';

let calls: TransportCall[] = [];
// Building the TypeScript program takes seconds; on a loaded 2-core machine, many.
beforeAll(() => {
  // The Syvain functions page through `paginate(core, path, ...)`, which calls the transport with the path it is given.
  calls = transportCalls('tsconfig.json', clientSource, [{ name: 'paginate', method: 'GET', pathArgument: 1 }]);
}, 180_000);

describe('the Syvain Metrics operation table', () => {
  it('has a client method for every operation and a mock handler that answers each (not 501)', async () => {
    const problems = await walkOperations({
      service: metricsService,
      calls: calls.filter((call) => call.site.startsWith('src/metrics/')),
      unwrapped: {},
      forwarding: { 'src/metrics/syvain-metrics-functions.ts › fetchPage': 'the page fetcher of paginate; its callers are read instead' },
      mock: {
        handlers: createMetricsMock().handlers,
        baseURL: metricsService.servers[0] as string,
        headers: { authorization: 'Bearer ak_org_trainwire_test' },
      },
    });
    expect(problems).toEqual([]);
  }, 60_000);
});

// Why the Runicorn client leaves these viewer routes alone: it offers the documented Python client
// (`runicorn.api`, seed 004; the spec marks what it implements with `x-documented-as`), and these
// routes serve the viewer's own web UI.
const WEB_UI = "a view of the viewer's web UI (dashboards, analytics, monitors); runicorn.api documents no such call";
const PREFERENCES = "the web UI's own preferences (column widths, dismissed alerts)";
const DESTRUCTIVE = 'deletes, restores, tags or imports runs or artifacts from the web UI; runicorn.api documents none of these';
const LIFECYCLE = "the web UI's model lifecycle (promote, evaluate); runicorn.api's artifacts module documents neither";
const SAVED_SSH = "the web UI's saved SSH connections and remote settings; runicorn.api.remote connects with explicit parameters";

const RUNICORN_UNWRAPPED: Record<string, string> = {
  'POST /api/status/check': WEB_UI,
  'GET /api/metrics/cache/stats': WEB_UI,
  'GET /api/runs/{run_id}/progress': WEB_UI,
  'GET /api/runs/{run_id}/metrics_step': WEB_UI,
  'GET /api/system/monitor': WEB_UI,
  'GET /api/system/temperatures': WEB_UI,
  'GET /api/v2/analytics/overview': WEB_UI,
  'GET /api/v2/analytics/projects': WEB_UI,
  'GET /api/v2/analytics/performance-trends': WEB_UI,
  'GET /api/v2/analytics/health': WEB_UI,
  'GET /api/v2/experiments/{exp_id}': WEB_UI,
  'GET /api/v2/experiments/{exp_id}/metrics/fast': WEB_UI,
  'GET /api/experiments/search': WEB_UI,
  'GET /api/projects/{project}/names': WEB_UI,
  'GET /api/projects/{project}/names/{name}/runs': WEB_UI,
  'GET /api/export/{run_id}/report': WEB_UI,
  'GET /api/environment/{run_id}': WEB_UI,
  'GET /api/artifacts/stats': WEB_UI,
  'GET /api/artifacts/{name}/training-metrics': WEB_UI,
  'GET /api/artifacts/{name}/performance-history': WEB_UI,
  'GET /api/config/column-widths': PREFERENCES,
  'POST /api/config/column-widths': PREFERENCES,
  'DELETE /api/config/column-widths': PREFERENCES,
  'POST /api/config/column-widths/reset': PREFERENCES,
  'GET /api/config/dismissed-alerts': PREFERENCES,
  'POST /api/config/dismissed-alerts/dismiss': PREFERENCES,
  'POST /api/config/dismissed-alerts/undismiss': PREFERENCES,
  'POST /api/config/dismissed-alerts/clear': PREFERENCES,
  'POST /api/runs/soft-delete': DESTRUCTIVE,
  'GET /api/recycle-bin': DESTRUCTIVE,
  'POST /api/recycle-bin/restore': DESTRUCTIVE,
  'POST /api/recycle-bin/empty': DESTRUCTIVE,
  'POST /api/experiments/tag': DESTRUCTIVE,
  'DELETE /api/experiments/delete': DESTRUCTIVE,
  'POST /api/v2/experiments/batch-delete': DESTRUCTIVE,
  'DELETE /api/artifacts/{artifact_name}/v{version}': DESTRUCTIVE,
  'POST /api/import/archive': DESTRUCTIVE,
  'POST /api/artifacts/{name}/v{version}/promote': LIFECYCLE,
  'POST /api/artifacts/{name}/v{version}/evaluate': LIFECYCLE,
  'GET /api/artifacts/{name}/evaluations': LIFECYCLE,
  'GET /api/config/ssh_connections': SAVED_SSH,
  'POST /api/config/ssh_connections': SAVED_SSH,
  'GET /api/config/ssh_connections/{key}/details': SAVED_SSH,
  'DELETE /api/config/ssh_connections/{key}': SAVED_SSH,
  'GET /api/remote/conda-envs': SAVED_SSH,
  'GET /api/remote/config': SAVED_SSH,
  'GET /api/remote/connections/saved': SAVED_SSH,
  'POST /api/remote/connections/saved': SAVED_SSH,
};

// The released viewer answers 501 on these routes itself (its experiment manager and report exporter
// fail to import; the spec declares the 501), and the mock answers as it does. The CSV export does
// too, unless the mock is told otherwise, as below.
const RUNICORN_VIEWER_501 = [
  'mock: DELETE /api/experiments/delete answers 501',
  'mock: GET /api/experiments/search answers 501',
  'mock: GET /api/export/{run_id}/report answers 501',
  'mock: POST /api/experiments/tag answers 501',
];

describe('the Runicorn operation table', () => {
  it('has a client method for every documented operation and a mock handler that answers each (501 only where the viewer does)', async () => {
    const problems = await walkOperations({
      service: runicornService,
      calls: calls.filter((call) => call.site.startsWith('src/runicorn/')),
      unwrapped: RUNICORN_UNWRAPPED,
      forwarding: {
        'src/runicorn/runicorn-caller.ts › request': 'RunicornCaller.request passes every call through; its callers are read instead',
        'src/runicorn/runicorn-caller.ts › requestRaw': 'RunicornCaller.requestRaw passes every call through; its callers are read instead',
      },
      // Released viewers answer 501 for the CSV export; the mock imitates that unless told otherwise.
      mock: { handlers: createRunicornMock({ exportAvailable: true }).handlers, baseURL: runicornService.servers[0] as string },
    });
    expect(problems).toEqual(RUNICORN_VIEWER_501);
  }, 60_000);
});
