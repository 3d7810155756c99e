import { TrainwireError } from '@trainwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

describe('loadNodeFileSystem', () => {
  it('loads node:fs/promises and node:path lazily in Node', async () => {
    const { loadNodeFileSystem } = await import('./runicorn-node.js');
    const { fs, path } = await loadNodeFileSystem('test');
    expect(typeof fs.writeFile).toBe('function');
    expect(path.join('a', 'b')).toMatch(/^a[\\/]b$/);
  });

  it('throws NodeRequiredError naming the feature where there is no node:fs', async () => {
    vi.doMock('node:fs/promises', () => {
      throw new Error('Cannot find module node:fs/promises');
    });
    const { loadNodeFileSystem, NodeRequiredError } = await import('./runicorn-node.js');
    const failure = await loadNodeFileSystem('exportExperimentToFile').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NodeRequiredError);
    expect(failure).toBeInstanceOf(TrainwireError);
    expect((failure as Error).message).toMatch(/^exportExperimentToFile writes to the local disk and needs Node\.js/);
  });
});
