import type { components } from '../generated/runicorn.js';

type MetricRow = components['schemas']['MetricRow'];

/** One run the Runicorn mock serves, with its metric rows (grown over time while it runs). */
export interface MockRun {
  id: string;
  project: string;
  name: string;
  status: string;
  created_time: number;
  pid: number | null;
  run_dir: string;
  columns: string[];
  rows: MetricRow[];
  /** Steps the run will reach; a running run grows towards it by wall clock. */
  final_steps: number;
  /** Wall-clock ms at which the mock started the run (for a running one). */
  started_at_ms: number;
  best_metric_name: string;
  best_mode: 'max' | 'min';
  deleted: boolean;
}

/** One version of a mock artifact. */
export interface MockArtifactVersion {
  version: number;
  created_at: number;
  created_by_run: string | null;
  status: string;
  aliases: string[];
  description: string;
  metadata: Record<string, unknown>;
  tags: string[];
  files: { path: string; size: number; digest: string }[];
  used_by: string[];
}

/** One mock artifact and its versions, oldest first. */
export interface MockArtifact {
  name: string;
  type: string;
  versions: MockArtifactVersion[];
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

const SEEDED_RUNS: { project: string; name: string; status: string; steps: number }[] = [
  { project: 'vision', name: 'resnet50', status: 'finished', steps: 120 },
  { project: 'vision', name: 'resnet50', status: 'finished', steps: 80 },
  { project: 'vision', name: 'vit-b16', status: 'failed', steps: 35 },
  { project: 'nlp', name: 'bert-base', status: 'finished', steps: 100 },
  { project: 'nlp', name: 'gpt2-small', status: 'finished', steps: 60 },
  { project: 'vision', name: 'convnext-tiny', status: 'running', steps: 200 },
];

/** The seeded runs: a realistic handful across two projects, one still running. */
export function seedRuns(random: () => number, storage: string, now: number): MockRun[] {
  const base = Date.UTC(2025, 0, 24, 12, 0, 0) / 1000;
  return SEEDED_RUNS.map((seed, index) => {
    const created = base + index * 3_600 + Math.floor(random() * 600);
    const stamp = new Date(created * 1000).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    const suffix = Math.floor(random() * 0xffffff)
      .toString(16)
      .padStart(6, '0');
    const id = `${stamp}_${suffix}`;
    const run: MockRun = {
      id,
      project: seed.project,
      name: seed.name,
      status: seed.status,
      created_time: created,
      pid: seed.status === 'running' ? 40_000 + Math.floor(random() * 9_000) : null,
      run_dir: `${storage}/${seed.project}/${seed.name}/runs/${id}`,
      columns: metricColumns(seed.project),
      rows: [],
      final_steps: seed.steps,
      started_at_ms: now,
      best_metric_name: seed.project === 'vision' ? 'accuracy' : 'loss',
      best_mode: seed.project === 'vision' ? 'max' : 'min',
      deleted: false,
    };
    const logged = seed.status === 'running' ? 20 : seed.steps;
    for (let step = 1; step <= logged; step++) run.rows.push(metricRow(run, step, random));
    return run;
  });
}

/** The seeded artifacts: models with several versions and aliases, and a dataset. */
export function seedArtifacts(runs: MockRun[], random: () => number): MockArtifact[] {
  const digest = () =>
    Array.from({ length: 4 }, () =>
      Math.floor(random() * 0xffffffff)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
  const version = (number: number, run: MockRun | undefined, aliases: string[], files: [string, number][]): MockArtifactVersion => ({
    version: number,
    created_at: (run?.created_time ?? Date.UTC(2025, 0, 20) / 1000) + 3_000 + number,
    created_by_run: run?.id ?? null,
    status: 'ready',
    aliases,
    description: `v${number}${run ? ` from ${run.name}` : ''}`,
    metadata: run ? { framework: 'pytorch', run_name: run.name } : { source: 'imagenet' },
    tags: run ? [run.project] : ['data'],
    files: files.map(([path, size]) => ({ path, size, digest: digest() })),
    used_by: [],
  });
  const [first, second, , bert, , live] = runs;
  const artifacts: MockArtifact[] = [
    {
      name: 'imagenet-subset',
      type: 'dataset',
      versions: [
        version(
          1,
          undefined,
          [],
          [
            ['train.tar', 52_428_800],
            ['val.tar', 5_242_880],
          ],
        ),
        version(
          2,
          undefined,
          ['latest'],
          [
            ['train.tar', 62_914_560],
            ['val.tar', 6_291_456],
            ['labels.json', 40_960],
          ],
        ),
      ],
    },
    {
      name: 'my-model',
      type: 'model',
      versions: [
        version(1, first, [], [['model.pt', 94_371_840]]),
        version(
          2,
          first,
          ['production'],
          [
            ['model.pt', 94_371_840],
            ['config.json', 2_048],
          ],
        ),
        version(
          3,
          second,
          ['latest'],
          [
            ['model.pt', 98_566_144],
            ['config.json', 2_048],
          ],
        ),
      ],
    },
    {
      name: 'bert-finetuned',
      type: 'model',
      versions: [
        version(
          1,
          bert,
          ['latest'],
          [
            ['pytorch_model.bin', 438_000_000],
            ['vocab.txt', 231_508],
          ],
        ),
      ],
    },
  ];
  for (const run of [first, second, live]) if (run) artifacts[0]?.versions[1]?.used_by.push(run.id);
  return artifacts;
}
