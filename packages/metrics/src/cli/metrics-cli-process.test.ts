import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveHandlers } from '@trainwire/testing/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { createRunicornMock } from '../mocks/runicorn.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
let served: Awaited<ReturnType<typeof serveHandlers>>;
let home = '';

beforeAll(async () => {
  served = await serveHandlers((origin) => [
    ...createMetricsMock({ baseURL: `${origin}/metrics`, seed: 2 }).handlers,
    ...createRunicornMock({ baseURL: `${origin}/runicorn`, seed: 2, speed: 0 }).handlers,
  ]);
  home = await mkdtemp(join(tmpdir(), 'trainwire-metrics-process-'));
});
afterAll(async () => {
  await served.close();
  await rm(home, { recursive: true, force: true });
});

function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: home,
          SYVAIN_METRICS_HOST: `${served.origin}/metrics`,
          RUNICORN_BASE_URL: `${served.origin}/runicorn`,
          ...env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('trainwire-metrics as a child process against the mocks served over HTTP', () => {
  it('signs in to Syvain, then plots from the local auth file alone; lists Runicorn runs as JSON', { timeout: 90_000 }, async () => {
    const auth = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', MAIN, 'syvain', 'auth'],
        { env: { PATH: process.env.PATH ?? '', HOME: home, SYVAIN_METRICS_HOST: `${served.origin}/metrics` } },
        (error, _stdout, stderr) => resolve({ code: error ? 1 : 0, stderr }),
      );
      child.stdin?.end('ak_org_trainwire_test\n'); // piped, as from a password manager
    });
    expect(auth).toEqual({ code: 0, stderr: '' });
    const file = join(home, '.config', 'syvain-metrics', 'auth.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8')).base_url).toBe(`${served.origin}/metrics`);
    const plotted = await cli(['syvain', 'plot', 'mamba-run-001', 'loss']);
    expect(plotted.code).toBe(0);
    expect(plotted.stdout).toContain('█ loss');
    const runs = await cli(['runicorn', 'experiments', '--json']);
    const envelope = JSON.parse(runs.stdout);
    expect(envelope.command).toBe('runicorn experiments');
    expect(envelope.data.length).toBeGreaterThan(3);
  });
});
