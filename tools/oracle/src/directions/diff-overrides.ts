import type { Bindings } from '../compare/sample-value.js';
import type { DiffOverride } from './diff-plan.js';

type Item = Record<string, unknown>;
const list = (answer: unknown): Item[] => (Array.isArray(answer) ? (answer as Item[]) : []);

/**
 * The values every Runicorn request may need, by field name, before anything is read: the SSH
 * target is a loopback port nothing listens on, so every remote route fails at once on both sides.
 */
export function runicornStartBindings(closedPort: number): Bindings {
  return {
    host: '127.0.0.1',
    port: closedPort,
    username: 'oracle',
    password: 'oracle-not-a-secret',
    connection_id: `oracle@127.0.0.1:${closedPort}`,
    key: `oracle@127.0.0.1:${closedPort}`,
    session_id: 'oracle-unknown-session',
    remote_root: '/tmp/runicorn-remote',
    alert_id: 'oracle-alert',
    table: 'experiments',
    size: 'default',
    widths: { name: 120 },
    metric_name: 'loss',
    to_stage: 'staging',
    confirm: true,
  };
}

/**
 * How the differential run exercises the Runicorn viewer's routes, where the generic request will
 * not do: which run and artifact the ids come from, and an order in which a deletion comes after
 * every read of what it deletes.
 */
export const runicornOverrides: Record<string, DiffOverride> = {
  listRuns: {
    order: 1,
    capture: (answer) => {
      // The finished run with the best metric: on the real viewer, the run that made demo-model v2 from demo-data.
      const runs = list(answer).filter((run) => run.status === 'finished');
      runs.sort((left, right) => Number(right.best_metric_value ?? -Infinity) - Number(left.best_metric_value ?? -Infinity));
      const run = runs[0] ?? list(answer)[0];
      return run ? { run_id: run.id, run_ids: [run.id], project: run.project, run_name: run.name } : {};
    },
  },
  listArtifacts: {
    order: 1,
    capture: (answer) => {
      const models = list(answer).filter((artifact) => artifact.type === 'model');
      models.sort((left, right) => Number(right.num_versions ?? 0) - Number(left.num_versions ?? 0));
      const artifact = models[0] ?? list(answer)[0];
      return artifact ? { artifact_name: artifact.name, name: artifact.name, version: artifact.latest_version, type: artifact.type } : {};
    },
  },
  getConfig: { order: 1, capture: (answer) => ({ path: (answer as Item | null)?.storage }) },
  listRunsByName: { pathFrom: { name: 'run_name' } },
  getExperimentV2: { pathFrom: { exp_id: 'run_id' } },
  getMetricsFastV2: { pathFrom: { exp_id: 'run_id' } },
  saveSshConnection: { order: 40, body: (bindings) => ({ host: bindings.host, port: bindings.port, username: bindings.username }) },
  getSshConnectionDetails: { order: 41 },
  deleteSshConnection: { order: 42 },
  saveColumnWidths: { order: 43 },
  getColumnWidths: { order: 44 },
  resetColumnWidths: { order: 45 },
  resetColumnWidthPreferences: { order: 46 },
  dismissAlert: { order: 47 },
  getDismissedAlerts: { order: 48 },
  undismissAlert: { order: 49 },
  saveConnectionConfig: { body: () => [] },
  // The viewer stores the new root for later starts and switches to it: give it the root it already has.
  setUserRoot: { order: 60 },
  importArchive: {
    body: () => {
      const form = new FormData();
      form.append('file', new Blob(['this is not an archive']), 'runs.zip');
      return form;
    },
  },
  connectRemote: { order: 70 },
  startRemoteViewer: { order: 71 },
  disconnectRemote: { order: 72 },
  stopRemoteViewer: { order: 72 },
  evaluateModel: { order: 75 },
  // After the promote route writes a `production` alias, GET .../v{N} answers 500 (upstream): promote after every read.
  promoteModel: { order: 85 },
  softDeleteRuns: { order: 86 },
  listDeletedRuns: { order: 87 },
  restoreRuns: { order: 88 },
  deleteArtifactVersion: { order: 92, query: () => ({}) },
  batchDeleteExperimentsV2: { order: 94, body: (bindings) => ({ exp_ids: bindings.run_ids }) },
  deleteExperiments: { order: 95, body: (bindings) => ({ run_ids: bindings.run_ids }) },
  emptyRecycleBin: { order: 99 },
};

/** TenSafe's requests start from nothing: create a training client, step it, save it, then read. */
export const tensafeStartBindings: Bindings = {
  model_ref: 'meta-llama/Llama-3-8B',
  prompts: ['Hello there'],
};

const BATCH = { input_ids: [[101, 102, 103]], attention_mask: [[1, 1, 1]], labels: [[102, 103, 104]] };

/** How the differential run exercises TenSafe: the objects the reads need are made first, on each side. */
export const tensafeOverrides: Record<string, DiffOverride> = {
  createTrainingClient: {
    order: 1,
    body: (bindings) => ({ model_ref: bindings.model_ref, lora_config: { rank: 16 } }),
    capture: (answer) => ({ training_client_id: (answer as Item).training_client_id }),
  },
  forwardBackward: { order: 2, body: () => ({ batch: BATCH }), capture: (answer) => ({ future_id: (answer as Item).future_id }) },
  optimStep: { order: 3, body: () => ({ apply_dp_noise: true }) },
  sample: { order: 4 },
  saveState: {
    order: 5,
    body: () => ({ include_optimizer: true, metadata: { suite: 'oracle' } }),
    capture: (answer) => ({ artifact_id: (answer as Item).artifact_id }),
  },
  getAuditLogs: { query: (bindings) => ({ training_client_id: bindings.training_client_id, limit: 50 }) },
  loadState: { order: 30 },
  cancelFuture: { order: 40 },
  deleteTrainingClient: { order: 99 },
};
