import { seededHex } from '@trainwire/core/mock-kit';
import type { components } from '../generated/runicorn.js';

type MetricRow = components['schemas']['MetricRow'];

/** An entry of a run's `artifacts_created.json` / `artifacts_used.json`, as the logging SDK writes it. */
export interface MockArtifactUse {
  name: string;
  type: string;
  version: number;
  /** When it was logged or used (epoch seconds). */
  at: number;
  size_bytes: number;
}

/** One run the Runicorn mock serves, with its metric rows (grown over time while it runs). */
export interface MockRun {
  id: string;
  project: string;
  name: string;
  status: string;
  created_time: number;
  /** The logging process; the SDK records it and the viewer keeps reporting it after the run ends. */
  pid: number;
  run_dir: string;
  columns: string[];
  rows: MetricRow[];
  /** Steps the run will reach; a running run grows towards it by wall clock. */
  final_steps: number;
  /** Wall-clock ms at which the mock started the run (for a running one). */
  started_at_ms: number;
  best_metric_name: string | null;
  best_mode: 'max' | 'min';
  /** The `.deleted` marker of the recycle bin, when the run is in it. */
  deleted: { deleted_at: number; reason: string; original_status: string } | null;
  /** Soft-deleted in the v2 SQLite index only (`/api/v2/experiments/batch-delete`), which the file routes ignore. */
  indexDeleted: boolean;
  /** `environment.json`; the 0.5.3 SDK never writes one (its import of the capture module is broken). */
  environment: Record<string, unknown> | null;
  artifacts_created: MockArtifactUse[];
  artifacts_used: MockArtifactUse[];
}

/** One stored file of a version, as its manifest lists it. */
export interface MockArtifactFile {
  path: string;
  size: number;
  /** `sha256:<hex>`. */
  digest: string;
  modified_at: number;
}

/** One version of a mock artifact: its entry in `versions.json` and its `metadata.json`. */
export interface MockArtifactVersion {
  version: number;
  created_at: number;
  updated_at: number;
  created_by_run: string;
  status: string;
  /** The aliases `versions.json` lists: what the version was saved with (`latest`, forever). */
  aliases: string[];
  /** The aliases of `metadata.json`: `latest` too, plus `production` once promoted there. */
  metadata_aliases: string[];
  /** Written into `metadata.json` by the promote route; absent means `experimental`. */
  lifecycle_stage: string | undefined;
  description: string;
  metadata: Record<string, unknown>;
  tags: string[];
  files: MockArtifactFile[];
  manifest_digest: string;
  /** The `.deleted` marker of a soft delete (the version stays listed). */
  soft_deleted: boolean;
}

