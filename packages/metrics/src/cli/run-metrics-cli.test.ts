import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { useMockServer } from '@trainwire/testing';
import { captureIo } from '@trainwire/testing/cli';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyvainMetricsApiClient } from '../metrics/syvain-metrics-client.js';
import { createMetricsMock } from '../mocks/metrics.js';
import { createRunicornMock } from '../mocks/runicorn.js';
import { COMMANDS, runMetricsCli } from './run-metrics-cli.js';

const HOST = 'https://metrics.syvain.com';
const VIEWER = 'http://127.0.0.1:23300';
const KEY = 'ak_org_trainwire_test';
let metrics = createMetricsMock();
let runicorn = createRunicornMock();
const { server, requests } = useMockServer(() => {
  metrics = createMetricsMock({ seed: 4 });
  runicorn = createRunicornMock({ seed: 4, speed: 0 });
  return [...metrics.handlers, ...runicorn.handlers];
});

let home = '';
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'trainwire-metrics-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

async function run(
  argv: string[],
  options: Partial<Parameters<typeof captureIo>[0]> & { during?: (io: ReturnType<typeof captureIo>) => void } = {},
) {
  const io = captureIo({ home: options.home ?? home, env: options.env ?? { SYVAIN_METRICS_API_KEY: KEY }, ...options });
  options.during?.(io);
  const code = await runMetricsCli(argv, io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const experiment = (slug: string) => [...metrics.state.experiments.values()].find((item) => item.slug === slug)!;
const finishedRun = () => runicorn.state.runs.find((item) => item.status === 'finished')!;

describe('trainwire-metrics syvain', () => {
  it('signs in: checks the key, writes the local auth file atomically 0600, which local auth then reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syvain-home-'));
    const signed = await run(['syvain', 'auth', KEY], { home: dir, env: {} });
    expect(signed).toMatchObject({ code: 0, stderr: '' });
    const file = join(dir, '.config', 'syvain-metrics', 'auth.json');
    expect(signed.stdout).toBe(`✓ Signed in to org org_trainwire (saved to ${file}).\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, '.config', 'syvain-metrics'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ api_key: KEY, org_id: 'org_trainwire' });
    const whoami = await run(['syvain', 'whoami', '--json'], { home: dir, env: {} }); // no key given: 'local'
    expect(JSON.parse(whoami.stdout)).toMatchObject({ command: 'syvain whoami', data: { authenticated: true } });
    expect((await new SyvainMetricsApiClient('local', { authFile: file, logLevel: 'off' }).authStatus()).authenticated).toBe(true);
    expect(whoami.stdout + signed.stdout).not.toContain(KEY);
    await rm(dir, { recursive: true });
  });

  it('refuses to write the auth file through a symlink or into a folder others can write, and saves nothing for a bad key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syvain-home-'));
    const folder = join(dir, '.config', 'syvain-metrics');
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const attacker = join(dir, 'attacker.json');
    await writeFile(attacker, '{"api_key":"ak_org_attacker"}', { mode: 0o600 });
    await symlink(attacker, join(folder, 'auth.json'));
    const linked = await run(['syvain', 'auth', KEY], { home: dir, env: {} });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toBe(`error: ${join(folder, 'auth.json')} is a symbolic link; refusing to write through it. Remove it first.\n`);
    expect(await readFile(attacker, 'utf8')).toBe('{"api_key":"ak_org_attacker"}');
    await rm(join(folder, 'auth.json'));
    await chmod(folder, 0o777);
    expect((await run(['syvain', 'auth', KEY], { home: dir, env: {} })).stderr).toContain('can be written by other users (mode 777)');
    await chmod(folder, 0o700);
    const bad = await run(['syvain', 'auth', 'ak_org_not_a_real_key'], { home: dir, env: {} });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: API error \(401\): /);
    await expect(stat(join(folder, 'auth.json'))).rejects.toThrow();
    const none = await run(['syvain', 'experiments'], { home: dir, env: {} });
    expect(none.stderr).toMatch(/^error: Syvain local auth file .*auth\.json does not exist: sign in with the Syvain CLI/);
    await rm(dir, { recursive: true });
  });

  it('lists experiments, and shows a metric catalog by slug', async () => {
    const listed = await run(['syvain', 'experiments']);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split('\n')[0]).toBe('ID        SLUG           STATUS     CREATED           DESCRIPTION');
    expect(listed.stdout).toMatch(/mamba-run-001 {2}completed/);
    const json = JSON.parse((await run(['syvain', 'experiments', '--json', '--status', 'running'])).stdout);
    expect(json.command).toBe('syvain experiments');
    expect(json.data.map((item: { status: string }) => item.status)).toEqual(['running', 'running']);
    const catalog = await run(['syvain', 'metrics', 'mamba-run-001']);
    expect(catalog.stdout).toMatch(/^METRIC +POINTS +FIRST STEP +LAST STEP +METADATA KEYS\n/);
    expect(catalog.stdout).toMatch(/\nloss +210 +0 +199 +split\n/);
    const missing = await run(['syvain', 'metrics', 'no-such-run']);
    expect(missing).toMatchObject({ code: 1, stderr: 'error: API error (404): No Syvain experiment with id or slug "no-such-run".\n' });
  });

  it('plots several series as one chart with axes and a legend, and as the JSON envelope', async () => {
    const plotted = await run(['syvain', 'plot', 'mamba-run-001', 'loss', 'accuracy', '--height', '8']);
    expect(plotted.code).toBe(0);
    expect(plotted.stdout).toContain('mamba-run-001 (completed)');
    expect(plotted.stdout).toMatch(/\n +\d+(\.\d+)?┤/);
    expect(plotted.stdout).toMatch(/└[─┬]+▶/);
    expect(plotted.stdout).toContain('█ loss');
    expect(plotted.stdout).toContain('█ accuracy');
    expect(plotted.stdout).not.toContain('\x1b');
    const coloured = await run(['syvain', 'plot', 'mamba-run-001', 'loss', 'accuracy'], { tty: true });
    expect(coloured.stdout).toContain('\x1b[36m█\x1b[0m loss');
    expect(coloured.stdout).toContain('\x1b[35m█\x1b[0m accuracy');
    const json = JSON.parse((await run(['syvain', 'plot', 'mamba-run-001', 'loss', '--json'])).stdout);
    const stored = metrics.state.events(experiment('mamba-run-001').id).filter((event) => event.name === 'loss');
    expect(json.data.series[0].points).toHaveLength(stored.length);
    expect(json.data).toMatchObject({ title: 'mamba-run-001 (completed)', ended: true, series: [{ name: 'loss' }] });
  });

  it('follows a running experiment, redrawing in place as points arrive, until it ends', async () => {
    const running = experiment('mamba-run-002');
    const client = new SyvainMetricsApiClient(KEY, { logLevel: 'off' });
    const before = metrics.state.events(running.id).filter((event) => event.name === 'loss').length;
    let polls = 0;
    server.use(
      http.get(`${HOST}/api/v1/experiments/${running.id}`, () => {
        polls += 1;
        return undefined;
      }),
    );
    const result = await run(['syvain', 'plot', running.slug, 'loss', '--follow', '--interval', '20ms'], {
      tty: true,
      env: { SYVAIN_METRICS_API_KEY: KEY, NO_COLOR: '1' },
      during: () => {
        void (async () => {
          while (polls < 2) await new Promise((resolve) => setTimeout(resolve, 5));
          const events = [1, 2, 3].map((index) => ({
            client_event_id: `follow/${index}`,
            name: 'loss',
            value: 0.01 * index,
            step: 10_000 + index,
          }));
          await client.ingestMetrics(running.id, events, { sync: true });
          while (polls < 4) await new Promise((resolve) => setTimeout(resolve, 5));
          await client.updateExperimentStatus(running.id, 'completed');
        })();
      },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.startsWith('\x1b[?25l')).toBe(true);
    expect(result.stdout).toContain('\x1b[2K\x1b[1A'); // the chart is erased and drawn again
    const frames = result.stdout.split('(running)');
    expect(frames.length).toBeGreaterThanOrEqual(2);
    const last = stripVTControlCharacters(result.stdout.slice(result.stdout.lastIndexOf(`${running.slug} (`)));
    expect(last.startsWith(`${running.slug} (completed)`)).toBe(true);
    expect(last).toMatch(/10k/); // the x axis grew to the new steps
    expect(result.stdout.endsWith('\x1b[?25h')).toBe(true);
    const json = await run(['syvain', 'plot', running.slug, 'loss', '--json']);
    expect(JSON.parse(json.stdout).data.series[0].points).toHaveLength(before + 3);
  });
});

describe('trainwire-metrics runicorn', () => {
  it('lists runs, shows and plots a run', async () => {
    const listed = await run(['runicorn', 'experiments', '--project', 'nlp']);
    expect(listed.stdout).toMatch(/^ID +PROJECT +NAME +STATUS +BEST\n/);
    expect(listed.stdout).not.toContain('vision');
    const done = finishedRun();
    const shown = await run(['runicorn', 'metrics', done.id]);
    expect(shown.stdout).toMatch(/^METRIC +POINTS +LAST STEP +LAST VALUE\n/);
    expect(shown.stdout).toMatch(/\nloss +\d+ +\d+ +\d/);
    const plotted = await run(['runicorn', 'plot', done.id, 'loss', 'val_loss', '--height', '6']);
    expect(plotted.code).toBe(0);
    expect(plotted.stdout).toContain('(finished)');
    expect(plotted.stdout).toContain('█ loss');
    const json = JSON.parse((await run(['runicorn', 'plot', done.id, 'loss', '--json'])).stdout);
    expect(json.data.series[0].points.length).toBeGreaterThan(10);
    expect(json.data.series[0].points[0]).toEqual([expect.any(Number), expect.any(Number)]);
    const viewer = requests.filter((request) => request.url.origin === VIEWER);
    expect(viewer.length).toBeGreaterThan(0);
  });
});

describe('trainwire-metrics usage, help and errors', () => {
  it('suggests commands at every level, has help for every command, completion, and a version', async () => {
    expect(await run(['syvian'])).toMatchObject({
      code: 2,
      stderr: "error: Unknown command 'syvian' (did you mean syvain?). See --help.\n",
    });
    expect((await run(['syvain', 'plt'])).stderr).toBe("error: Unknown command 'syvain plt' (did you mean plot?). See --help.\n");
    expect((await run(['syvain', 'plot', 'x'])).stderr).toBe('error: syvain plot needs <experiment> and <metric...>. See --help.\n');
    for (const command of COMMANDS) {
      const { code, stdout } = await run(['help', ...command.path]);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: trainwire-metrics ${command.path.join(' ')}`);
      expect(stdout).toMatch(/Examples:\n {2}\$ trainwire-metrics /);
    }
    expect((await run(['completion', 'bash'])).stdout).toContain("'syvain') words=\"auth whoami experiments metrics plot");
    const version = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect((await run(['--version'])).stdout).toBe(`${version}\n`);
    expect(requests).toHaveLength(0);
  });

  it('strips control characters from server text, and shows HTTP exchanges with --verbose', async () => {
    server.use(
      http.get(`${HOST}/api/v1/experiments`, () =>
        HttpResponse.json({ error: { code: 'x', message: 'no\x1b]0;owned\x07 way\x1b[2J\r\nerror: fake' } }, { status: 403 }),
      ),
    );
    const failed = await run(['syvain', 'experiments', '--verbose']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^\* GET https:\/\/metrics\.syvain\.com\/api\/v1\/experiments attempt 1: 403/m);
    expect(failed.stderr.trimEnd().split('\n').at(-1)).toBe('error: API error (403): no way error: fake');
    expect(failed.stderr).not.toContain('\x1b');
    expect(failed.stderr).not.toContain(KEY);
  });
});
