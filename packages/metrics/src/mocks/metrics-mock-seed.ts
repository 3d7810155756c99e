import type { components } from '../generated/metrics.js';
import type { MetricsMockState } from './metrics-mock-state.js';

/**
 * Three folders and `count` experiments, each with 200 steps of a falling train loss (eval loss and
 * accuracy every 20 steps) and a "warmup done" annotation; the first is completed, the rest running.
 */
export function seedMetricsState(state: MetricsMockState, count: number): void {
  const research = state.createFolder('research', null, 'Long-running research runs', {});
  const mamba = state.createFolder('mamba', research.id, null, { team: 'ssm' });
  state.createFolder('baselines', null, null, {});
  for (let index = 0; index < count; index++) {
    const experiment = state.createExperiment(
      `mamba-run-${String(index + 1).padStart(3, '0')}`,
      `Seeded run ${index + 1}`,
      { model: 'mamba', lr: 3e-4 * (index + 1) },
      index === 0 ? null : mamba.id,
    );
    const events: components['schemas']['MetricEvent'][] = [];
    const rate = 150 + 50 * index;
    for (let step = 0; step < 200; step++) {
      const loss = 2.5 * Math.exp(-step / rate) + 0.3 + (state.random() - 0.5) * 0.05;
      const slug = experiment.slug;
      events.push({ client_event_id: `${slug}/loss/${step}/train`, name: 'loss', value: round(loss), step, metadata: { split: 'train' } });
      if (step % 20 === 0) {
        events.push({
          client_event_id: `${slug}/loss/${step}/eval`,
          name: 'loss',
          value: round(loss + 0.1),
          step,
          metadata: { split: 'eval' },
        });
        events.push({ client_event_id: `${slug}/accuracy/${step}`, name: 'accuracy', value: round(1 - loss / 3), step, metadata: {} });
      }
    }
    state.ingest(experiment.id, events, true);
    experiment.status = index === 0 ? 'completed' : 'running';
    experiment.ended_at = index === 0 ? state.iso() : null;
    const annotation = { text: 'warmup done', step: 20, metadata: {}, client_event_id: null };
    state.annotations.set(experiment.id, [{ id: state.uuid(), experiment_id: experiment.id, ...annotation, created_at: state.iso() }]);
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
