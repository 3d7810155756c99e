import { describe, expect, it } from 'vitest';
import { mockedService } from './mocked-service.js';

describe('mockedService', () => {
  it('builds clients from the pinned options, then the overrides', () => {
    const mock = { handlers: [], state: { calls: 0 } };
    const pinned = {
      baseURL: 'https://api.example.test',
      apiKey: 'key',
      clientOptions: { baseURL: 'https://api.example.test', apiKey: 'key', timeout: 1 },
    };
    const mocked = mockedService(mock, pinned, (options) => ({ options }));
    expect(mocked).toMatchObject({ handlers: [], state: { calls: 0 }, baseURL: 'https://api.example.test', apiKey: 'key' });
    expect(mocked.createClient().options).toEqual(pinned.clientOptions);
    expect(mocked.createClient({ timeout: 5 }).options).toEqual({ ...pinned.clientOptions, timeout: 5 });
    // Each call builds its own client; the pinned options are never changed by an override.
    expect(pinned.clientOptions.timeout).toBe(1);
  });
});
