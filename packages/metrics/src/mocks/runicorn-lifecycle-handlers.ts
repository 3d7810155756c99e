import { HttpResponse } from 'msw';
import type { components } from '../generated/runicorn.js';
import type { MockArtifact, MockRun } from './runicorn-mock-data.js';
import { checkModel, detail, type HandlerGroup, ParamReader, problem, readBody } from './runicorn-mock-http.js';
import { LIFECYCLE, type RunicornMockState } from './runicorn-state.js';

type Schemas = components['schemas'];

/** Model lifecycle: training metrics of the producing runs, promotion between stages, evaluations. */
export const lifecycleHandlers: HandlerGroup = ({ base, state, http }) => [
  http.get(`${base}/api/artifacts/:name/training-metrics`, ({ params, request }) => {
    const query = new ParamReader(request);
    const version = query.int('version');
    const rejection = query.rejection();
    if (rejection) return rejection;
    const artifact = state.artifact(params.name, query.text('type'));
    if (!artifact) return detail(404, `Artifact not found: ${String(params.name)}`);
    const number = version ?? Math.max(...artifact.versions.map((item) => item.version));
    if (!Number.isFinite(number)) return detail(404, `No versions found for artifact: ${artifact.name}`);
    return HttpResponse.json(trainingMetrics(state, artifact, number));
  }),
  http.get(`${base}/api/artifacts/:name/performance-history`, ({ params, request }) => {
    const query = new ParamReader(request);
    const artifact = state.artifact(params.name, query.text('type'));
    if (!artifact) return detail(404, `Artifact not found: ${String(params.name)}`);
    const metricName = query.text('metric_name');
    // The viewer walks the version folders sorted by name: v1, v10, v2.
    const folders = artifact.versions.map((item) => `v${item.version}`).sort();
    const history: Schemas['VersionPerformance'][] = [];
    for (const folder of folders) {
      const metrics = trainingMetrics(state, artifact, Number(folder.slice(1)));
      if (!metrics) continue;
      const picked =
        metricName && metricName in metrics.metrics
          ? { [metricName]: metrics.metrics[metricName] }
          : Object.fromEntries(Object.entries(metrics.metrics).filter(([, value]) => typeof value === 'number'));
      history.push({
        version: Number(folder.slice(1)),
        created_at: metrics.created_at,
        run_id: metrics.run_id,
        status: metrics.status,
        metrics: picked,
      });
    }
    return HttpResponse.json(history);
  }),
  http.post(`${base}/api/artifacts/:name/:version/promote`, async ({ params, request }) => {
    if (!String(params.version).startsWith('v')) return undefined;
    const path = new ParamReader(request);
    const number = path.version(params.version) as number;
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(body.value, {
      to_stage: { type: 'str', required: true },
      notes: { type: 'str', nullable: true },
      evaluator_run_id: { type: 'str', nullable: true },
    });
    const rejection = path.rejection(problems);
    if (rejection) return rejection;
    const stage = values.to_stage as string;
    if (!(stage in LIFECYCLE)) {
      const stages = Object.keys(LIFECYCLE)
        .map((name) => `'${name}'`)
        .join(', ');
      return detail(400, `Invalid target stage: ${stage}. Must be one of [${stages}]`);
    }
    // The route looks in the model folder first, then the other types.
    const artifact = state.artifact(params.name, 'model')?.versions.some((item) => item.version === number)
      ? state.artifact(params.name, 'model')
      : state.artifacts.find((item) => item.name === params.name && item.versions.some((entry) => entry.version === number));
    const version = artifact?.versions.find((item) => item.version === number);
    if (!artifact || !version) return detail(404, `Artifact not found: ${String(params.name)}:v${number}`);
    const current = version.lifecycle_stage && version.lifecycle_stage in LIFECYCLE ? version.lifecycle_stage : 'experimental';
    if (!LIFECYCLE[current]?.includes(stage)) return detail(400, `Invalid transition from ${current} to ${stage}`);
    version.lifecycle_stage = stage;
    if (stage === 'production') {
      if (!version.metadata_aliases.includes('production')) version.metadata_aliases.push('production');
      for (const other of artifact.versions) {
        if (other !== version) other.metadata_aliases = other.metadata_aliases.filter((alias) => alias !== 'production');
      }
    } else if (current === 'production') {
      version.metadata_aliases = version.metadata_aliases.filter((alias) => alias !== 'production');
    }
    return HttpResponse.json({
      ok: true,
      artifact: `${artifact.name}:v${number}`,
      from_stage: current,
      to_stage: stage,
      message: `Successfully promoted to ${stage}`,
    });
  }),
  http.post(`${base}/api/artifacts/:name/:version/evaluate`, async ({ params, request }) => {
    if (!String(params.version).startsWith('v')) return undefined;
    const path = new ParamReader(request);
    const number = path.version(params.version) as number;
    const body = await readBody(request);
    if ('response' in body) return body.response;
    const { values, problems } = checkModel(body.value, {
      model_name: { type: 'str', required: true },
      model_version: { type: 'int', required: true },
      evaluation_date: { type: 'float', required: true },
      evaluator_run_id: { type: 'str', nullable: true },
      metrics: { type: 'dict', required: true },
      test_dataset: { type: 'str', nullable: true },
      status: { type: 'str', required: true },
      notes: { type: 'str', nullable: true },
    });
    const metrics: Record<string, number> = {};
    for (const [key, value] of Object.entries((values.metrics as Record<string, unknown> | undefined) ?? {})) {
      const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (Number.isNaN(parsed)) problems.push(problem.float(['body', 'metrics', key]));
      else metrics[key] = parsed;
    }
    const rejection = path.rejection(problems);
    if (rejection) return rejection;
    const now = Date.now();
    const evaluation: Schemas['StoredEvaluation'] = {
      id: `${String(params.name)}_v${number}_${now}`,
      model_name: String(params.name),
      model_version: number,
      evaluation_date: now / 1000,
      evaluator_run_id: (values.evaluator_run_id as string | null | undefined) ?? null,
      metrics,
      test_dataset: (values.test_dataset as string | null | undefined) ?? null,
      status: values.status as string,
      notes: (values.notes as string | null | undefined) ?? null,
    };
    state.evaluations.push(evaluation);
    return HttpResponse.json({ ok: true, eval_id: evaluation.id, message: 'Evaluation recorded successfully' });
  }),
  http.get(`${base}/api/artifacts/:name/evaluations`, ({ params, request }) => {
    const query = new ParamReader(request);
    const version = query.int('version');
    const rejection = query.rejection();
    if (rejection) return rejection;
    // The viewer globs `<name>_*.json` in its evaluations folder.
    const found = state.evaluations
      .filter((item) => item.id.startsWith(`${String(params.name)}_`) && (version === undefined || item.model_version === version))
      .sort((left, right) => right.evaluation_date - left.evaluation_date);
    return HttpResponse.json(found);
  }),
];

/** What the training-metrics route answers for one version: the producing run's summary, or null when the run or version is gone. */
function trainingMetrics(state: RunicornMockState, artifact: MockArtifact, number: number): Schemas['TrainingMetrics'] | null {
  const version = artifact.versions.find((item) => item.version === number);
  const run = version && state.run(version.created_by_run);
  if (!version || !run) return null;
  return {
    run_id: run.id,
    run_name: run.name,
    project: run.project,
    metrics: summary(state, run),
    // meta.json has no start_time, so the viewer falls back on the version's time and cannot tell a duration.
    created_at: version.created_at,
    duration_seconds: null,
    status: run.status,
  };
}

/** A run's `summary.json`: its best metric, once it has one. */
function summary(state: RunicornMockState, run: MockRun): Record<string, unknown> {
  const best = state.best(run);
  if (best === null || !run.best_metric_name) return {};
  const step = run.rows.find((row) => row[run.best_metric_name as string] === best)?.global_step ?? null;
  return { best_metric_value: best, best_metric_name: run.best_metric_name, best_metric_step: step, best_metric_mode: run.best_mode };
}
