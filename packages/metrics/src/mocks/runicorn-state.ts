import { seededRandom } from '@trainwire/core';
import { RequestIds } from '@trainwire/core/mock-kit';
import type { components } from '../generated/runicorn.js';
import {
  type MockArtifact,
  type MockArtifactUse,
  type MockArtifactVersion,
  type MockRun,
  metricRow,
  seedArtifacts,
  seedRuns,
} from './runicorn-mock-data.js';

type Schemas = components['schemas'];

/** A remote SSH connection the mock holds. */
export interface RunicornMockConnection {
  key: string;
  host: string;
  port: number;
  username: string;
  connected: boolean;
}

/** A remote viewer session, with the wall clock it started at. */
export type MockViewerSession = Schemas['ViewerSession'] & { started_ms: number };

/** A saved SSH profile (`/api/config/ssh_connections`), secrets included as the viewer stores them. */
export type MockSshProfile = Record<string, unknown> & { key: string };

/** Options of the mock's state. */
export interface RunicornStateOptions {
  seed: number;
  speed: number;
  storage: string;
  /** Where a `user_root_dir` without a path points: the viewer's working directory. */
  workingDirectory: string;
  exportAvailable: boolean;
  viewerVersion: '0.5.3' | '0.6.0';
}

/** The order in which the viewer looks for an artifact's type folder when it is not told. */
export const TYPE_SEARCH_ORDER = ['model', 'dataset', 'config', 'code', 'custom'];
/** The lifecycle stages and the moves between them the promote route allows. */
export const LIFECYCLE: Record<string, string[]> = {
  experimental: ['staging', 'archived'],
  staging: ['production', 'experimental', 'archived'],
  production: ['staging', 'archived'],
  archived: ['experimental'],
};

/** Everything the Runicorn mock knows, open for tests to inspect and change. */
export class RunicornMockState {
  readonly options: RunicornStateOptions;
  readonly random: () => number;
  /** The `x-request-id` of every answer (a stream of its own, so answering never shifts the seeded data). */
  readonly requestIds: RequestIds;
  /** The runs of the current storage root (the seeded ones live in the first root). */
  runs: MockRun[];
  /** The artifacts of the current storage root. */
  artifacts: MockArtifact[];
  readonly connections = new Map<string, RunicornMockConnection>();
  readonly viewerSessions = new Map<string, MockViewerSession>();
  /** Wall-clock ms of each recent `/api/remote/connect`, for its rate limit. */
  readonly connectTimes: number[] = [];
  readonly config: Schemas['ViewerConfig'];
  /** `ui_preferences.json`: column widths by `table@size`, dismissed alert ids. */
  readonly preferences: {
    column_widths: Map<string, { widths: Record<string, number>; window_width: number | null; window_height: number | null }>;
    dismissed_alerts: string[];
  } = { column_widths: new Map(), dismissed_alerts: [] };
  /** Saved SSH profiles, oldest first (the viewer keeps the last 10). */
  sshProfiles: MockSshProfile[] = [];
  /** The list the web UI saved through `/api/remote/connections/saved`, as it was saved. */
  savedConnections: unknown[] = [];
  /** `<storage>/evaluations/*.json`. */
  evaluations: Schemas['StoredEvaluation'][] = [];
  /** The data of each storage root used so far. */
  readonly #stores = new Map<string, Pick<RunicornMockState, 'runs' | 'artifacts' | 'evaluations'>>();
  /** The incremental metrics cache: runs read once, and how many rows each had then. */
  readonly cache = { rows: new Map<string, number>(), hits: 0, misses: 0, incremental_updates: 0, max_size: 100 };

  constructor(options: RunicornStateOptions) {
    this.options = options;
    this.random = seededRandom(options.seed);
    this.requestIds = new RequestIds({ seed: options.seed });
    this.runs = seedRuns(this.random, options.storage, Date.now());
    this.artifacts = seedArtifacts(this.runs, this.random);
    // Started with `--storage`: no user_root_dir is configured, which the viewer reports as "".
    this.config = {
      user_root_dir: '',
      storage: options.storage,
      config_file: '/home/runicorn/.config/runicorn/config.json',
    };
  }

  /**
   * Point the viewer at another storage root (`POST /api/config/user_root_dir`): a root it has not
   * seen is empty, the one it started with keeps the seeded runs and artifacts.
   */
  useStorage(root: string): void {
    this.#stores.set(this.config.storage, { runs: this.runs, artifacts: this.artifacts, evaluations: this.evaluations });
    const store = this.#stores.get(root) ?? { runs: [], artifacts: [], evaluations: [] };
    this.runs = store.runs;
    this.artifacts = store.artifacts;
    this.evaluations = store.evaluations;
    this.config.user_root_dir = root;
    this.config.storage = root;
  }

  /** Save an SSH profile as `add_ssh_connection` does: one per key, the last 10 kept. */
  saveSshProfile(profile: MockSshProfile): void {
    this.sshProfiles = [...this.sshProfiles.filter((item) => item.key !== profile.key), profile].slice(-10);
  }