/** One mock artifact: its `versions.json` index (versions oldest first, alias → version). */
export interface MockArtifact {
  name: string;
  type: string;
  created_at: number;
  updated_at: number;
  versions: MockArtifactVersion[];
  aliases: Record<string, number>;
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The metric row a run logs at `step`: loss falls, accuracy rises, validation every 10 steps. */
export function metricRow(run: Pick<MockRun, 'project' | 'created_time'>, step: number, random: () => number): MetricRow {
  const progress = 1 - Math.exp(-step / 25);
  const noise = (random() - 0.5) * 0.04;
  const validation = step % 10 === 0;
  const row: MetricRow = {
    global_step: step,
    loss: round(2.3 * (1 - progress) + 0.15 + noise),
    lr: round(0.001 * Math.cos((Math.PI / 2) * Math.min(step / 200, 1)) + 1e-5, 6),
    time: round(run.created_time + step * 1.5, 2),
    stage: validation ? 'val' : 'train',
  };
  if (run.project === 'vision') {
    row.accuracy = round(92 * progress + noise * 10, 2);
    row.val_acc = validation ? round(0.9 * progress + noise, 4) : null;
  } else {
    row.perplexity = round(Math.exp(2.3 * (1 - progress) + 1.2 + noise), 3);
    row.val_loss = validation ? round(2.3 * (1 - progress) + 0.3 + noise, 4) : null;
  }
  return row;
}

/** The columns a run of `project` logs, as the viewer lists them (global_step first, then sorted). */
export function metricColumns(project: string): string[] {
  const metrics =
    project === 'vision'
      ? ['accuracy', 'loss', 'lr', 'stage', 'time', 'val_acc']
      : ['loss', 'lr', 'perplexity', 'stage', 'time', 'val_loss'];
  return ['global_step', ...metrics];
}

/**
 * Largest-Triangle-Three-Buckets: `threshold` rows that keep the shape of the `column` curve, the
 * downsampling the viewer applies for `?downsample=`.
 */
export function downsample(rows: MetricRow[], threshold: number, column: string): MetricRow[] {
  if (threshold >= rows.length || threshold < 3) return rows;
  const y = (row: MetricRow) => (typeof row[column] === 'number' ? (row[column] as number) : 0);
  const sampled: MetricRow[] = [rows[0] as MetricRow];
  const size = (rows.length - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const nextStart = Math.floor((bucket + 1) * size) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * size) + 1, rows.length);
    let averageX = 0;
    let averageY = 0;
    for (let index = nextStart; index < nextEnd; index++) {
      averageX += (rows[index] as MetricRow).global_step;
      averageY += y(rows[index] as MetricRow);
    }
    const count = Math.max(nextEnd - nextStart, 1);
    averageX /= count;
    averageY /= count;
    const start = Math.floor(bucket * size) + 1;
    const end = Math.floor((bucket + 1) * size) + 1;
    const anchor = rows[previous] as MetricRow;
    let best = start;
    let bestArea = -1;
    for (let index = start; index < end; index++) {
      const row = rows[index] as MetricRow;
      const area = Math.abs(
        (anchor.global_step - averageX) * (y(row) - y(anchor)) - (anchor.global_step - row.global_step) * (averageY - y(anchor)),
      );
      if (area > bestArea) {
        bestArea = area;
        best = index;
      }
    }
    sampled.push(rows[best] as MetricRow);
    previous = best;
  }
  sampled.push(rows[rows.length - 1] as MetricRow);
  return sampled;
}

const SEEDED_RUNS: { project: string; name: string; status: string; steps: number; hours?: number }[] = [
  { project: 'vision', name: 'resnet50', status: 'finished', steps: 120 },
  { project: 'vision', name: 'resnet50', status: 'finished', steps: 80 },
  { project: 'vision', name: 'vit-b16', status: 'failed', steps: 35 },
  { project: 'nlp', name: 'bert-base', status: 'finished', steps: 100 },
  { project: 'nlp', name: 'gpt2-small', status: 'finished', steps: 60 },
  { project: 'vision', name: 'convnext-tiny', status: 'running', steps: 200 },
  // Made the dataset the vision runs use, before them.
  { project: 'vision', name: 'imagenet-prep', status: 'finished', steps: 10, hours: -5 },
];

/** The id the logging SDK gives a run: `YYYYmmdd_HHMMSS_` and six hex digits. */
export function runId(created: number, random: () => number): string {
  const stamp = new Date(created * 1000).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return `${stamp}_${seededHex(random, 6)}`;
}

/** The seeded runs: a realistic handful across two projects, one still running. */
export function seedRuns(random: () => number, storage: string, now: number): MockRun[] {
  const base = Date.UTC(2025, 0, 24, 12, 0, 0) / 1000;
  return SEEDED_RUNS.map((seed, index) => {
    const created = base + (seed.hours ?? index) * 3_600 + Math.floor(random() * 600);
    const id = runId(created, random);
    const run: MockRun = {
      id,
      project: seed.project,
      name: seed.name,
      status: seed.status,
      created_time: created,
      pid: 40_000 + Math.floor(random() * 9_000),
      run_dir: `${storage}/${seed.project}/${seed.name}/runs/${id}`,
      columns: metricColumns(seed.project),
      rows: [],
      final_steps: seed.steps,
      started_at_ms: now,
      best_metric_name: seed.project === 'vision' ? 'accuracy' : 'loss',
      best_mode: seed.project === 'vision' ? 'max' : 'min',
      deleted: null,
      indexDeleted: false,
      environment: null,
      artifacts_created: [],
      artifacts_used: [],
    };
    const logged = seed.status === 'running' ? 20 : seed.steps;
    for (let step = 1; step <= logged; step++) run.rows.push(metricRow(run, step, random));
    return run;
  });
}

