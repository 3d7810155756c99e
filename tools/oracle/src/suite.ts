import { runicornService } from '@trainwire/metrics/msw';
import { tensafeService } from '@trainwire/tinker/msw';
import { type Check, runChecks } from './directions/check-runner.js';
import { runDiff } from './directions/diff-direction.js';
import { runicornOverrides, runicornStartBindings, tensafeOverrides, tensafeStartBindings } from './directions/diff-overrides.js';
import { planDiff } from './directions/diff-plan.js';
import { type DriverRun, runDriver } from './directions/python-driver.js';
import { judgePythonCalls } from './directions/python-verdicts.js';
import { runicornChecks } from './directions/ts-runicorn-checks.js';
import { tensafeChecks } from './directions/ts-tensafe-checks.js';
import { chrootPython, hostPython, type OracleEnvironment } from './environment/python-commands.js';
import type { Direction, Row, ServiceName } from './report/outcome.js';
import type { UpstreamDefect } from './report/upstream-defects.js';
import { startPrefixProxy } from './servers/prefix-proxy.js';
import { TENSAFE_KEY } from './servers/real-servers.js';
import type { Selection, Servers } from './suite-servers.js';

/** How long one Python SDK call may take before the driver gives it up (an SDK retrying forever). */
const PY_DEADLINE_SECONDS = 30;

/** Everything a direction needs. */
interface Context {
  environment: OracleEnvironment;
  servers: Servers;
  defects: readonly UpstreamDefect[];
}

/**
 * Run the selected directions, one after another (the diff, which deletes runs and artifacts,
 * last); within a direction the services run side by side, each against its own servers.
 */
