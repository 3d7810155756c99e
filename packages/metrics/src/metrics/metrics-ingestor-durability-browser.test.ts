import { fileURLToPath } from 'node:url';
import { InvalidRequestError } from '@trainwire/core';
import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IngestDurability } from './metrics-ingestor-durability-browser.js';
import type { IngestorPort } from './metrics-ingestor-port.js';

const port = (flush: () => Promise<unknown>) => ({ flush }) as unknown as IngestorPort;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the ingestor in a browser bundle', () => {
  it('gets neither the exit hooks nor the spool: the bundle of the client has none of their code', async () => {
    const bundled = await build({
      entryPoints: [fileURLToPath(new URL('../../dist/index.js', import.meta.url))],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const text = bundled.outputFiles[0]?.text ?? '';
    expect(text).toContain('visibilitychange');
    for (const node of ['beforeExit', 'SIGTERM', '@trainwire/metrics/spool', 'writevSync', 'node:fs']) expect(text).not.toContain(node);
  });

  it('refuses a spool or a resumed run with a clear error, before anything is sent', () => {
    expect(
      () =>
        new IngestDurability(
          port(async () => undefined),
          { spool: true },
        ),
    ).toThrow(InvalidRequestError);
    expect(
      () =>
        new IngestDurability(
          port(async () => undefined),
          { resume: true },
        ),
    ).toThrow('Invalid resume: needs Node.js, Bun or Deno');
  });

  it('starts a flush when the page is hidden, and stops listening once closed', async () => {
    const listeners = new Map<string, () => void>();
    const page = { visibilityState: 'visible' };
    vi.stubGlobal('document', page);
    vi.stubGlobal('addEventListener', (type: string, listener: () => void) => listeners.set(type, listener));
    vi.stubGlobal('removeEventListener', (type: string) => listeners.delete(type));
    const flush = vi.fn(async () => undefined);
    const durability = new IngestDurability(port(flush), { exitTimeout: 5_000 });
    listeners.get('visibilitychange')?.();
    expect(flush).not.toHaveBeenCalled();
    page.visibilityState = 'hidden';
    listeners.get('visibilitychange')?.();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(await durability.checkpoint()).toBe(false);
    await durability.close();
    expect(listeners.size).toBe(0);
  });
});
