import { ConformanceClient } from '@trainwire/conformance';
import { afterEach, describe, expect, it } from 'vitest';
import { portIsFree, processIsGone, type RunningBin, runBin, startBin } from './test-support/run-bin.js';

let running: RunningBin | undefined;

afterEach(() => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  running = undefined;
});

describe('trainwire-sandbox (the built bin, as a child process)', () => {
  it('prints each base URL and the env lines, serves every service, injects faults, and stops cleanly on SIGINT', async () => {
    running = await startBin(['--port', '0', '--seed', '5']);
    const port = Number(new URL(running.env.CONFORMANCE_BASE_URL ?? '').port);
    expect(port).toBeGreaterThan(0);
    expect(running.urls).toEqual({ conformance: `http://127.0.0.1:${port}/conformance` });
    expect(running.env).toEqual({ CONFORMANCE_BASE_URL: `http://127.0.0.1:${port}/conformance`, CONFORMANCE_API_KEY: 'cf-sandbox-key' });

    // Through the SDK, configured only from the printed env lines.
    const client = new ConformanceClient({
      baseURL: running.env.CONFORMANCE_BASE_URL,
      apiKey: running.env.CONFORMANCE_API_KEY,
      maxRetries: 0,
    });
    const run = await client.createRun({ name: 'over-http', base_model: 'llama-3-8b' });
    expect(await client.getRun(run.id)).toMatchObject({ name: 'over-http' });
    expect(await client.submitStep(run.id, { kind: 'forward_backward' })).toMatchObject({ step: 0 });

    const faulty = await fetch(`${running.urls.conformance}/v1/runs`, { headers: { 'x-sandbox-fault': '503' } });
    expect(faulty.status).toBe(503);
    await expect(fetch(`${running.urls.conformance}/v1/runs`, { headers: { 'x-sandbox-fault': 'reset' } })).rejects.toThrow(TypeError);
    const invalid = await fetch(`${running.urls.conformance}/v1/runs?limit=0`, { headers: { 'x-api-key': 'cf-sandbox-key' } });
    expect(invalid.status).toBe(400);

    const pid = running.child.pid as number;
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(processIsGone(pid)).toBe(true);
    expect(await portIsFree(port)).toBe(true);
    expect(running.stderr()).toContain('POST /conformance/v1/runs');
    expect(running.stderr()).toContain('[fault 503]');
    expect(running.stderr()).toContain('trainwire-sandbox: stopped on SIGINT; faults injected: 503×1, reset×1');
  }, 30_000);

  it('stops on SIGTERM with exit code 0, even with a request in flight', async () => {
    running = await startBin(['--quiet']);
    const port = Number(new URL(running.env.CONFORMANCE_BASE_URL ?? '').port);
    const pending = fetch(`${running.urls.conformance}/v1/runs`, { headers: { 'x-sandbox-fault': 'slow=20000' } }).catch(() => 'dropped');
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

    running = await startBin(['--port', String(port), '--json', '--fault', 'rate=1,kinds=502', '--services', 'conformance']);
    const printed = JSON.parse(running.stdout());
    expect(printed).toEqual({
      url: `http://127.0.0.1:${port}`,
      urls: { conformance: `http://127.0.0.1:${port}/conformance` },
      env: { CONFORMANCE_BASE_URL: `http://127.0.0.1:${port}/conformance`, CONFORMANCE_API_KEY: 'cf-sandbox-key' },
    });
    const response = await fetch(`${printed.urls.conformance}/v1/runs`);
    expect(response.status).toBe(502);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  }, 30_000);

  it('exits 1 naming the port when it is taken', async () => {
    running = await startBin(['--quiet']);
    const port = new URL(running.env.CONFORMANCE_BASE_URL ?? '').port;
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
