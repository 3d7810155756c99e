import { fileURLToPath } from 'node:url';
import { MiddlemanClient } from '@trainwire/jobs';
import { MIDDLEMAN_MOCK_API_KEY } from '@trainwire/jobs/msw';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxServices } from './sandbox-services.js';
import { driveServices } from './test-support/drive-services.js';
import { portIsFree, processIsGone, type RunningBin, runBin, runNode, startBin } from './test-support/run-bin.js';

/** The `middleman` bin of @trainwire/jobs: its committed shim, which runs the built CLI. */
const MIDDLEMAN_BIN = fileURLToPath(new URL('../../jobs/bin/middleman.js', import.meta.url));

let running: RunningBin | undefined;

afterEach(() => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

describe('trainwire-sandbox (the built bin, as a child process)', () => {
  it('prints each base URL and the env lines, serves every service to its SDK and CLI, injects faults, and stops cleanly on SIGINT', async () => {
    running = await startBin(['--port', '0', '--seed', '5', '--speed', '50']);
    const names = Object.keys(sandboxServices);
    const port = Number(new URL(Object.values(running.urls)[0] ?? '').port);
    expect(port).toBeGreaterThan(0);
    expect(running.urls).toEqual(Object.fromEntries(names.map((name) => [name, `http://127.0.0.1:${port}/${name}`])));
    expect(running.env).toMatchObject({ MIDDLEMAN_API_URL: `http://127.0.0.1:${port}/jobs`, MIDDLEMAN_API_KEY: MIDDLEMAN_MOCK_API_KEY });

    // Every service through its SDK, configured only from the printed env lines.
    for (const name of names) {
      const facts = await driveServices[name as keyof typeof driveServices](running.env);
      expect(Object.keys(facts).length, name).toBeGreaterThan(0);
    }

    // The middleman CLI, pointed at the sandbox by the same env lines, watches a job to the end.
    const client = new MiddlemanClient({ baseURL: running.env.MIDDLEMAN_API_URL, apiKey: running.env.MIDDLEMAN_API_KEY });
    const job = await client.createJob({ name: 'watched', script_path: 'train.py', input_data_path: 'uploads/x/data.jsonl' });
    const watched = await runNode([MIDDLEMAN_BIN, 'jobs', 'watch', job.id, '--interval', '1', '--no-color'], running.env);
    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('completed');

    const faulty = await fetch(`${running.urls.jobs}/billing/balance`, { headers: { 'x-sandbox-fault': '503' } });
    expect(faulty.status).toBe(503);
    await expect(fetch(`${running.urls.jobs}/billing/balance`, { headers: { 'x-sandbox-fault': 'reset' } })).rejects.toThrow(TypeError);
    const invalid = await fetch(`${running.urls.jobs}/jobs?limit=0`, { headers: { 'x-api-key': MIDDLEMAN_MOCK_API_KEY } });
    expect(invalid.status).toBe(400);

    const pid = running.child.pid as number;
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(processIsGone(pid)).toBe(true);
    expect(await portIsFree(port)).toBe(true);
    expect(running.stderr()).toContain('POST /jobs/jobs');
    // The presigned upload was logged without its signature.
    expect(running.stderr()).toMatch(/200 PUT \/jobs\/_storage\/upload\/\w+\?signature=\[redacted\] /);
    expect(running.stderr()).not.toMatch(/signature=(?!\[redacted\])/);
    expect(running.stderr()).toContain('[fault 503]');
    expect(running.stderr()).toContain('trainwire-sandbox: stopped on SIGINT; faults injected: 503×1, reset×1');
  }, 60_000);

  it('stops on SIGTERM with exit code 0, even with a request in flight', async () => {
    running = await startBin(['--quiet', '--fault', 'rate=0.05,kinds=503,slow=10,services=jobs,metrics']);
    expect(running.stdout()).toContain('# Random faults: 5% of requests to jobs, metrics get one of 503, slow=10 (seed 1).');
    const port = Number(new URL(running.env.MIDDLEMAN_API_URL ?? '').port);
    const pending = fetch(`${running.urls.jobs}/billing/balance`, { headers: { 'x-sandbox-fault': 'slow=20000' } }).catch(() => 'dropped');
    await new Promise((resolve) => setTimeout(resolve, 200));
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(await pending).toBe('dropped');
    expect(await portIsFree(port)).toBe(true);
    expect(running.stderr()).toBe('');
  }, 30_000);

  it('listens on the --port given, applies --fault to every request, and prints JSON with --json', async () => {
    const probe = await startBin(['--json']);
    const port = Number(new URL(JSON.parse(probe.stdout()).url).port);
    probe.child.kill('SIGINT');
    await probe.exited;

    running = await startBin(['--port', String(port), '--json', '--fault', 'rate=1,kinds=502', '--services', 'jobs']);
    const printed = JSON.parse(running.stdout());
    expect(printed).toEqual({
      url: `http://127.0.0.1:${port}`,
      urls: { jobs: `http://127.0.0.1:${port}/jobs` },
      env: { MIDDLEMAN_API_URL: `http://127.0.0.1:${port}/jobs`, MIDDLEMAN_API_KEY: MIDDLEMAN_MOCK_API_KEY },
    });
    const response = await fetch(`${printed.urls.jobs}/billing/balance`);
    expect(response.status).toBe(502);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  }, 30_000);

  it('exits 1 naming the port when it is taken', async () => {
    running = await startBin(['--quiet']);
    const port = new URL(running.env.MIDDLEMAN_API_URL ?? '').port;
    const second = await runBin(['--port', port]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`trainwire-sandbox: cannot start: port ${port} is already in use\n`);
  }, 30_000);

  it('exits 2 with the usage for bad flags, and 0 for --help', async () => {
    const results = await Promise.all([
      runBin(['--port', 'eighty']),
      runBin(['--fault', 'rate=2']),
      runBin(['--services', 'nope']),
      runBin(['--colour']),
      runBin(['--help']),
    ]);
    expect(results.map((result) => result.code)).toEqual([2, 2, 2, 2, 0]);
    expect(results[0]?.stderr).toContain('trainwire-sandbox: --port must be a number, got "eighty".');
    expect(results[1]?.stderr).toContain('trainwire-sandbox: Fault rate must be between 0 and 1, got 2.');
    expect(results[2]?.stderr).toContain('trainwire-sandbox: unknown service nope; the sandbox serves');
    expect(results[3]?.stderr).toContain("Unknown option '--colour'");
    expect(results[4]?.stdout).toContain('Usage: trainwire-sandbox [options]');
  }, 30_000);
});
