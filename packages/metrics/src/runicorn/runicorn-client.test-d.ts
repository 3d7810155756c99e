import { describe, expectTypeOf, it } from 'vitest';
import type { Artifact, ArtifactVersion, Experiment, Metrics, Run, ViewerConfig, ViewerStarted } from '../runicorn.js';
import type { connect, RunicornClient } from './runicorn-client.js';

declare const client: RunicornClient;

describe('RunicornClient types', () => {
  it('offers withResponse and asResponse on every call, data as await gives it', async () => {
    expectTypeOf(await client.getExperiment('run')).toEqualTypeOf<Run>();
    expectTypeOf(client.getExperiment('run').withResponse()).resolves.toEqualTypeOf<{
      data: Run;
      response: Response;
      requestId: string | undefined;
    }>();
    expectTypeOf(client.listExperiments().withResponse()).resolves.toHaveProperty('data').toEqualTypeOf<Experiment[]>();
    expectTypeOf(client.artifacts.downloadArtifact('m', '/tmp/out').withResponse())
      .resolves.toHaveProperty('data')
      .toEqualTypeOf<string[]>();
    expectTypeOf(client.remote.listSessions().asResponse()).resolves.toEqualTypeOf<Response>();
  });

  it('returns the generated types', () => {
    expectTypeOf(client.listExperiments({ project: 'vision', status: 'finished', limit: 10, offset: 0 })).resolves.toEqualTypeOf<
      Experiment[]
    >();
    expectTypeOf(client.getExperiment('run')).resolves.toEqualTypeOf<Run>();
    expectTypeOf(client.getRun('run')).resolves.toEqualTypeOf<Run>();
    expectTypeOf(client.getMetrics('run', { metric_names: ['loss'] })).resolves.toEqualTypeOf<Metrics>();
    expectTypeOf(client.exportExperiment('run', { format: 'csv' })).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(client.getConfig()).resolves.toEqualTypeOf<ViewerConfig>();
    expectTypeOf(client.artifacts.listVersions('my-model')).resolves.toEqualTypeOf<ArtifactVersion[]>();
    expectTypeOf(client.artifacts.getArtifact('my-model:v3')).resolves.toEqualTypeOf<Artifact>();
    expectTypeOf(client.remote.startViewer('ml@host:22', '/data')).resolves.toEqualTypeOf<ViewerStarted>();
    expectTypeOf<ReturnType<typeof connect>>().toEqualTypeOf<Promise<RunicornClient>>();
    expectTypeOf(client).toMatchTypeOf<AsyncDisposable>();
  });

  it('refuses wrong params', () => {
    // @ts-expect-error format is json or csv
    client.exportExperiment('run', { format: 'parquet' });
    // @ts-expect-error the run id is positional
    client.getExperiment({ run_id: 'run' });
    // @ts-expect-error metric_names is an array
    client.getMetrics('run', { metric_names: 'loss' });
    // @ts-expect-error limit is a number
    client.listExperiments({ limit: '10' });
    // @ts-expect-error only user_root_dir can change
    client.updateConfig({ theme: 'dark' });
    // @ts-expect-error the remote root is required
    client.remote.startViewer('ml@host:22');
    // @ts-expect-error port is a number
    client.remote.connect('host', { username: 'ml', port: '22' });
  });
});
