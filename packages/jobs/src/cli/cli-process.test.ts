import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveHandlers } from '@trainwire/testing/cli';
import { getResponse, HttpResponse, http, type RequestHandler } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiddlemanClient } from '../middleman-client.js';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY, type MiddlemanMockState } from '../mocks/index.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

let served: Awaited<ReturnType<typeof serveHandlers>>;
let state: MiddlemanMockState;
let home = '';
let env: Record<string, string> = {};
let stallCreates: (() => void) | undefined;

beforeAll(async () => {
  served = await serveHandlers((origin) => {
    const mock = createMiddlemanMock({ baseURL: `${origin}/api/v1`, seed: 5, speed: 0, stepsPerPoll: 2 });
    state = mock.state;
    // While `stallCreates` is set, a create is applied by the mock and then never answered: the
    // client cannot know whether it happened, as when a process is killed mid-request.
    const stall: RequestHandler = http.post(`${origin}/api/v1/jobs`, async ({ request }) => {
      if (!stallCreates) return undefined;
      await getResponse(mock.handlers, request.clone());
      stallCreates();
      return new Promise<never>(() => undefined);
    });
    const hostile: RequestHandler = http.get(`${origin}/api/v1/hostile/*`, () => HttpResponse.json({}));
    return [stall, hostile, ...mock.handlers];
  });
  home = await mkdtemp(join(tmpdir(), 'middleman-process-'));
  env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    MIDDLEMAN_API_URL: `${served.origin}/api/v1`,
    MIDDLEMAN_API_KEY: MIDDLEMAN_MOCK_API_KEY,
  };
});
afterAll(async () => {
  await served.close();
  await rm(home, { recursive: true, force: true });
});

/** Run the real `middleman` entry in a child process (through tsx, as the built bin runs dist). */
function middleman(args: string[], extraEnv: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...env, ...extraEnv } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** `middleman ...args | head -n lines` through a real shell pipe: the reader closes the pipe early. */
function middlemanPipedToHead(args: string[], lines: number) {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const errors = quote(join(home, 'piped-stderr.txt'));
  const command = `${[process.execPath, '--import', 'tsx', MAIN, ...args].map(quote).join(' ')} 2>${errors} | head -n ${lines}; echo "exit=\${PIPESTATUS[0]}" >&2; cat ${errors} >&2`;
  return new Promise<{ stdout: string; stderr: string }>((resolve) => {
    // --norc: bash runs ~/.bashrc when its stdin is a socket (as under turbo), which can take seconds.
    execFile('bash', ['--norc', '-c', command], { env }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
  });
}

const client = () => new MiddlemanClient({ apiKey: MIDDLEMAN_MOCK_API_KEY, baseURL: `${served.origin}/api/v1`, logLevel: 'off' });

describe('middleman as a child process against the mock served over HTTP', () => {
  it('lists jobs as JSON and exits 0', async () => {
    const { code, stdout } = await middleman(['jobs', 'list', '--json', '--limit', '3']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ command: 'jobs list', meta: { total: 10 }, data: [{ status: 'queued' }, {}, {}] });
  });

  it('exits 2 on a usage error and 1 on an API error, with one line and no stack trace', async () => {
    const usage = await middleman(['jobs', 'create', 'train.py', '/data', '--framework', 'caffe']);
    expect(usage).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: Invalid framework: must be one of pytorch, tensorflow, jax (got "caffe")\n',
    });
    const auth = await middleman(['whoami'], { MIDDLEMAN_API_KEY: 'mdlm_bad_key_in_env_77' });
    expect(auth.code).toBe(1);
    expect(auth.stderr).toBe('error: Authentication failed (401): Invalid API key. Run `middleman auth` or set MIDDLEMAN_API_KEY.\n');
    expect(auth.stderr).not.toContain('mdlm_bad_key_in_env_77');
  });

  it('watches a job with plain lines when piped', async () => {
    const created = await client().createJob({ script_path: '/s/train.py', input_data_path: '/d' });
    const { code, stdout } = await middleman(['jobs', 'watch', created.id, '-i', '0.01']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('\x1b');
    expect(stdout.trim().split('\n').at(-1)).toBe('✓ Job finished with status: completed');
  });
});

