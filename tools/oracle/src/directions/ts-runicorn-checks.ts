import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ConnectionError,
  connect,
  NotFoundError,
  RunicornAPIError,
  type RunicornClient,
  ServerError,
  utils,
} from '@trainwire/metrics/runicorn';
import type { RunicornSeed } from '../servers/real-servers.js';
import { assertThat, type Check, expectError } from './check-runner.js';

/** Where the checks run: the real viewer's origin and what the Runicorn SDK put in it. */
export interface RunicornTarget {
  origin: string;
  seed: RunicornSeed;
  /** A loopback port nothing listens on: the SSH host `remote.connect` is sent to. */
  closedPort: number;
  /** The run's scratch folder (downloads go below it). */
  scratch: string;
}

/**
 * Every method seed 004 documents (and the artifact and remote calls our client adds), against the
 * real Runicorn viewer v0.5.3 holding data its own SDK wrote: two `demo-model` versions (so
 * `latest` has something to choose), a dataset the second model's run used, a failed run.
 */
export function runicornChecks(target: RunicornTarget): Check[] {
  const { seed } = target;
  const [dataRun, firstModelRun, secondModelRun, failedRun] = seed.runs as [string, string, string, string];
  const newest = Math.max(...(seed.artifacts['demo-model'] ?? []));
  let client: RunicornClient | undefined;
  const viewer = () => {
    assertThat(client, 'connect() failed, so there is no client');
    return client;
  };
  const versionOf = async (id: string, signal: AbortSignal) => (await viewer().artifacts.getArtifact(id, {}, { signal })).version;

  return [
    {
      call: 'connect()',
      run: async () => {
        client = await connect(target.origin);
        assertThat(client.baseURL === target.origin, `baseURL ${client.baseURL}`);
      },
    },
    {
      call: 'listExperiments()',
      run: async ({ signal }) => {
        const experiments = await viewer().listExperiments({}, { signal });
        const ids = experiments.map((experiment) => experiment.id);
        assertThat(
          ids.length === seed.runs.length && seed.runs.every((id) => ids.includes(id)),
          `expected the ${seed.runs.length} seeded runs, got ${JSON.stringify(ids)}`,
        );
        const times = experiments.map((experiment) => Number(experiment.created_time));
        assertThat(
          times.every((time, index) => index === 0 || time <= (times[index - 1] as number)),
          `expected newest first, got created_time ${JSON.stringify(times)}`,
        );
      },
    },
    {
      call: 'listExperiments({ project, status, limit, offset })',
      run: async ({ signal }) => {
        const vision = await viewer().listExperiments({ project: 'oracle-vision' }, { signal });
        assertThat(
          vision.length === 3 && vision.every((item) => item.project === 'oracle-vision'),
          `project filter gave ${vision.length} runs`,
        );
        const failed = await viewer().listExperiments({ status: 'failed' }, { signal });
        assertThat(
          failed.length === 1 && failed[0]?.id === failedRun,
          `status filter gave ${JSON.stringify(failed.map((item) => item.id))}`,
        );
        const all = await viewer().listExperiments({}, { signal });
        const page = await viewer().listExperiments({ limit: 2, offset: 1 }, { signal });
        assertThat(
          JSON.stringify(page.map((item) => item.id)) === JSON.stringify(all.slice(1, 3).map((item) => item.id)),
          `limit 2 offset 1 gave ${JSON.stringify(page.map((item) => item.id))}`,
        );
      },
    },
    {
      call: 'getExperiment(run_id)',
      run: async ({ signal }) => {
        const run = await viewer().getExperiment(secondModelRun, { signal });
        assertThat(run.id === secondModelRun, `got run ${run.id}`);
        assertThat(run.status === 'finished', `status ${run.status}`);
      },
    },
    {
      call: 'getRun(run_id)',
      run: async ({ signal }) => {
        const run = await viewer().getRun(failedRun, { signal });
        assertThat(run.id === failedRun && run.status === 'failed', `got ${run.id} ${run.status}`);
      },
    },
    {
      call: 'getExperiment(unknown id) → NotFoundError',
      run: async ({ signal }) => {
        await expectError(viewer().getExperiment('20000101_000000_000000', { signal }), NotFoundError);
      },
    },
    {
      call: 'listProjects()',
      run: async ({ signal }) => {
        const projects = await viewer().listProjects({ signal });
        assertThat(projects.includes('oracle-vision') && projects.includes('oracle-nlp'), `got ${JSON.stringify(projects)}`);
      },
    },
    {
      call: 'getMetrics(run_id)',
      run: async ({ signal }) => {
        const { metrics } = await viewer().getMetrics(secondModelRun, {}, { signal });
        assertThat(metrics.loss?.length === 20 && metrics.accuracy?.length === 20, `curves ${JSON.stringify(Object.keys(metrics))}`);
        assertThat(metrics.loss?.[0]?.step === 1 && metrics.loss[0].value === 2, `first loss point ${JSON.stringify(metrics.loss?.[0])}`);
      },
    },
    {
      call: 'getMetrics(run_id, { metric_names, limit })',
      run: async ({ signal }) => {
        const { metrics } = await viewer().getMetrics(secondModelRun, { metric_names: ['loss'], limit: 5 }, { signal });
        assertThat(Object.keys(metrics).join() === 'loss' && metrics.loss?.length === 5, `got ${JSON.stringify(metrics).slice(0, 200)}`);
      },
    },
    {
      call: 'utils.experimentsToRows / metricsToRows',
      run: async ({ signal }) => {
        const table = utils.experimentsToRows(await viewer().listExperiments({}, { signal }));
        assertThat(table.rows.length === seed.runs.length, `${table.rows.length} experiment rows`);
        const curves = utils.metricsToRows(await viewer().getMetrics(firstModelRun, {}, { signal }));
        assertThat(curves.rows.length === 20 && curves.columns.includes('loss'), `${curves.rows.length} metric rows, ${curves.columns}`);
      },
    },
    {
      call: 'getConfig()',
      run: async ({ signal }) => {
        const config = await viewer().getConfig({ signal });
        assertThat(config.storage === seed.storage, `storage ${config.storage}`);
      },
    },
    {
      call: 'updateConfig({ user_root_dir })',
      run: async ({ signal }) => {
        const config = await viewer().updateConfig({ user_root_dir: seed.storage }, { signal });
        assertThat(config.user_root_dir === seed.storage && config.storage === seed.storage, `got ${JSON.stringify(config)}`);
      },
    },
    {
      call: 'exportExperiment(run_id, { format: "json" })',
      run: async ({ signal }) => {
        const text = new TextDecoder().decode(await viewer().exportExperiment(secondModelRun, { format: 'json' }, { signal }));
        const exported = JSON.parse(text) as Record<string, unknown>;
        assertThat(JSON.stringify(exported).includes(secondModelRun), 'the export does not name the run');
        assertThat(text.includes('accuracy') && text.includes('loss'), 'the export lacks the metrics');
      },
    },
    {
      call: 'exportExperiment(run_id, { format: "csv" })',
      run: async ({ signal }) => {
        const text = new TextDecoder().decode(await viewer().exportExperiment(secondModelRun, { format: 'csv' }, { signal }));
        const [header, ...lines] = text.trim().split(/\r?\n/);
        assertThat(header?.includes('step') && header.includes('loss'), `header ${header}`);
        assertThat(lines.length === 20, `${lines.length} data lines`);
      },
    },
    {
      call: 'artifacts.listArtifacts()',
      run: async ({ signal }) => {
        const names = (await viewer().artifacts.listArtifacts({}, { signal })).map((item) => item.name).sort();
        assertThat(JSON.stringify(names) === JSON.stringify(['demo-data', 'demo-model']), `got ${JSON.stringify(names)}`);
        const models = await viewer().artifacts.listArtifacts({ type: 'model' }, { signal });
        assertThat(models.length === 1 && models[0]?.name === 'demo-model', `type model gave ${JSON.stringify(models.map((m) => m.name))}`);
      },
    },
    {
      call: 'artifacts.listVersions("demo-model") newest first',
      run: async ({ signal }) => {
        const versions = (await viewer().artifacts.listVersions('demo-model', {}, { signal })).map((item) => item.version);
        assertThat(JSON.stringify(versions) === JSON.stringify([2, 1]), `got versions in the order ${JSON.stringify(versions)}`);
      },
    },
    {
      call: 'artifacts.getArtifact("demo-model:v1")',
      run: async ({ signal }) => {
        const artifact = await viewer().artifacts.getArtifact('demo-model:v1', {}, { signal });
        assertThat(artifact.version === 1 && artifact.name === 'demo-model', `got ${artifact.name} v${artifact.version}`);
      },
    },
    {
      call: 'artifacts.getArtifact("demo-model:latest")',
      run: async ({ signal }) => {
        const version = await versionOf('demo-model:latest', signal);
        assertThat(version === newest, `returned v${version}; the newest is v${newest}`);
      },
    },
    {
      call: 'artifacts.getArtifact("demo-model")',
      run: async ({ signal }) => {
        const version = await versionOf('demo-model', signal);
        assertThat(version === newest, `returned v${version}; the newest is v${newest}`);
      },
    },
    {
      call: 'artifacts.getArtifact("demo-model:v9") → NotFoundError',
      run: async ({ signal }) => {
        await expectError(viewer().artifacts.getArtifact('demo-model:v9', {}, { signal }), NotFoundError);
      },
    },
    {
      call: 'artifacts.listArtifactFiles("demo-model:v2")',
      run: async ({ signal }) => {
        const listing = await viewer().artifacts.listArtifactFiles('demo-model:v2', {}, { signal });
        const paths = listing.files.map((file) => file.path).sort();
        assertThat(JSON.stringify(paths) === JSON.stringify(['config.json', 'weights.bin']), `files ${JSON.stringify(paths)}`);
      },
    },
    {
      call: 'artifacts.downloadArtifact("demo-model:v2")',
      run: async ({ signal }) => {
        const folder = await mkdtemp(join(target.scratch, 'download-'));
        const written = await viewer().artifacts.downloadArtifact('demo-model:v2', folder, {}, { signal });
        assertThat(written.length === 2, `${written.length} files written`);
        const weights = await readFile(join(folder, 'weights.bin'), 'utf8');
        assertThat(weights.startsWith('weights v2'), `weights.bin holds ${JSON.stringify(weights.slice(0, 20))}`);
      },
    },
    {
      call: 'artifacts.getArtifactLineage("demo-model:v2")',
      run: async ({ signal }) => {
        const lineage = await viewer().artifacts.getArtifactLineage('demo-model:v2', {}, { signal });
        const text = JSON.stringify(lineage);
        assertThat(
          text.includes('demo-data') && text.includes(secondModelRun),
          `the lineage misses the dataset or the run: ${text.slice(0, 300)}`,
        );
      },
    },
    {
      call: 'artifacts.listExperimentArtifacts(run_id)',
      run: async ({ signal }) => {
        const text = JSON.stringify(await viewer().artifacts.listExperimentArtifacts(secondModelRun, { signal }));
        assertThat(text.includes('demo-model') && text.includes('demo-data'), `got ${text.slice(0, 300)}`);
        const data = JSON.stringify(await viewer().artifacts.listExperimentArtifacts(dataRun, { signal }));
        assertThat(data.includes('demo-data'), `the dataset run lists ${data.slice(0, 200)}`);
      },
    },
    {
      call: 'remote.connect(host) to a closed port → ServerError',
      run: async ({ signal }) => {
        const error = await expectError(
          viewer().remote.connect(
            '127.0.0.1',
            { port: target.closedPort, username: 'oracle', password: 'oracle-not-a-secret' },
            { signal },
          ),
          ServerError,
        );
        assertThat(!error.message.includes('oracle-not-a-secret'), 'the password is in the error message');
      },
    },
    {
      call: 'remote.startViewer(connection_id, remote_root) to a closed port → RunicornAPIError',
      run: async ({ signal }) => {
        await expectError(
          viewer().remote.startViewer(`oracle@127.0.0.1:${target.closedPort}`, '/tmp/runicorn-remote', { password: 'x' }, { signal }),
          RunicornAPIError,
        );
      },
    },
    {
      call: 'remote.listSessions()',
      run: async ({ signal }) => {
        const sessions = await viewer().remote.listSessions({ signal });
        assertThat(Array.isArray(sessions) && sessions.length === 0, `got ${JSON.stringify(sessions)}`);
      },
    },
    {
      call: 'close()',
      run: async () => {
        await viewer().close();
        await expectError(viewer().getConfig(), ConnectionError);
      },
    },
  ];
}