/** What a seeded version is made of. */
interface VersionSeed {
  run: MockRun;
  description?: string;
  metadata?: Record<string, unknown>;
  files: [string, number][];
}

/**
 * The seeded artifacts, logged as the SDK logs them: every version is saved with the alias `latest`
 * (and keeps it), the index moves `latest` to the newest. `my-model:v2` was promoted to production
 * through staging, so its metadata carries `production` and the version list does not.
 */
export function seedArtifacts(runs: MockRun[], random: () => number): MockArtifact[] {
  const [first, second, , bert, , live, prep] = runs as [MockRun, MockRun, MockRun, MockRun, MockRun, MockRun, MockRun];
  const artifacts: MockArtifact[] = [];
  const log = (name: string, type: string, seeds: VersionSeed[]) => {
    const artifact: MockArtifact = { name, type, created_at: 0, updated_at: 0, versions: [], aliases: {} };
    for (const seed of seeds) logVersion(artifact, seed, random);
    artifact.created_at = (artifact.versions[0] as MockArtifactVersion).created_at;
    artifacts.push(artifact);
  };
  log('imagenet-subset', 'dataset', [
    {
      run: prep,
      metadata: { source: 'imagenet' },
      files: [
        ['train.tar', 52_428_800],
        ['val.tar', 5_242_880],
      ],
    },
    {
      run: prep,
      metadata: { source: 'imagenet' },
      files: [
        ['train.tar', 62_914_560],
        ['val.tar', 6_291_456],
        ['labels.json', 40_960],
      ],
    },
  ]);
  log('my-model', 'model', [
    { run: first, files: [['model.pt', 94_371_840]] },
    {
      run: first,
      files: [
        ['model.pt', 94_371_840],
        ['config.json', 2_048],
      ],
    },
    {
      run: second,
      files: [
        ['model.pt', 98_566_144],
        ['config.json', 2_048],
      ],
    },
  ]);
  log('bert-finetuned', 'model', [
    {
      run: bert,
      files: [
        ['pytorch_model.bin', 438_000_000],
        ['vocab.txt', 231_508],
      ],
    },
  ]);
  const promoted = artifacts[1]?.versions[1] as MockArtifactVersion;
  promoted.lifecycle_stage = 'production';
  promoted.metadata_aliases.push('production');
  const dataset = artifacts[0] as MockArtifact;
  for (const run of [first, second, live]) {
    run.artifacts_used.push({
      name: dataset.name,
      type: dataset.type,
      version: 2,
      at: run.created_time + 5,
      size_bytes: sizeOf(dataset, 2),
    });
  }
  return artifacts;
}

/** The bytes of one version of `artifact`. */
function sizeOf(artifact: MockArtifact, version: number): number {
  return artifact.versions.find((item) => item.version === version)?.files.reduce((total, file) => total + file.size, 0) ?? 0;
}

/** Save the next version of `artifact` from `seed.run`, as `ArtifactStorage.save_artifact` does. */
export function logVersion(artifact: MockArtifact, seed: VersionSeed, random: () => number): MockArtifactVersion {
  const number = artifact.versions.length + 1;
  const created = seed.run.created_time + 3_000 + number;
  const version: MockArtifactVersion = {
    version: number,
    created_at: created,
    updated_at: created,
    created_by_run: seed.run.id,
    status: 'ready',
    aliases: ['latest'],
    metadata_aliases: ['latest'],
    lifecycle_stage: undefined,
    description: seed.description ?? `v${number} from ${seed.run.name}`,
    metadata: seed.metadata ?? { framework: 'pytorch', run_name: seed.run.name },
    tags: [seed.run.project],
    files: seed.files.map(([path, size]) => ({ path, size, digest: `sha256:${seededHex(random, 64)}`, modified_at: created - 60 })),
    manifest_digest: seededHex(random, 64),
    soft_deleted: false,
  };
  artifact.versions.push(version);
  artifact.aliases.latest = number;
  artifact.updated_at = created;
  const size = version.files.reduce((total, file) => total + file.size, 0);
  seed.run.artifacts_created.push({ name: artifact.name, type: artifact.type, version: number, at: created, size_bytes: size });
  return version;
}
