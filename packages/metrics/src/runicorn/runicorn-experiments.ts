import type { ListExperimentsQuery } from './runicorn-functions.js';
import type { Experiment, RunListItem } from './runicorn-types.js';

/** A `/api/runs` item as an experiment; 0.6.0 items carry `path: "project/name"` instead of the two fields. */
export function experimentFromRun(run: RunListItem): Experiment {
  const slash = run.path?.indexOf('/') ?? -1;
  const project = run.project ?? (run.path && slash > 0 ? run.path.slice(0, slash) : (run.path ?? null));
  const name = run.name ?? (run.path && slash > 0 ? run.path.slice(slash + 1) : null);
  return {
    id: run.id,
    run_dir: run.run_dir ?? null,
    created_time: run.created_time ?? null,
    status: run.status,
    pid: run.pid ?? null,
    best_metric_value: run.best_metric_value ?? null,
    best_metric_name: run.best_metric_name ?? null,
    project,
    name,
  };
}

/** What the viewer's index does for `listExperiments`, done client-side: filter, newest first, slice. */
export function filterExperiments(experiments: Experiment[], query: ListExperimentsQuery): Experiment[] {
  const statuses = query.status === undefined ? undefined : typeof query.status === 'string' ? query.status.split(',') : query.status;
  const offset = query.offset ?? 0;
  return experiments
    .filter((experiment) => query.project === undefined || experiment.project === query.project)
    .filter((experiment) => query.name === undefined || experiment.name === query.name)
    .filter((experiment) => statuses === undefined || statuses.includes(experiment.status))
    .sort((left, right) => (right.created_time ?? 0) - (left.created_time ?? 0))
    .slice(offset, query.limit === undefined ? undefined : offset + query.limit);
}
