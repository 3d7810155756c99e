import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Output } from '@trainwire/cli-kit';
import { useMockServer } from '@trainwire/testing';
import { captureIo } from '@trainwire/testing/cli';
import { HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMiddlemanMock, MIDDLEMAN_MOCK_API_KEY } from '../mocks/index.js';
import { uploadProgressLine } from './commands/data-commands.js';
import { COMMANDS, runCli } from './run-cli.js';

const BASE = 'https://api.middleman.run/api/v1';
const KEY = MIDDLEMAN_MOCK_API_KEY;
let mock = createMiddlemanMock();
const { server, requests } = useMockServer(() => {
  mock = createMiddlemanMock({ seed: 3, speed: 0 });
  return mock.handlers;
});

let home = '';
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'middleman-cli-'));
});
afterAll(() => rm(home, { recursive: true, force: true }));

/** Run `middleman ...argv` in-process with the key in MIDDLEMAN_API_KEY unless `env` says otherwise. */
async function run(
  argv: string[],
  options: Partial<Parameters<typeof captureIo>[0]> & { during?: (io: ReturnType<typeof captureIo>) => void } = {},
) {
  const io = captureIo({ home: options.home ?? home, env: options.env ?? { MIDDLEMAN_API_KEY: KEY }, ...options });
  options.during?.(io);
  const code = await runCli(argv, io.io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const jobId = (name: string) => [...mock.state.jobs.values()].find((entry) => entry.job.name === name)!.job.id;

describe('middleman jobs', () => {
  it('lists jobs in an aligned table without colour when piped', async () => {
    const { code, stdout, stderr } = await run(['jobs', 'list', '--limit', '4']);
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Training Jobs (4 of 10)');
    expect(lines[1]).toBe('ID        NAME               STATUS         GPU     PROGRESS  COST');
    expect(lines[3]).toMatch(/^[0-9a-f]{8} {2}mnist-baseline {5}queued {9}t4×1 {4}- {12}0$/);
    expect(lines[6]).toMatch(/^[0-9a-f]{8} {2}llama-7b-lora {6}checkpointing {2}a100×8 {2}8\/20 {7}512$/);
    expect(stdout).not.toContain('\x1b[');
  });

  it('colours on a terminal unless NO_COLOR or --no-color', async () => {
    expect((await run(['jobs', 'list'], { tty: true })).stdout).toContain('\x1b[32mrunning\x1b[39m');
    expect((await run(['jobs', 'list'], { tty: true, env: { MIDDLEMAN_API_KEY: KEY, NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await run(['jobs', 'list', '--no-color'], { tty: true })).stdout).not.toContain('\x1b[');
  });

  it('prints JSON with --json, every page with --all, and filters by --status', async () => {
    const page = JSON.parse((await run(['jobs', 'list', '--json', '-l', '2'])).stdout);
    expect(page).toMatchObject({ command: 'jobs list', meta: { total: 10 } });
    expect(page.data).toHaveLength(2);
    expect(page.data[0]).toMatchObject({ name: 'mnist-baseline', is_terminal: false });
    const all = JSON.parse((await run(['--json', 'jobs', 'list', '--all', '--limit', '3'])).stdout);
    expect(all.data).toHaveLength(10);
    const failed = JSON.parse((await run(['jobs', 'list', '-s', 'failed', '--json'])).stdout);
    expect(failed.data.map((job: { name: string }) => job.name)).toEqual(['gpt-small-pretrain']);
  });

  it('creates a job from the documented flags, never printing environment values', async () => {
    const { code, stdout } = await run([
      'jobs',
      'create',
      '/scripts/train.py',
      '/data/dataset',
      '--name',
      'My Training Run',
      '--gpu',
      'a100',
      '--gpu-count',
      '2',
      '--framework',
      'pytorch',
      '-h',
      '8',
      '-r',
      '/scripts/requirements.txt',
      '--env',
      'WANDB_API_KEY=wandb-cli-secret-1',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /✓ Job created\nID: +[0-9a-f-]{36}\nStatus: +queued\nQueue position: 2\nEstimated cost: 800 credits\nReserved: +800 credits/,
    );
    const body = JSON.parse(await requests.find((request) => request.method === 'POST')!.body);
    expect(body).toEqual({
      script_path: '/scripts/train.py',
      input_data_path: '/data/dataset',
      name: 'My Training Run',
      gpu_type: 'a100',
      gpu_count: 2,
      framework: 'pytorch',
      max_runtime_hours: 8,
      requirements_file: '/scripts/requirements.txt',
      checkpoint_frequency: 10,
      environment_variables: { WANDB_API_KEY: 'wandb-cli-secret-1' },
    });
    server.use(
      http.post(`${BASE}/jobs`, async ({ request }) => HttpResponse.json({ detail: `echo ${await request.text()}` }, { status: 400 })),
    );
    const failed = await run(['jobs', 'create', 'a.py', '/d', '-e', 'WANDB_API_KEY=wandb-cli-secret-1', '--json']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('[redacted]');
    expect(failed.stderr + failed.stdout).not.toContain('wandb-cli-secret-1');
  });

  it('refuses bad input with one line and exit code 2, before any request', async () => {
    const gpu = await run(['jobs', 'create', 'a.py', '/d', '--gpu', 'h100']);
    expect(gpu).toEqual({ code: 2, stdout: '', stderr: 'error: Invalid gpu_type: must be one of t4, v100, a100 (got "h100")\n' });
    const count = await run(['jobs', 'create', 'a.py', '/d', '--gpu-count', 'two']);
    expect(count.stderr).toBe('error: --gpu-count must be a whole number (got "two"). See --help.\n');
    const missing = await run(['jobs', 'create', 'a.py']);
    expect([missing.code, missing.stderr]).toEqual([2, 'error: jobs create needs <script> and <data>. See --help.\n']);
    const unknown = await run(['jobs', 'list', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Unknown option '--colour'\. See --help\.\n$/);
    expect(requests).toHaveLength(0);
  });

  it('shows a job by id prefix, and maps a 404 to exit code 1', async () => {
    const id = jobId('gpt-small-pretrain');
    const { code, stdout } = await run(['jobs', 'status', id.slice(0, 8)]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Job ${id}`);
    expect(stdout).toMatch(/Status: +failed/);
    expect(stdout).toMatch(/Error: +Training script exited with code 1/);
    const missing = await run(['jobs', 'status', '00000000-0000-4000-8000-000000000000']);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: API error (404): Job 00000000-0000-4000-8000-000000000000 not found\n',
    });
  });

  it('cancels only with --yes when not at a terminal, and reports the refund', async () => {
    const id = jobId('diffusion-xl');
    const refused = await run(['jobs', 'cancel', id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Pass --yes to confirm');
    expect(mock.state.jobs.get(id)!.job.status).toBe('running');
    const { code, stdout } = await run(['jobs', 'cancel', id, '--yes']);
    expect(code).toBe(0);
    const refund = 800 - mock.state.jobs.get(id)!.job.actual_cost;
    expect(stdout).toBe(`✓ Job ${id.slice(0, 8)} cancelled.\n  Refunded: ${refund.toLocaleString('en-US')} credits\n`);
  });

  it('asks on a terminal and does nothing on "n"', async () => {
    const id = jobId('diffusion-xl');
    const answer = await run(['jobs', 'cancel', id], { stdinTTY: true, stdin: ['n\r'] });
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain(`Cancel job ${id.slice(0, 8)}?`);
    expect(answer.stderr).toContain('(y/N)'); // @inquirer/confirm's prompt, on stderr
    expect(answer.stderr).toContain('error: Not confirmed; nothing was changed.');
    expect(mock.state.jobs.get(id)!.job.status).toBe('running');
    const yes = await run(['jobs', 'cancel', id], { stdinTTY: true, stdin: ['y\r'] });
    expect(yes.code).toBe(0);
    expect(mock.state.jobs.get(id)!.job.status).toBe('cancelled');
  });

  it('pauses and resumes', async () => {
    const id = jobId('diffusion-xl');
    expect((await run(['jobs', 'pause', id])).stdout).toBe(`✓ Job ${id.slice(0, 8)} paused.\n  Status: paused\n`);
    expect((await run(['jobs', 'resume', id])).stdout).toBe(`✓ Job ${id.slice(0, 8)} resuming.\n  Status: resuming\n`);
    const again = await run(['jobs', 'resume', id]);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('API error (409): Only paused jobs can be resumed') });
  });

  it('prints logs, and follows them until the job ends', async () => {
    const id = jobId('gpt-small-pretrain');
    const { stdout } = await run(['jobs', 'logs', id]);
    expect(stdout.split('\n')[0]).toMatch(/^2026-10-01T\d\d:\d\d:\d\d INFO {4}Job queued: 1× t4, jax, up to 4 h$/);
    expect(stdout).toMatch(/ERROR {3}Training script exited with code 1/);
    const running = jobId('tabular-xgb-sweep');
    const followed = await run(['jobs', 'logs', running, '--follow', '--interval', '0', '--json']);
    const lines = followed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.every((line) => line.command === 'jobs logs')).toBe(true);
    expect(lines.at(-1).data.message).toBe('Training complete; outputs written to outputs/');
    expect(new Set(lines.map((line) => `${line.data.timestamp}${line.data.message}`)).size).toBe(lines.length);
  });
});

describe('middleman jobs watch', () => {
  it('prints one plain line per change when piped, and exits 0 when the job completes', async () => {
    const { code, stdout } = await run(['jobs', 'watch', jobId('mnist-baseline'), '-i', '0']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\S+Z provisioning +epoch - credits=0$/);
    expect(lines).toContainEqual(expect.stringMatching(/ running +epoch 5\/10 loss=\d\.\d{4} credits=16$/));
    expect(lines.at(-1)).toBe('✓ Job finished with status: completed');
    expect(stdout).not.toContain('\x1b[');
  });

  it('redraws one block in place on a terminal', async () => {
    const { code, stdout } = await run(['jobs', 'watch', jobId('mnist-baseline'), '-i', '0'], {
      tty: true,
      env: { MIDDLEMAN_API_KEY: KEY, NO_COLOR: '1' },
    });
    expect(code).toBe(0);
    expect(stdout.startsWith('\x1b[?25l')).toBe(true);
    // log-update erases the 4-line block (and the line under it) before drawing the next one.
    expect(stdout).toContain(`${'\x1b[2K\x1b[1A'.repeat(4)}\x1b[2K\x1b[GJob `);
    const last = stdout.slice(stdout.lastIndexOf('\x1b[GJob '));
    expect(last).toMatch(/Epoch {4}10\/10 {3}█{30} 100%/);
    expect(last).toMatch(/Loss {5}\d\.\d{4}\n/);
    expect(last).toMatch(/Elapsed {2}\d\d:\d\d:\d\d {3}Credits 32 used, 0 reserved/);
    // The loss curve by epoch: a y axis with labels, an x axis named epoch, a legend; no colour with NO_COLOR.
    expect(last).toMatch(/\n +\d\.\d+┤/);
    expect(last).toMatch(/└[─┬]+▶/);
    expect(last).toContain('epoch');
    expect(last).toContain('█ loss');
    expect(last).not.toContain('\x1b[3');
    expect(stdout).toContain('\x1b[?25h✓ Job finished with status: completed');
  });

  it('exits 3 when the job fails and 4 when it is cancelled', async () => {
    const created = JSON.parse((await run(['jobs', 'create', '/scripts/fail.py', '/d', '--json'])).stdout).data;
    const failed = await run(['jobs', 'watch', created.id, '-i', '0']);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toContain('✗ Job finished with status: failed\n  Training script exited with code 1');
    const cancelled = await run(['jobs', 'watch', jobId('unet-segmentation'), '-i', '0']);
    expect(cancelled.code).toBe(4);
  });

  it('stops on Ctrl-C with exit code 130 and shows the cursor again', async () => {
    const result = await run(['jobs', 'watch', jobId('vit-base-cifar'), '-i', '1'], {
      tty: true,
      during: (io) => setTimeout(io.interrupt, 50),
    });
    expect(result.code).toBe(130);
    expect(result.stdout.endsWith('\x1b[?25h')).toBe(true);
    expect(result.stderr).toBe('Stopped watching; the job goes on.\n');
  });
});

describe('middleman billing, data and keys', () => {
  it('shows the balance, packages and history', async () => {
    const balance = await run(['billing', 'balance']);
    const { balance: total, reserved } = mock.state.account;
    expect(balance.stdout).toContain(`Available  ${(total - reserved).toLocaleString('en-US').padStart(10)}`);
    expect(JSON.parse((await run(['billing', 'balance', '--json'])).stdout).data).toEqual({
      balance: total,
      reserved,
      available: total - reserved,
      expires_at: '2027-12-31T00:00:00.000Z',
    });
    const packages = await run(['billing', 'packages']);
    expect(packages.stdout).toMatch(/Starter {7}1,000 {5}\$10\.00 {3}\$0\.0100\n/);
    expect(packages.stdout).toMatch(/Enterprise {2}250,000 {2}\$1,750\.00 {3}\$0\.0070\n/);
    expect(packages.stdout).toContain('Purchase credits at https://middleman.cloud/dashboard/billing');
    const history = await run(['billing', 'history', '-l', '3']);
    expect(history.stdout.split('\n')[0]).toBe(`Transaction History (3 of ${mock.state.transactions.length})`);
    const all = JSON.parse((await run(['billing', 'history', '--all', '--json', '--limit', '5'])).stdout);
    expect(all.data).toHaveLength(mock.state.transactions.length);
  });

  it('uploads a file and prints its blob path; prints a download URL', async () => {
    const file = join(home, 'dataset.zip');
    await writeFile(file, new Uint8Array(100_000).fill(7));
    const id = jobId('mnist-baseline');
    const { code, stdout } = await run(['data', 'upload', file, '--job', id.slice(0, 8)]);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`✓ Uploaded .*dataset.zip\\n  Path: uploads/${id}/[a-z0-9]{8}/dataset.zip\\n`));
    expect([...mock.state.uploads.values()][0]).toMatchObject({ received: 100_000, job_id: id });
    const withBar = await run(['data', 'upload', file], { tty: true, env: { MIDDLEMAN_API_KEY: KEY, NO_COLOR: '1' } });
    expect(withBar.stderr).toContain('██████████████████████████████ 100% 97.7 KiB / 97.7 KiB');
    const url = await run(['data', 'download-url', id, '-p', 'outputs/model.pt']);
    expect(url.stdout).toMatch(/^https:\/\/api\.middleman\.run\/api\/v1\/_storage\/download\/.+outputs%2Fmodel\.pt\?signature=\w+\n$/);
    const missing = await run(['data', 'upload', join(home, 'missing.zip')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: Invalid path: cannot read .*missing\.zip.* \(ENOENT\)\n$/);
  });

  it('shows upload speed and time left', () => {
    const err = new Output({ write: () => true, isTTY: true }, false);
    expect(uploadProgressLine(err, 420 * 1024 ** 2, 1024 ** 3, 5_000)).toBe(
      `${'█'.repeat(12)}${'░'.repeat(18)}  41% 420.0 MiB / 1.0 GiB  84.0 MiB/s  8s left`,
    );
    expect(uploadProgressLine(err, 10 * 1024 ** 2, 100 * 1024 ** 3, 1_000)).toMatch(/ 10\.0 MiB\/s {2}2h50m left$/);
    expect(uploadProgressLine(err, 1024, 1024, 100)).toMatch(/100% 1\.0 KiB \/ 1\.0 KiB {2}10\.0 KiB\/s$/);
  });

  it('creates a key and shows it once, lists and revokes keys', async () => {
    const created = await run(['keys', 'create', 'CI/CD Pipeline', '--expires', '90']);
    expect(created.code).toBe(0);
    const fullKey = mock.state.apiKeys.at(-1)!.key;
    expect(created.stdout.split(fullKey)).toHaveLength(2);
    expect(created.stdout).toContain("Save this key now - it won't be shown again!");
    const listed = await run(['keys', 'list']);
    expect(listed.stdout).toMatch(/CI\/CD Pipeline {2}mdlm_\w{4}\.\.\. {2}read, write/);
    expect(listed.stdout).not.toContain(fullKey);
    const id = mock.state.apiKeys.at(-1)!.info.id;
    const revoked = await run(['keys', 'revoke', id.slice(0, 8), '-y']);
    expect(revoked.stdout).toBe(`✓ API key ${id.slice(0, 8)} revoked.\n`);
    expect(mock.state.apiKeys.at(-1)!.revoked).toBe(true);
  });
});

describe('keys, config and errors', () => {
  const configFile = (dir: string) => join(dir, '.config', 'middleman', 'config.json');

  it('saves the key to a profile of the XDG config (0600 in a 0700 folder) and reads it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    const saved = await run(['auth', KEY], { home: dir, env: {} });
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(
      /✓ API key configured \(profile default, saved to .*\.config\/middleman\/config\.json\)\.\n {2}Balance: [\d,]+ credits available\n/,
    );
    const path = configFile(dir);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, '.config', 'middleman'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ profile: 'default', profiles: { default: { api_key: KEY } } });
    expect((await run(['whoami'], { home: dir, env: {} })).stdout).toMatch(/Key from: +profile default \(.*config\.json\)/);
    const fromEnv = await run(['whoami', '--json'], { home: dir, env: { MIDDLEMAN_API_KEY: 'mdlm_wrong_env_key_1' } });
    expect(fromEnv.code).toBe(1);
    expect(requests.at(-1)?.headers.get('x-api-key')).toBe('mdlm_wrong_env_key_1');
    const fromFlag = await run(['whoami', '--api-key', KEY], { home: dir, env: { MIDDLEMAN_API_KEY: 'mdlm_wrong_env_key_1' } });
    expect(fromFlag.stdout).toMatch(/Key from: +--api-key/);
    expect(fromFlag.stdout + fromFlag.stderr + saved.stdout).not.toContain(KEY);
    // XDG_CONFIG_HOME moves the file.
    const xdg = join(dir, 'xdg');
    await run(['auth', KEY], { home: dir, env: { XDG_CONFIG_HOME: xdg } });
    expect((await stat(join(xdg, 'middleman', 'config.json'))).mode & 0o777).toBe(0o600);
    await rm(dir, { recursive: true });
  });

  it('keeps named profiles with their base URL, chosen by --profile or MIDDLEMAN_PROFILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    const other = 'https://staging.middleman.test/api/v1';
    server.use(http.get(`${other}/billing/balance`, () => HttpResponse.json({ balance: 7, reserved: 0, available: 7 })));
    await run(['auth', KEY], { home: dir, env: {} });
    const staging = await run(['auth', 'mdlm_staging_key_123', '--profile', 'staging', '--base-url', other], { home: dir, env: {} });
    expect(staging.stderr).toBe('');
    expect(staging.code).toBe(0);
    const config = JSON.parse(await readFile(configFile(dir), 'utf8'));
    expect(config).toEqual({
      profile: 'default',
      profiles: { default: { api_key: KEY }, staging: { api_key: 'mdlm_staging_key_123', base_url: other } },
    });
    const byFlag = JSON.parse((await run(['whoami', '--json', '--profile', 'staging'], { home: dir, env: {} })).stdout);
    expect(byFlag.data).toMatchObject({ profile: 'staging', base_url: other, available: 7 });
    const byEnv = JSON.parse((await run(['whoami', '--json'], { home: dir, env: { MIDDLEMAN_PROFILE: 'staging' } })).stdout);
    expect(byEnv.data).toMatchObject({ profile: 'staging', base_url: other });
    const byDefault = JSON.parse((await run(['whoami', '--json'], { home: dir, env: {} })).stdout);
    expect(byDefault.data).toMatchObject({ profile: 'default', base_url: BASE });
    const missing = await run(['whoami', '--profile', 'prod'], { home: dir, env: {} });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('No profile "prod" in ') });
    await rm(dir, { recursive: true });
  });

  it("still reads the Python CLI's ~/.middleman/config, and refuses it when others can read it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    await mkdir(join(dir, '.middleman'), { mode: 0o700 });
    const legacy = join(dir, '.middleman', 'config');
    await writeFile(legacy, `${KEY}\n`, { mode: 0o600 });
    const whoami = await run(['whoami'], { home: dir, env: {} });
    expect(whoami.stdout).toMatch(/Key from: +~\/\.middleman\/config/);
    await chmod(legacy, 0o644);
    const result = await run(['jobs', 'list'], { home: dir, env: {} });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: ${legacy} can be read by other users (mode 644); run \`chmod 600 ${legacy}\`.\n`,
    });
    await rm(dir, { recursive: true });
  });

  it('refuses hostile config files: a symlink to an attacker file, a folder others can write, a file of another user', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    const folder = join(dir, '.config', 'middleman');
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const attacker = join(dir, 'attacker.json');
    await writeFile(attacker, JSON.stringify({ profiles: { default: { api_key: 'mdlm_attacker', base_url: 'https://evil.test' } } }), {
      mode: 0o600,
    });
    await symlink(attacker, configFile(dir));
    const read = await run(['whoami'], { home: dir, env: {} });
    expect(read).toMatchObject({
      code: 1,
      stderr: `error: ${configFile(dir)} is a symbolic link; refusing to read it. Replace it with a regular file.\n`,
    });
    const write = await run(['auth', KEY], { home: dir, env: {} });
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('is a symbolic link');
    expect(JSON.parse(await readFile(attacker, 'utf8')).profiles.default.api_key).toBe('mdlm_attacker'); // nothing written through it
    await rm(configFile(dir));

    await chmod(folder, 0o777);
    const open = await run(['auth', KEY], { home: dir, env: {} });
    expect(open).toMatchObject({
      code: 1,
      stderr: `error: ${folder} can be written by other users (mode 777); run \`chmod 700 ${folder}\`.\n`,
    });
    await expect(stat(configFile(dir))).rejects.toThrow();
    await chmod(folder, 0o700);

    await run(['auth', KEY], { home: dir, env: {} });
    await chown(configFile(dir), 4242, 4242);
    const foreign = await run(['whoami'], { home: dir, env: {} });
    expect(foreign).toMatchObject({
      code: 1,
      stderr: `error: ${configFile(dir)} belongs to another user (uid 4242); refusing to use it.\n`,
    });
    expect((await run(['auth', KEY], { home: dir, env: {} })).stderr).toContain('belongs to another user');
    await rm(dir, { recursive: true });
  });

  it('reads the key for auth from stdin, and saves nothing when the server refuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    const piped = await run(['auth'], { home: dir, env: {}, stdin: [`${KEY}\n`] });
    expect(piped.code).toBe(0);
    const other = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    const refused = await run(['auth', 'mdlm_not_a_real_key_9'], { home: other, env: {} });
    // `auth` itself does not send you to `middleman auth`.
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Authentication failed (401): Invalid API key. Nothing was saved; check the key and try again.\n',
    });
    await expect(stat(configFile(other))).rejects.toThrow();
    const elsewhere = await run(['billing', 'balance'], { home: other, env: { MIDDLEMAN_API_KEY: 'mdlm_not_a_real_key_9' } });
    expect(elsewhere.stderr).toBe('error: Authentication failed (401): Invalid API key. Run `middleman auth` or set MIDDLEMAN_API_KEY.\n');
    await rm(dir, { recursive: true });
    await rm(other, { recursive: true });
  });

  it('asks for the key on a terminal without echoing it (@inquirer/password)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'middleman-home-'));
    const typed = await run(['auth'], { home: dir, env: {}, stdinTTY: true, stdin: [`${KEY}\r`] });
    expect(typed.code).toBe(0);
    expect(typed.stderr).toContain('Enter your API key:');
    expect(typed.stderr).not.toContain(KEY);
    expect(typed.stdout).not.toContain(KEY);
    expect(JSON.parse(await readFile(configFile(dir), 'utf8')).profiles.default.api_key).toBe(KEY);
    await rm(dir, { recursive: true });
  });

  it('says how to configure a key when there is none', async () => {
    const result = await run(['billing', 'balance'], { env: {}, home: join(home, 'nobody') });
    expect(result.stderr).toBe('error: No API key configured: run `middleman auth`, set MIDDLEMAN_API_KEY, or pass --api-key.\n');
    expect(result.code).toBe(1);
  });

  it('reports an unreachable server in one line, and errors in the JSON error envelope with --json', async () => {
    server.use(http.all('http://127.0.0.1:9/*', () => HttpResponse.error()));
    const result = await run(['billing', 'balance', '--base-url', 'http://127.0.0.1:9/api/v1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Could not reach the Middleman API \(.*\)\. Check --base-url \/ MIDDLEMAN_API_URL\.\n$/);
    const json = await run(['jobs', 'status', 'nope-nope', '--json']);
    expect(JSON.parse(json.stderr)).toEqual({
      command: 'jobs status',
      error: { type: 'NotFoundError', message: 'API error (404): Job nope-nope not found', exit_code: 1 },
    });
  });

  it('strips control characters from server text before it reaches the terminal', async () => {
    const hostile = 'quota\x1b]0;pwned\x07 exceeded\x1b[2J\r\nerror: fake \x9b31mline\u202e';
    server.use(http.get(`${BASE}/billing/balance`, () => HttpResponse.json({ detail: hostile }, { status: 403 })));
    const human = await run(['billing', 'balance'], { tty: true });
    expect(human.code).toBe(1);
    expect(human.stderr).toBe('\x1b[31merror:\x1b[39m API error (403): quota exceeded error: fake line\n');
    const json = await run(['billing', 'balance', '--json']);
    expect(JSON.parse(json.stderr).error.message).toBe('API error (403): quota exceeded error: fake line');
    const controls = [...json.stderr.trimEnd()].filter((character) => {
      const code = character.charCodeAt(0);
      return code < 0x20 || (code >= 0x7f && code <= 0x9f);
    });
    expect(controls).toEqual([]);
    server.use(
      http.get(`${BASE}/jobs`, () =>
        HttpResponse.json({
          data: [{ ...mock.state.jobs.values().next().value!.job, name: 'ok\x1b[2J\x1b]8;;http://evil\x07name\r' }],
          total: 1,
        }),
      ),
    );
    const listed = await run(['jobs', 'list']);
    expect(listed.stdout).toContain('okname');
    expect(listed.stdout).not.toContain('\x1b');
  });

  it('shows each HTTP exchange on stderr with --verbose, keys redacted', async () => {
    const { code, stdout, stderr } = await run(['billing', 'balance', '--verbose', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).command).toBe('billing balance');
    expect(stderr).toMatch(/^\* GET https:\/\/api\.middleman\.run\/api\/v1\/billing\/balance attempt 1: 200 \(\d+ ms\)/m);
    expect(stderr).not.toContain(KEY);
    expect((await run(['billing', 'balance'])).stderr).toBe('');
  });

  it('takes durations wherever a time is taken: --since 1h, --interval 500ms', async () => {
    const id = jobId('gpt-small-pretrain');
    const all = (await run(['jobs', 'logs', id, '--json'])).stdout.trim().split('\n');
    const recent = await run(['jobs', 'logs', id, '--since', '1h', '--json']);
    expect(recent.code).toBe(0);
    const since = new URL(requests.filter((request) => String(request.url).includes('/logs')).at(-1)!.url).searchParams.get('since')!;
    expect(Math.abs(Date.parse(since) - (Date.now() - 3_600_000))).toBeLessThan(60_000);
    expect(recent.stdout.trim().split('\n').length).toBeLessThanOrEqual(all.length);
    expect((await run(['jobs', 'logs', id, '--since', 'yesterday'])).stderr).toBe(
      'error: --since must be a duration ago like 30m, 1h or 2d, or an ISO date-time (got "yesterday"). See --help.\n',
    );
    expect((await run(['jobs', 'watch', 'x', '-i', 'soon'])).stderr).toBe(
      'error: --interval must be seconds or a duration like 500ms, 30s or 2m (got "soon"). See --help.\n',
    );
  });

  it('reports what commander finds wrong in one line with exit code 2, with suggestions at every level', async () => {
    expect(await run(['jobs', 'status'])).toEqual({ code: 2, stdout: '', stderr: 'error: jobs status needs <job-id>. See --help.\n' });
    expect((await run(['jobs', 'status', 'a', 'b'])).stderr).toBe(
      "error: Too many arguments for 'status'. Expected 1 argument but got 2. See --help.\n",
    );
    expect((await run(['jobs', 'list', '--jsn'])).stderr).toBe("error: Unknown option '--jsn' (did you mean --json?). See --help.\n");
    expect(await run(['jbos'])).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: Unknown command 'jbos' (did you mean jobs?). See --help.\n",
    });
    expect((await run(['jobs', 'lst'])).stderr).toBe("error: Unknown command 'jobs lst' (did you mean list?). See --help.\n");
    expect((await run(['billing', 'balanse'])).stderr).toBe(
      "error: Unknown command 'billing balanse' (did you mean balance?). See --help.\n",
    );
    const group = await run(['jobs']);
    expect([group.code, group.stdout]).toEqual([2, '']);
    expect(group.stderr).toMatch(/^error: `jobs` needs a command\.\nUsage: middleman jobs <command>/);
    expect(group.stderr).toMatch(/\n {2}watch <job-id> +Watch a job until it ends/);
    expect(JSON.parse((await run(['--json', 'keys'])).stderr)).toEqual({
      command: 'keys',
      error: { type: 'UsageError', message: '`keys` needs a command.', exit_code: 2 },
    });
    const version = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')).version;
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await run(['-V'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(await run([])).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: middleman <command> [options]') });
    expect(requests).toHaveLength(0);
  });

  it('has --help and `help <command>` with usage and examples for every command, and for each group', async () => {
    for (const command of COMMANDS) {
      const { code, stdout } = await run([...command.path, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: middleman ${command.path.join(' ')}`);
      expect(stdout).toMatch(/Examples:\n {2}\$ middleman /);
      expect((await run(['help', ...command.path])).stdout).toBe(stdout);
    }
    for (const group of ['jobs', 'billing', 'data', 'keys']) {
      expect((await run([group, '--help'])).stdout).toContain(`Usage: middleman ${group} <command>`);
      expect((await run(['help', group])).stdout).toContain(`Usage: middleman ${group} <command>`);
    }
    const main = await run(['--help']);
    expect(main.stdout).toContain('Exit codes: 0 success, 1 API or setup error, 2 usage error');
    expect(main.stdout).toContain('help [command...]');
    expect((await run(['jobs', 'create', '--help'])).stdout).toContain('-h, --max-hours N');
    expect((await run(['help', 'jbos'])).stderr).toBe("error: Unknown command 'jbos' (did you mean jobs?). See --help.\n");
    expect(requests).toHaveLength(0);
  });

  it('prints completion scripts for bash, zsh and fish', async () => {
    const bash = await run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _middleman_complete middleman');
    expect(bash.stdout).toContain("'jobs') words=\"list create status cancel pause resume logs watch");
    expect((await run(['completion', 'zsh'])).stdout).toContain('#compdef middleman');
    expect((await run(['completion', 'fish'])).stdout).toContain(
      "complete -c middleman -n '__fish_use_subcommand' -a 'auth whoami jobs billing data keys completion help'",
    );
    expect((await run(['completion', 'tcsh'])).stderr).toBe('error: completion needs one of bash, zsh, fish (got "tcsh"). See --help.\n');
  });
});
