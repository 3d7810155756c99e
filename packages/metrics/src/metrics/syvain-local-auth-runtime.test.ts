import { describe, expect, it, vi } from 'vitest';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiAuthError } from './syvain-metrics-errors.js';

// A runtime without Node's built-ins (a browser): importing them fails.
vi.mock('node:os', () => {
  throw new Error('Cannot find module node:os');
});

describe("SyvainMetricsApiClient('local') without Node", () => {
  it('says local auth needs Node and that a key works instead', async () => {
    const error = await new SyvainMetricsApiClient('local').authStatus().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MetricsApiAuthError);
    expect((error as Error).message).toBe(
      "Syvain local auth ('local') reads ~/.config/syvain-metrics/auth.json and needs Node.js, Bun or Deno; pass an API key in this runtime.",
    );
  });
});
