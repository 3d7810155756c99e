import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chrootPython, hostPython, type OracleEnvironment, type PythonCommand } from '../environment/python-commands.js';
import { runCommand } from '../environment/run-command.js';
import { type RunningServer, startPythonServer } from './python-server.js';

/** What the Runicorn SDK made before the viewer started. */
export interface RunicornSeed {
  /** Run ids, oldest first: `prepare-data`, resnet run 1, resnet run 2, the failed `bert`. */
  runs: string[];
  /** Artifact name → versions made (`demo-model`: [1, 2], `demo-data`: [1]). */
  artifacts: Record<string, number[]>;
  /** The viewer's storage root. */
  storage: string;
}

/** What tg_tinker made on the TenSafe server. */
export interface TenSafeSeed {
  training_client_id: string;
  private_training_client_id: string;
  future_ids: string[];
  future_statuses: string[];
  artifact_id: string;
}

/** The key TenSafe clients use against both the real server (which takes any key) and the mock. */
export const TENSAFE_KEY = 'ts-test-key';

/** Make runs, metrics and artifacts with the Runicorn SDK, then serve them with the real viewer (bookworm python). */
export async function startRunicornViewer(environment: OracleEnvironment): Promise<{ server: RunningServer; seed: RunicornSeed }> {
  // The storage root sits in a folder of its own: the viewer's v2 index writes beside it.
  const storage = join(environment.workDir, 'runicorn', 'storage');
  await mkdir(join(environment.workDir, 'runicorn'), { recursive: true });
  const made = await runJson<Omit<RunicornSeed, 'storage'>>(
    hostPython(environment, 'python/seed_runicorn.py', [storage, join(environment.workDir, 'runicorn', 'files')]),
  );
  // Run from the storage root itself: `POST /api/config/user_root_dir` with no path moves the viewer to its working folder.
  const viewer = hostPython(environment, 'python/serve.py', ['runicorn.viewer:create_app', '--factory', '--kwarg', `storage=${storage}`]);
  const server = await startPythonServer('the Runicorn viewer', { ...viewer, cwd: storage }, { healthPath: '/api/health' });
  return { server, seed: { ...made, storage } };
}

/** Start the TenSafe server in the chroot (mock backend, sqlite in the chroot's private /tmp, rate limit raised), then seed it with tg_tinker. */
export async function startTenSafeServer(environment: OracleEnvironment): Promise<{ server: RunningServer; seed: TenSafeSeed }> {
  const server = await startPythonServer(
    'the TenSafe server',
    chrootPython(environment, 'python/serve.py', ['tensorguard.platform.main:app'], {
      TENSAFE_ENV: 'local',
      TENSAFE_USE_MOCK: '1',
      DATABASE_URL: 'sqlite:////tmp/tensafe.db',
      // Its default (60 a minute, burst 10) is below what future polling needs.
      TG_RATE_LIMIT_PER_MINUTE: '100000',
      TG_RATE_LIMIT_PER_HOUR: '1000000',
      TG_RATE_LIMIT_BURST: '100000',
    }),
    { healthPath: '/api/v1/health' },
  );
  try {
    const seed = await runJson<TenSafeSeed>(chrootPython(environment, 'python/seed_tensafe.py', [`${server.origin}/api`, TENSAFE_KEY]));
    return { server, seed };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Run a Python script to its end and parse the last line it printed that is a JSON object. */
async function runJson<T>(command: PythonCommand): Promise<T> {
  const { stdout } = await runCommand(command.command, command.args, { env: command.env, cwd: command.cwd, timeoutMs: 180_000 });
  const line = stdout
    .split('\n')
    .reverse()
    .find((candidate) => candidate.startsWith('{'));
  if (!line) throw new Error(`${command.args.join(' ')} printed no JSON:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as T;
}
