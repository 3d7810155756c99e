// The Syvain Metrics and Runicorn part of the consumer smoke test (@trainwire/metrics and its
// ./runicorn subpath) against the sandbox: an experiment, an idempotent ingest (sent twice, counted
// once) and a comparison of what arrived; Runicorn experiments and metrics; and, in a browser, that
// the local auth file says it needs a file system.
import { ComparisonMetricSeries, MetricsApiAuthError, SyvainMetricsApiClient } from '@trainwire/metrics';
import { RunicornClient } from '@trainwire/metrics/runicorn';
import { check, type StepListener, type StepResult, Steps } from './steps.js';

/** Where the sandbox serves Syvain Metrics and Runicorn (its `SYVAIN_METRICS_*` and `RUNICORN_*` lines). */
export interface MetricsTarget {
  syvain?: { host: string; apiKey: string } | undefined;
  runicorn?: { baseURL: string } | undefined;
}

/** Run the Syvain and Runicorn steps; `browser` adds the Node-only check. */
export async function runMetricsSuite(target: MetricsTarget, listener: StepListener | undefined, browser: boolean): Promise<StepResult[]> {
  const results: StepResult[] = [];
  if (target.syvain) {
    const steps = new Steps('metrics', listener);
    const client = new SyvainMetricsApiClient(target.syvain.apiKey, { host: target.syvain.host, logLevel: 'error' });
    await steps.step('Syvain ingest (twice) + compare', async () => {
      const { experiment } = await client.createExperiment(`smoke-${Date.now()}`, {
        metadata: { runtime: browser ? 'browser' : 'server' },
      });
      const points = Array.from({ length: 50 }, (_, step) => ({
        client_event_id: `${experiment.id}/loss/${step}`,
        name: 'loss',
        value: 2 / (step + 1),
        step,
        metadata: { split: 'train' },
      }));
      const first = await client.ingestMetrics(experiment.id, points, { sync: true });
      const again = await client.ingestMetrics(experiment.id, points, { sync: true });
      check(first.accepted === 50, `first ingest accepted ${first.accepted} of 50`);
      check(again.accepted === 0 && again.duplicates === 50, `the repeat accepted ${again.accepted}, duplicates ${again.duplicates}`);
      const { rows } = await client.compareMetrics(
        [ComparisonMetricSeries({ experiment_id: experiment.id, metric_name: 'loss', metadata_key: 'split', metadata_value: 'train' })],
        { limit: 500 },
      );
      check(rows.length === 50, `the comparison holds ${rows.length} points, expected 50`);
      return `${first.accepted} accepted, then ${again.duplicates} duplicates; compare gives ${rows.length} points`;
    });
    if (browser) {
      const nodeOnly = new Steps('node-only', listener);
      await nodeOnly.step("Syvain 'local' auth file", async () => {
        const local = new SyvainMetricsApiClient('local', { logLevel: 'error' });
        const error = await local.authStatus().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        check(error instanceof MetricsApiAuthError, `expected MetricsApiAuthError, got ${String(error)}`);
        return `MetricsApiAuthError: ${error.message}`;
      });
      steps.results.push(...nodeOnly.results);
    }
    results.push(...steps.results);
  }

  if (target.runicorn) {
    const steps = new Steps('runicorn', listener);
    const client = new RunicornClient({ baseURL: target.runicorn.baseURL, logLevel: 'error' });
    await steps.step('Runicorn listExperiments + getMetrics', async () => {
      const runs = await client.listExperiments({ limit: 10, offset: 0 });
      check(runs.length > 0, 'no experiments listed');
      const first = runs[0];
      check(first !== undefined, 'no first experiment');
      const metrics = await client.getMetrics(first.id);
      const names = Object.keys(metrics.metrics);
      check(names.length > 0, `experiment ${first.id} has no metrics`);
      return `${runs.length} experiments; ${first.id} has ${names.join(', ')}`;
    });
    results.push(...steps.results);
  }
  return results;
}
