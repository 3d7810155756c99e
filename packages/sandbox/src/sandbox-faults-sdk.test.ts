import { SyvainMetricsApiClient } from '@trainwire/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxServices } from './sandbox-services.js';
import { type Sandbox, startSandbox } from './start-sandbox.js';

let sandbox: Sandbox<{ metrics: (typeof sandboxServices)['metrics'] }> | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('random faults against a real SDK and mock', () => {
  it('every metric point arrives exactly once through 429s, 5xx, resets before and after the work, and cut answers', async () => {
    sandbox = await startSandbox({
      services: { metrics: sandboxServices.metrics },
      faults: { rate: 0.25, kinds: ['429', '500', '503', 'reset', 'reset-after', 'truncate'], seed: 4, retryAfterMs: 1 },
    });
    const client = new SyvainMetricsApiClient(sandbox.env.SYVAIN_METRICS_API_KEY, {
      host: sandbox.urls.metrics,
      maxRetries: 8,
      logLevel: 'off',
    });
    // A fault header replaces the random draw: the experiment is created without a fault.
    const { experiment } = await client.createExperiment('under-faults', {}, { headers: { 'x-sandbox-fault': 'slow=0' } });
    const ingestor = client.ingestor(experiment.id, { batchSize: 500, sync: true, maxRetries: 20 });
    for (let step = 0; step < 20_000; step++) ingestor.log('loss', 1 / (step + 1), { step });
    const report = await ingestor.close();

    const faults = sandbox.faults();
    expect(faults['reset-after'] + faults.truncate).toBeGreaterThan(0); // some batches were stored, then their answer was lost
    expect(faults['429'] + faults['500'] + faults['503'] + faults.reset).toBeGreaterThan(0);
    expect(report).toMatchObject({ logged: 20_000, failed: 0, dropped: 0 });
    const stored = sandbox.mocks.metrics.state.metrics.get(experiment.id);
    expect(stored?.events).toHaveLength(20_000);
    expect(stored?.byId.size).toBe(20_000);
    expect(sandbox.violations()).toEqual([]);
  }, 60_000);
});