export async function runSuite(
  context: Context,
  selection: Selection,
  onDirection: (direction: Direction, milliseconds: number) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  const work: Record<Direction, Partial<Record<ServiceName, () => Promise<Row[]>>>> = {
    ts: { runicorn: () => tsRunicorn(context), tensafe: () => tsTenSafe(context) },
    py: { tinker: () => pyTinker(context), tensafe: () => pyTenSafe(context), runicorn: () => pyRunicorn(context) },
    diff: { runicorn: () => diffRunicorn(context), tensafe: () => diffTenSafe(context) },
  };
  for (const direction of ['ts', 'py', 'diff'] as const) {
    if (!selection.directions.has(direction)) continue;
    const started = performance.now();
    const jobs = Object.entries(work[direction])
      .filter(([service]) => selection.services.has(service as ServiceName))
      .map(([, job]) => (job as () => Promise<Row[]>)());
    for (const result of await Promise.all(jobs)) rows.push(...result);
    onDirection(direction, performance.now() - started);
  }
  return rows;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not running`);
  return value;
}

function tsRunicorn({ environment, servers, defects }: Context): Promise<Row[]> {
  const { server, seed } = need(servers.runicorn, 'the Runicorn viewer');
  const checks: Check[] = runicornChecks({ origin: server.origin, seed, closedPort: servers.closedPort, scratch: environment.workDir });
  return runChecks('runicorn', checks, defects);
}

function tsTenSafe({ environment, servers, defects }: Context): Promise<Row[]> {
  const { server, seed } = need(servers.tensafe, 'the TenSafe server');
  return runChecks('tensafe', tensafeChecks({ origin: server.origin, seed, scratch: environment.workDir }), defects);
}

async function pyTinker({ environment, servers, defects }: Context): Promise<Row[]> {
  const { sandbox, requests } = need(servers.sandbox, 'trainwire-sandbox');
  const config = { base_url: sandbox.urls.tinker, api_key: sandbox.env.TINKER_API_KEY, deadline: PY_DEADLINE_SECONDS };
  const run = await runDriver(chrootPython(environment, 'drivers/tinker_sdk_driver.py', [JSON.stringify(config)]), {
    entries: requests,
    service: 'tinker',
  });
  return judgePythonCalls('tinker', 'tinker', { sandbox: run }, defects);
}

async function pyTenSafe({ environment, servers, defects }: Context): Promise<Row[]> {
  const { sandbox, requests } = need(servers.sandbox, 'trainwire-sandbox');
  const real = need(servers.tensafe, 'the TenSafe server');
  const driver = (config: Record<string, unknown>, log?: Parameters<typeof runDriver>[1]): Promise<DriverRun> =>
    runDriver(chrootPython(environment, 'python/drive_tg_tinker.py', [JSON.stringify({ ...config, deadline: PY_DEADLINE_SECONDS })]), log);
  const [realRun, sandboxRun] = await Promise.all([
    driver({ base_url: `${real.server.origin}/api`, api_key: TENSAFE_KEY }),
    driver({ base_url: sandbox.urls.tensafe, api_key: sandbox.env.TS_API_KEY }, { entries: requests, service: 'tensafe' }),
  ]);
  return judgePythonCalls('tensafe', 'tg_tinker', { real: realRun, sandbox: sandboxRun }, defects);
}

async function pyRunicorn({ environment, servers, defects }: Context): Promise<Row[]> {
  const { sandbox, requests } = need(servers.sandbox, 'trainwire-sandbox');
  const real = need(servers.runicorn, 'the Runicorn viewer');
  const proxy = await startPrefixProxy(sandbox.urls.runicorn);
  try {
    const mock = await firstIds(sandbox.urls.runicorn);
    const driver = (config: Record<string, unknown>, log?: Parameters<typeof runDriver>[1]): Promise<DriverRun> =>
      runDriver(
        hostPython(environment, 'python/drive_runicorn_api.py', [
          JSON.stringify({ ...config, closed_port: servers.closedPort, deadline: PY_DEADLINE_SECONDS }),
        ]),
        log,
      );
    const [realRun, sandboxRun] = await Promise.all([
      driver({ base_url: real.server.origin, run_id: real.seed.runs[2], artifact: 'demo-model' }),
      driver({ base_url: proxy.origin, ...mock }, { entries: requests, service: 'runicorn' }),
    ]);
    return judgePythonCalls(
      'runicorn',
      'runicorn.api',
      { real: realRun, sandbox: sandboxRun },
      defects,
      new Set(['metadata', 'user_metadata']),
    );
  } finally {
    await proxy.close();
  }
}

/** A finished run and a model artifact of the mock, for the Python client's id arguments. */
async function firstIds(baseURL: string): Promise<{ run_id: string; artifact: string }> {
  const read = async (path: string) => (await (await fetch(`${baseURL}${path}`)).json()) as Record<string, unknown>[];
  const runs = await read('/api/runs');
  const artifacts = await read('/api/artifacts');
  const run = runs.find((item) => item.status === 'finished') ?? runs[0];
  const artifact = artifacts.find((item) => item.type === 'model') ?? artifacts[0];
  return { run_id: String(run?.id ?? 'missing-run'), artifact: String(artifact?.name ?? 'missing-artifact') };
}

function diffRunicorn({ servers, defects }: Context): Promise<Row[]> {
  const { sandbox } = need(servers.sandbox, 'trainwire-sandbox');
  const real = need(servers.runicorn, 'the Runicorn viewer');
  const bindings = () => runicornStartBindings(servers.closedPort);
  return runDiff(
    'runicorn',
    runicornService,
    planDiff(runicornService, runicornOverrides),
    {
      real: { baseURL: real.server.origin, headers: {}, bindings: bindings() },
      mock: { baseURL: sandbox.urls.runicorn, headers: {}, bindings: bindings() },
    },
    defects,
    // The two sides hold different runs and artifacts: what a user logged differs by design.
    new Set(['metadata', 'user_metadata']),
  );
}

function diffTenSafe({ servers, defects }: Context): Promise<Row[]> {
  const { sandbox } = need(servers.sandbox, 'trainwire-sandbox');
  const real = need(servers.tensafe, 'the TenSafe server');
  return runDiff(
    'tensafe',
    tensafeService,
    planDiff(tensafeService, tensafeOverrides),
    {
      real: {
        baseURL: `${real.server.origin}/api`,
        headers: { authorization: `Bearer ${TENSAFE_KEY}` },
        bindings: { ...tensafeStartBindings },
      },
      mock: {
        baseURL: sandbox.urls.tensafe,
        headers: { authorization: `Bearer ${sandbox.env.TS_API_KEY}` },
        bindings: { ...tensafeStartBindings },
      },
    },
    defects,
  );
}