  /** Bring a running run up to date: `speed` steps per second since the mock started, then finished. */
  advance(run: MockRun): void {
    if (run.status !== 'running') return;
    const elapsed = ((Date.now() - run.started_at_ms) / 1000) * this.options.speed;
    const target = Math.min(run.final_steps, 20 + Math.floor(elapsed));
    for (let step = run.rows.length + 1; step <= target; step++) run.rows.push(metricRow(run, step, this.random));
    if (run.rows.length >= run.final_steps) run.status = 'finished';
  }

  /** The runs the viewer walks, in its order (project, then name, then newest first), each brought up to date. */
  walk(includeDeleted = false): MockRun[] {
    for (const run of this.runs) this.advance(run);
    const lower = (text: string) => text.toLowerCase();
    return this.runs
      .filter((run) => includeDeleted || !run.deleted)
      .sort(
        (left, right) =>
          lower(left.project).localeCompare(lower(right.project)) ||
          lower(left.name).localeCompare(lower(right.name)) ||
          right.created_time - left.created_time,
      );
  }

  /** One run by id, up to date; a run in the recycle bin only when asked for. */
  run(id: unknown, includeDeleted = false): MockRun | undefined {
    const run = this.runs.find((item) => item.id === id && (includeDeleted || !item.deleted));
    if (run) this.advance(run);
    return run;
  }

  /** The best value of the run's primary metric so far (its `summary.json`). */
  best(run: MockRun): number | null {
    if (!run.best_metric_name) return null;
    const name = run.best_metric_name;
    const values = run.rows.map((row) => row[name]).filter((value): value is number => typeof value === 'number');
    if (values.length === 0) return null;
    return run.best_mode === 'max' ? Math.max(...values) : Math.min(...values);
  }

  /** A `RunListItem` of `GET /api/runs`. */
  listItem(run: MockRun): Schemas['RunListItem'] {
    const best = this.best(run);
    return {
      id: run.id,
      run_dir: run.run_dir,
      created_time: run.created_time,
      status: run.status,
      pid: run.pid,
      best_metric_value: best,
      best_metric_name: best === null ? null : run.best_metric_name,
      project: run.project,
      name: run.name,
      artifacts_created_count: run.artifacts_created.length,
      artifacts_used_count: run.artifacts_used.length,
    };
  }

  /** The files the viewer points at for a run. */
  runFiles(run: MockRun): { logs: string; metrics: string; metrics_step: string } {
    return { logs: `${run.run_dir}/logs.txt`, metrics: `${run.run_dir}/events.jsonl`, metrics_step: `${run.run_dir}/events.jsonl` };
  }

  /** A row of the v2 SQLite index. */
  indexItem(run: MockRun): Schemas['ExperimentV2'] {
    const { artifacts_created_count, artifacts_used_count, ...item } = this.listItem(run);
    return { ...item, ...this.runFiles(run) };
  }

  /** Count a metrics read in the incremental cache: a miss the first time, an incremental update when rows grew, else a hit. */
  readMetrics(run: MockRun): void {
    const seen = this.cache.rows.get(run.id);
    if (seen === undefined) this.cache.misses += 1;
    else if (seen < run.rows.length) this.cache.incremental_updates += 1;
    else this.cache.hits += 1;
    this.cache.rows.set(run.id, run.rows.length);
  }

  /** The artifact `name` (of `type`, else the first type the viewer searches that has it). */
  artifact(name: unknown, type?: string | null): MockArtifact | undefined {
    const matching = this.artifacts.filter((artifact) => artifact.name === name && (!type || artifact.type === type));
    const rank = (artifact: MockArtifact) => {
      const index = TYPE_SEARCH_ORDER.indexOf(artifact.type);
      return index < 0 ? TYPE_SEARCH_ORDER.length : index;
    };
    return matching.sort((left, right) => rank(left) - rank(right))[0];
  }

  /** The bytes of a version. */
  size(version: MockArtifactVersion): number {
    return version.files.reduce((total, file) => total + file.size, 0);
  }

  /** Where a local viewer stores a file of a version. */
  filePath(artifact: MockArtifact, version: MockArtifactVersion, path: string): string {
    return `${this.config.storage}/artifacts/${artifact.type}/${artifact.name}/v${version.version}/files/${path}`;
  }

  /** What `GET /api/runs/{id}/artifacts` says about one entry of a run's artifact records (from the version's metadata). */
  summary(use: MockArtifactUse): Schemas['ArtifactSummary'] {
    const version = this.artifact(use.name, use.type)?.versions.find((item) => item.version === use.version);
    if (!version) {
      // The metadata is gone (permanently deleted): the viewer falls back on the run's own record.
      return {
        ...this.useName(use),
        size_bytes: use.size_bytes,
        created_at: use.at,
        description: null,
        aliases: [],
        lifecycle_stage: null,
      };
    }
    return {
      ...this.useName(use),
      size_bytes: this.size(version),
      created_at: version.created_at,
      description: version.description,
      aliases: [...version.metadata_aliases],
      lifecycle_stage: version.lifecycle_stage ?? 'experimental',
    };
  }

  private useName(use: MockArtifactUse): { name: string; type: string; version: number } {
    return { name: use.name, type: use.type, version: use.version };
  }

  /** Whether the viewer imitates 0.6.0, which removed the artifact and v2 routes. */
  get legacy(): boolean {
    return this.options.viewerVersion === '0.6.0';
  }
}
