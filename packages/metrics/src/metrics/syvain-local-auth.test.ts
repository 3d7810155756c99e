import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@trainwire/core';
import { useMockServer } from '@trainwire/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMetricsMock } from '../mocks/metrics.js';
import { readSyvainLocalAuth } from './syvain-local-auth.js';
import { SyvainMetricsApiClient } from './syvain-metrics-client.js';
import { MetricsApiAuthError, MetricsApiError, MetricsApiRequestError } from './syvain-metrics-errors.js';

const KEY = 'ak_org_local_0123456789';
const { requests } = useMockServer(() => [
  ...createMetricsMock({ apiKey: KEY }).handlers,
  ...createMetricsMock({ apiKey: KEY, baseURL: 'https://eu.metrics.syvain.test' }).handlers,
]);
let home: string;
let file: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'syvain-home-'));
  file = join(home, '.config', 'syvain-metrics', 'auth.json');
  await mkdir(join(home, '.config', 'syvain-metrics'), { recursive: true, mode: 0o700 });
  vi.stubEnv('HOME', home);
  vi.stubEnv('USERPROFILE', home);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(home, { recursive: true, force: true });
});

async function writeAuth(content: string, mode = 0o600) {
  await writeFile(file, content);
  await chmod(file, mode);
}

async function failure(promise: PromiseLike<unknown>): Promise<MetricsApiAuthError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MetricsApiAuthError);
    expect(error).toBeInstanceOf(MetricsApiError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).not.toBeInstanceOf(MetricsApiRequestError);
    return error as MetricsApiAuthError;
  }
  throw new Error('expected a MetricsApiAuthError');
}

describe("SyvainMetricsApiClient('local')", () => {
  it('reads ~/.config/syvain-metrics/auth.json and sends its key', async () => {
    await writeAuth(JSON.stringify({ api_key: KEY, org_id: 'org_1' }));
    const client = new SyvainMetricsApiClient('local', { logLevel: 'off' });
    expect((await client.authStatus()).principal.type).toBe('api_key');
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(requests[0]?.url.origin).toBe('https://metrics.syvain.com');
  });

  it("uses the file's base_url unless a host is given", async () => {
    await writeAuth(JSON.stringify({ api_key: KEY, base_url: 'https://eu.metrics.syvain.test' }));
    await new SyvainMetricsApiClient('local', { logLevel: 'off' }).authStatus();
    await new SyvainMetricsApiClient('local', { logLevel: 'off', host: 'https://metrics.syvain.com' }).authStatus();
    expect(requests.map((request) => request.url.origin)).toEqual(['https://eu.metrics.syvain.test', 'https://metrics.syvain.com']);
  });

  it('fails with MetricsApiAuthError when the file is missing, and sends nothing', async () => {
    const error = await failure(new SyvainMetricsApiClient('local').listFolders());
    expect(error.message).toBe(
      `Syvain local auth file ${file} does not exist: sign in with the Syvain CLI, or pass an API key instead of 'local'.`,
    );
    expect(error.path).toBe(file);
    expect(requests).toHaveLength(0);
  });

  it('fails when the file is malformed, without echoing its content', async () => {
    await writeAuth(`{"api_key": "${KEY}",`);
    const error = await failure(new SyvainMetricsApiClient('local').authStatus());
    expect(error.message).toMatch(/is not valid JSON/);
    expect(JSON.stringify(error)).not.toContain('ak_org_local');
    await writeAuth(JSON.stringify({ token: KEY }));
    expect((await failure(readSyvainLocalAuth())).message).toMatch(/has no "api_key" string/);
    await writeAuth(JSON.stringify({ api_key: KEY, base_url: 42 }));
    expect((await failure(readSyvainLocalAuth())).message).toMatch(/"base_url" that is not a string/);
  });

  it('refuses a file readable by group or others and says to chmod 600; works once fixed', async () => {
    await writeAuth(JSON.stringify({ api_key: KEY }), 0o644);
    const client = new SyvainMetricsApiClient('local', { logLevel: 'off' });
    const error = await failure(client.authStatus());
    expect(error.message).toBe(
      `Syvain local auth file ${file} is unsafe: ${file} can be read by other users (mode 644); run \`chmod 600 ${file}\`.`,
    );
    await chmod(file, 0o600);
    expect((await client.authStatus()).authenticated).toBe(true);
  });

  it.skipIf(process.getuid?.() === 0)('fails when the file cannot be read', async () => {
    await writeAuth(JSON.stringify({ api_key: KEY }), 0o200);
    expect((await failure(readSyvainLocalAuth())).message).toMatch(/cannot be read/);
  });

  it('fails when the path cannot be read as a file', async () => {
    await mkdir(join(home, 'auth-dir'), { mode: 0o700 });
    expect((await failure(readSyvainLocalAuth(join(home, 'auth-dir')))).message).toMatch(/is not a regular file/);
  });

  it('refuses a symlink to an attacker file, a file of another user, and a folder others can write, sending nothing', async () => {
    const attacker = join(home, 'attacker.json');
    await writeFile(attacker, JSON.stringify({ api_key: 'ak_org_attacker_99999', base_url: 'https://evil.test' }), { mode: 0o600 });
    await symlink(attacker, file);
    expect((await failure(new SyvainMetricsApiClient('local').authStatus())).message).toBe(
      `Syvain local auth file ${file} is unsafe: ${file} is a symbolic link; refusing to read it. Replace it with a regular file.`,
    );
    await rm(file);
    await writeAuth(JSON.stringify({ api_key: KEY }));
    await chown(file, 4242, 4242);
    expect((await failure(readSyvainLocalAuth())).message).toMatch(/belongs to another user \(uid 4242\)/);
    await chown(file, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    await chmod(join(home, '.config', 'syvain-metrics'), 0o777);
    expect((await failure(readSyvainLocalAuth())).message).toMatch(/can be written by other users \(mode 777\)/);
    expect(requests).toHaveLength(0);
  });

  it('reads another file with authFile', async () => {
    const other = join(home, 'ci-auth.json');
    await writeFile(other, JSON.stringify({ api_key: KEY }), { mode: 0o600 });
    await new SyvainMetricsApiClient('local', { logLevel: 'off', authFile: other }).authStatus();
    expect(requests).toHaveLength(1);
  });
});
