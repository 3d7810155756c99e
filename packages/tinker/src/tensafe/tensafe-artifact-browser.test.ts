import { useMockServer } from '@trainwire/testing';
import { describe, expect, it, vi } from 'vitest';
import { createTenSafeMock } from '../mocks/tensafe.js';
import { ServiceClient } from './tensafe-client.js';
import { TGTinkerError } from './tensafe-errors.js';

// A runtime without Node's file system (a browser, a worker): loading node:fs fails.
vi.mock('node:fs/promises', () => {
  throw new Error('Cannot find module node:fs/promises');
});

const { requests } = useMockServer(() => createTenSafeMock({ artifactSize: 1024 }).handlers);

describe('pullArtifact without a file system', () => {
  it('refuses destination with a clear TGTinkerError before sending, and still returns bytes', async () => {
    const ts = new ServiceClient({ apiKey: 'ts-test-key', logLevel: 'off' });
    const error = await ts.pullArtifact('art-1', { destination: './checkpoint.bin' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TGTinkerError);
    expect(error).toMatchObject({ code: 'FILE_SYSTEM_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/needs Node\.js .* Omit destination to get the bytes/);
    expect(requests).toHaveLength(0);
    const tc = await ts.createTrainingClient({ model_ref: 'm' });
    const saved = await tc.saveState();
    expect((await ts.pullArtifact(saved.artifact_id)).byteLength).toBe(1040);
  });
});
