import type { OracleEnvironment } from './environment/python-commands.js';
import type { Direction, ServiceName } from './report/outcome.js';
import { closedPort } from './servers/closed-port.js';
import type { RunningServer } from './servers/python-server.js';
import { type RunicornSeed, startRunicornViewer, startTenSafeServer, type TenSafeSeed } from './servers/real-servers.js';
import { type RecordedSandbox, startRecordedSandbox } from './servers/sandbox-server.js';

/** What a run selected with --only and --direction. */
export interface Selection {
  services: ReadonlySet<ServiceName>;
  directions: ReadonlySet<Direction>;
}

/** The servers a run started (only those its selection needs). */
export interface Servers {
  runicorn?: { server: RunningServer; seed: RunicornSeed };
  tensafe?: { server: RunningServer; seed: TenSafeSeed };
  sandbox?: RecordedSandbox;
  /** A loopback port nothing listens on: where remote (SSH) routes are sent. */
  closedPort: number;
  stop(): Promise<void>;
}

/**
 * Start, in parallel, what the selection needs: the Runicorn viewer (every Runicorn direction
 * compares with it), the TenSafe server (likewise), and trainwire-sandbox (py and diff).
 */
export async function startServers(environment: OracleEnvironment, selection: Selection): Promise<Servers> {
  const { services, directions } = selection;
  const needSandbox = directions.has('py') || directions.has('diff');
  const servers: Servers = { closedPort: await closedPort(), stop: async () => undefined };
  const started = await Promise.allSettled([
    services.has('runicorn') ? startRunicornViewer(environment).then((value) => (servers.runicorn = value)) : undefined,
    services.has('tensafe') ? startTenSafeServer(environment).then((value) => (servers.tensafe = value)) : undefined,
    needSandbox ? startRecordedSandbox().then((value) => (servers.sandbox = value)) : undefined,
  ]);
  servers.stop = async () => {
    await Promise.all([servers.runicorn?.server.stop(), servers.tensafe?.server.stop(), servers.sandbox?.sandbox.close()]);
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure) {
    await servers.stop();
    throw failure.reason;
  }
  return servers;
}
