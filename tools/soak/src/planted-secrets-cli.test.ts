// The middleman CLI, run as a user runs it, on every failure path with and without --json: the
// planted key (from --api-key, MIDDLEMAN_API_KEY or the config file) and environment values never
// reach stdout or stderr.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMiddlemanMock } from '@trainwire/jobs/msw';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANTED, plantedKeys } from './planted-keys.js';
import { serveHandlers } from './serve-handlers.js';

const bin = createRequire(import.meta.url)
  .resolve('@trainwire/jobs/package.json')
  .replace(/package\.json$/, 'dist/cli/main.js');
let mode: 'mock' | 'reject' | 'error' = 'mock';
let server: Awaited<ReturnType<typeof serveHandlers>>;
let home: string;
let mock: ReturnType<typeof createMiddlemanMock>;

const echoing = (status: number): RequestHandler =>
  http.all('*', ({ request }) =>
    HttpResponse.json(
      { detail: `bad key ${request.headers.get('x-api-key')} at ${request.url}` },
      { status, headers: { 'x-echo': String(request.headers.get('x-api-key')) } },
    ),
  );

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'planted-cli-'));
  server = await serveHandlers(() => (mode === 'reject' ? [echoing(401)] : mode === 'error' ? [echoing(500)] : mock.handlers));
  mock = createMiddlemanMock({ baseURL: `${server.url}/api/v1`, apiKey: plantedKeys.middleman, speed: 1000 });
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env }, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

const COMMANDS: string[][] = [
  ['whoami'],
  ['jobs', 'list'],
  ['jobs', 'status', 'job-that-does-not-exist'],
  ['jobs', 'create', '/train.py', '/data', '--gpu', 'a100', '-e', `WANDB_API_KEY=${plantedKeys.environment}`],
  ['jobs', 'create', '/train.py', '/data', '--gpu', 'h100', '-e', `WANDB_API_KEY=${plantedKeys.environment}`],
  ['jobs', 'cancel', 'job-that-does-not-exist', '--yes'],
  ['jobs', 'logs', 'job-that-does-not-exist'],
  ['jobs', 'watch', 'job-that-does-not-exist', '--interval', '0.05'],
  ['billing', 'balance'],
  ['billing', 'history'],
  ['data', 'upload', '/no/such/file.zip'],
  ['data', 'download-url', 'job-that-does-not-exist'],
  ['keys', 'list'],
  ['keys', 'revoke', 'key-that-does-not-exist', '--yes'],
  ['auth', plantedKeys.middleman],
];

describe('the middleman CLI never prints a planted key', () => {
  for (const serverMode of ['mock', 'reject', 'error'] as const) {
    for (const json of [false, true]) {
      it(`against a ${serverMode === 'mock' ? 'working mock' : `server answering ${serverMode === 'reject' ? '401' : '500'} and echoing the key`}${json ? ' with --json' : ''}`, async () => {
        mode = serverMode;
        const results = await Promise.all(
          COMMANDS.map(async (command, index) => {
            const args = [...command, ...(json ? ['--json'] : [])];
            // Half the commands take the key from --api-key, half from MIDDLEMAN_API_KEY.
            const output =
              index % 2 === Number(json)
                ? await run([...args, '--api-key', plantedKeys.middleman, '--base-url', `${server.url}/api/v1`])
                : await run(args, { MIDDLEMAN_API_KEY: plantedKeys.middleman, MIDDLEMAN_API_URL: `${server.url}/api/v1` });
            return { command: args.join(' '), outputs: [output] };
          }),
        );
        let failures = 0;
        for (const { command, outputs } of results) {
          for (const { code, output } of outputs) {
            if (code !== 0) failures += 1;
            expect(output.includes(PLANTED), `"middleman ${command}" printed a planted secret:\n${output}`).toBe(false);
          }
        }
        // The failure paths really ran: every command fails against a rejecting or failing server.
        if (serverMode !== 'mock') expect(failures).toBe(COMMANDS.length);
        else expect(failures).toBeGreaterThan(0);
      });
    }
  }

  it('reading the key from the config file written by auth', async () => {
    mode = 'mock';
    const configHome = await mkdtemp(join(tmpdir(), 'planted-cli-config-'));
    const login = await new Promise<{ output: string }>((resolve) =>
      execFile(
        process.execPath,
        [bin, 'auth', plantedKeys.middleman, '--base-url', `${server.url}/api/v1`],
        { env: { PATH: process.env.PATH ?? '', HOME: configHome, NO_COLOR: '1' } },
        (_error, stdout, stderr) => resolve({ output: `${stdout}\n${stderr}` }),
      ),
    );
    expect(login.output.includes(PLANTED)).toBe(false);
    await writeFile(join(configHome, 'unused'), '');
    for (const command of [['whoami'], ['jobs', 'status', 'nope'], ['keys', 'list', '--json']]) {
      const result = await new Promise<string>((resolve) =>
        execFile(
          process.execPath,
          [bin, ...command, '--base-url', `${server.url}/api/v1`],
          { env: { PATH: process.env.PATH ?? '', HOME: configHome, NO_COLOR: '1' } },
          (_error, stdout, stderr) => resolve(`${stdout}\n${stderr}`),
        ),
      );
      expect(result.includes(PLANTED), `middleman ${command.join(' ')} printed the key:\n${result}`).toBe(false);
    }
    await rm(configHome, { recursive: true, force: true });
  });
});
