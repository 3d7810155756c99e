import type { PagePromise } from '@trainwire/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Annotation,
  ComparisonMetricSeries,
  type ComparisonRow,
  type Experiment,
  type Folder,
  type IngestReport,
  type IngestResult,
  type MetricPoint,
  type MetricsIngestor,
  SyvainMetricsApiClient,
} from '../index.js';

declare const client: SyvainMetricsApiClient;
declare const ingestor: MetricsIngestor;

describe('SyvainMetricsApiClient types', () => {
  it('offers withResponse and asResponse on every call, data as await gives it', async () => {
    expectTypeOf(await client.getExperiment('e')).toEqualTypeOf<{ experiment: Experiment }>();
    expectTypeOf(client.getExperiment('e').withResponse()).resolves.toEqualTypeOf<{
      data: { experiment: Experiment };
      response: Response;
      requestId: string | undefined;
    }>();
    expectTypeOf(client.ingestMetrics('e', []).withResponse()).resolves.toHaveProperty('data').toEqualTypeOf<IngestResult>();
    expectTypeOf(client.revokeIngestionKey('e', 'k').asResponse()).resolves.toEqualTypeOf<Response>();
    expectTypeOf(client.listExperiments().withResponse()).resolves.toHaveProperty('data').toHaveProperty('experiments');
  });

  it('returns the generated types', () => {
    expectTypeOf(new SyvainMetricsApiClient('local')).toEqualTypeOf<SyvainMetricsApiClient>();
    expectTypeOf(client.createExperiment('mamba-run-001', { description: 'd', metadata: { model: 'mamba' } })).resolves.toEqualTypeOf<{
      experiment: Experiment;
    }>();
    expectTypeOf(client.getFolder('f')).resolves.toEqualTypeOf<{ folder: Folder }>();
    expectTypeOf(
      client.ingestMetrics('e', [{ client_event_id: 'c', name: 'loss', value: 0.42, step: 1 }], { sync: true }),
    ).resolves.toEqualTypeOf<IngestResult>();
    expectTypeOf(client.compareMetrics([ComparisonMetricSeries({ experiment_id: 'e', metric_name: 'loss' })], { limit: 500 }))
      .resolves.toHaveProperty('rows')
      .toEqualTypeOf<ComparisonRow[]>();
    expectTypeOf(client.listExperiments()).toMatchTypeOf<PagePromise<{ experiments: Experiment[] }, Experiment>>();
    expectTypeOf(client.listMetrics('e', { name: 'loss' })).toMatchTypeOf<PagePromise<{ metrics: MetricPoint[] }, MetricPoint>>();
    expectTypeOf(client.listAnnotations('e')).toMatchTypeOf<PagePromise<{ annotations: Annotation[] }, Annotation>>();
    expectTypeOf(client.forgetIngestionCredential('e')).toEqualTypeOf<boolean>();
    expectTypeOf(ingestor.log('loss', 1, { step: 1, metadata: { split: 'train' } })).toEqualTypeOf<void>();
    expectTypeOf(ingestor.close()).resolves.toEqualTypeOf<IngestReport>();
  });

  it('refuses wrong params', () => {
    // @ts-expect-error status is an enum
    client.updateExperimentStatus('e', 'exploded');
    // @ts-expect-error an event needs a client_event_id
    client.ingestMetrics('e', [{ name: 'loss', value: 1 }]);
    // @ts-expect-error value is a number
    client.ingestMetrics('e', [{ client_event_id: 'c', name: 'loss', value: '1' }]);
    // @ts-expect-error metadata values are scalars
    client.createExperiment('x', { metadata: { nested: { deep: 1 } } });
    // @ts-expect-error a series needs a metric_name
    client.compareMetrics([{ experiment_id: 'e' }]);
    // @ts-expect-error the experiment id is positional
    client.getExperiment({ experiment_id: 'e' });
    // @ts-expect-error listExperiments takes no unknown filter
    client.listExperiments({ owner: 'me' });
    // @ts-expect-error log takes a number
    ingestor.log('loss', '0.4');
  });
});
