// Verdaccio 5.9.0 on a free loopback port with throw-away storage: the `@trainwire/*` scope is
// local only (anonymous publish, never proxied, so nothing of that name comes from the public
// registry), and every other package is proxied to the public npm registry.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cleanEnvironment, installTools, onCleanup, seconds, temporaryFolder, trackServer } from './harness.mjs';

export const verdaccioVersion = '5.9.0';

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function config(storage) {
  return `# Written by smoke/lib/verdaccio.mjs for one smoke run.
storage: ${JSON.stringify(storage)}
auth:
  htpasswd:
    file: ${JSON.stringify(join(storage, '..', 'htpasswd'))}
    max_users: -1
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
    max_fails: 5
packages:
  '@trainwire/*':
    access: $all
    publish: $anonymous
    unpublish: $anonymous
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
server:
  keepAliveTimeout: 60
logs: { type: stdout, format: pretty, level: warn }
`;
}

/**
 * Install Verdaccio (cached), start it, and wait until it answers `/-/ping`. Resolves with its URL,
 * the install and start times, and `stop()`; it is also stopped at cleanup, whatever happens.
 */
export async function startVerdaccio() {
  const tools = await installTools(`verdaccio-${verdaccioVersion}`, [`verdaccio@${verdaccioVersion}`]);
  const folder = await temporaryFolder('verdaccio');
  const storage = join(folder, 'storage');
  await mkdir(storage);
  const configFile = join(folder, 'config.yaml');
  await writeFile(configFile, config(storage));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const started = performance.now();
  const bin = join(tools.folder, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child = spawn(process.execPath, [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], {
    cwd: folder,
    env: cleanEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackServer(child);
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);
  while (true) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited (${child.exitCode}) before answering:\n${output.slice(-2000)}`);
    if (performance.now() - started > 30_000) {
      await stop();
      throw new Error(`Verdaccio did not answer ${url}-/ping within 30 s:\n${output.slice(-2000)}`);
    }
    const answered = await fetch(`${url}-/ping`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const startMilliseconds = performance.now() - started;
  return {
    url,
    installMilliseconds: tools.milliseconds,
    startMilliseconds,
    describe: `verdaccio ${verdaccioVersion} at ${url} (${tools.cached ? 'cached install' : `installed in ${seconds(tools.milliseconds)}`}, up in ${seconds(startMilliseconds)})`,
    output: () => output,
    stop,
  };
}

/** An npmrc that sends everything to `registryURL` with a dummy token for publishing there. */
export function npmrcFor(registryURL) {
  const hostPath = registryURL.replace(/^https?:/, '');
  return `registry=${registryURL}\n${hostPath}:_authToken=trainwire-smoke-dummy-token\nfund=false\naudit=false\nupdate-notifier=false\n`;
}