describe('middleman in pipes and after a kill', () => {
  it('ends quietly when the reader closes the pipe (jobs logs | head, jobs watch --json | head -3)', async () => {
    const [[failed]] = await client().listJobs({ status: 'failed' });
    const logs = await middlemanPipedToHead(['jobs', 'logs', failed!.id], 1);
    expect(logs.stdout.trim().split('\n')).toHaveLength(1);
    expect(logs.stderr).toBe('exit=0\n');
    const created = await client().createJob({ script_path: '/s/train.py', input_data_path: '/d', name: 'piped' });
    const watched = await middlemanPipedToHead(['jobs', 'watch', created.id, '--json', '-i', '0.01'], 3);
    const lines = watched.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.command)).toEqual(['jobs watch', 'jobs watch', 'jobs watch']);
    expect(watched.stderr).toBe('exit=0\n');
    expect(watched.stderr).not.toMatch(/EPIPE|at .*:\d+/);
  });

  it('a create killed after the server applied it, then run again, makes one job and reserves its credits once', async () => {
    const own = await mkdtemp(join(tmpdir(), 'middleman-pending-'));
    const args = ['jobs', 'create', '/s/train.py', '/d/once', '--name', 'killed-once', '--gpu', 'v100', '--json'];
    const reservedBefore = state.account.reserved;
    const applied = new Promise<void>((resolve) => {
      stallCreates = resolve;
    });
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { ...env, HOME: own } });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await applied;
    stallCreates = undefined;
    child.kill('SIGKILL');
    await exited;
    const pendingFile = join(own, '.config', 'middleman', 'pending.json');
    const pending = JSON.parse(await readFile(pendingFile, 'utf8')).operations;
    expect(pending).toHaveLength(1);
    expect((await stat(pendingFile)).mode & 0o777).toBe(0o600);
    const named = () => [...state.jobs.values()].filter((entry) => entry.job.name === 'killed-once');
    expect(named()).toHaveLength(1);
    const reservedOnce = state.account.reserved - reservedBefore;
    expect(reservedOnce).toBeGreaterThan(0);

    const again = await middleman(args, { HOME: own });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Re-sending an unfinished create');
    expect(JSON.parse(again.stdout).data.id).toBe(named()[0]!.job.id);
    expect(named()).toHaveLength(1);
    expect(state.account.reserved - reservedBefore).toBe(reservedOnce);
    await expect(stat(pendingFile)).rejects.toThrow(); // forgotten once finished

    // A later, deliberate run of the same command is a new job.
    const later = await middleman(args, { HOME: own });
    expect(JSON.parse(later.stdout).data.id).not.toBe(named()[0]!.job.id);
    expect(named()).toHaveLength(2);
    await rm(own, { recursive: true, force: true });
  });
});

describe.skipIf(!HAS_SCRIPT)('middleman jobs watch in a real terminal (script(1) pseudo-terminal)', () => {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const inTerminal = (args: string[]) =>
    spawn('script', ['-qec', [process.execPath, '--import', 'tsx', MAIN, ...args].map(quote).join(' '), '/dev/null'], {
      env: { ...env, TERM: 'xterm-256color' },
    });

  it('redraws one live block in place and exits 0 when the job completes', async () => {
    const created = await client().createJob({ script_path: '/s/train.py', input_data_path: '/d', name: 'pty-run' });
    const child = inTerminal(['jobs', 'watch', created.id.slice(0, 8), '-i', '0.02']);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(output).toContain('\x1b[?25l'); // cursor hidden while drawing
    expect(output).toContain(`${'\x1b[2K\x1b[1A'.repeat(4)}\x1b[2K\x1b[G`); // erases the 4-line block to redraw it
    expect(output).toContain(`\x1b[32m${'█'.repeat(10)}`); // coloured progress bar on a terminal
    expect(output).toMatch(/Loss +\d\.\d{4}/);
    expect(output).toMatch(/Credits .*32.* used, 0 reserved/);
    expect(output).toContain('\x1b[?25h'); // cursor back
    expect(output).toContain('Job finished with status:');
    expect(state.jobs.get(created.id)?.job.status).toBe('completed');
  });

  it('leaves the terminal clean on Ctrl-C and exits 130', async () => {
    const [[paused]] = await client().listJobs({ status: 'paused' });
    const child = inTerminal(['jobs', 'watch', paused!.id, '-i', '0.05']);
    let output = '';
    let pressed = false;
    child.stdin.on('error', () => undefined); // the terminal may be gone by the time a write lands
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Elapsed') && !pressed) {
        pressed = true;
        child.stdin.write('\x03'); // Ctrl-C, turned into SIGINT by the terminal
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(output).toContain('\x1b[?25h');
    expect(output).toContain('Stopped watching; the job goes on.');
    expect(output).not.toMatch(/at .*\.ts:\d+/);
  });
});
