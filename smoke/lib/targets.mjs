// The servers a consumer smoke test runs against, each a child process of the system Node: the
// tiny items service for the core suite, and the trainwire sandbox (every service mock over HTTP)
// when one is given. Their `export NAME=value` lines together are the consumer's target.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, startServer } from './harness.mjs';

/** The sandbox bin built in this repository, when the sandbox package exists and is built. */
export function repositorySandboxBin() {
  const bin = join(repoRoot, 'packages', 'sandbox', 'bin', 'trainwire-sandbox.js');
  return existsSync(bin) ? bin : undefined;
}

/**
 * Start the items service and, when `sandboxBin` is given, the sandbox on free ports. Resolves with
 * the merged variables (the target) and a description; both servers stop at cleanup.
 */
export async function startTargets({ sandboxBin, cwd = repoRoot } = {}) {
  const core = await startServer('core-server', process.execPath, [join(repoRoot, 'smoke', 'lib', 'core-server.mjs'), '--port', '0']);
  const target = { ...core.env };
  const described = [`items service ${core.env.SMOKE_CORE_URL}`];
  if (sandboxBin) {
    const sandbox = await startServer(
      'trainwire-sandbox',
      process.execPath,
      [sandboxBin, '--port', '0', '--seed', '1', '--speed', '20', '--quiet'],
      { cwd },
    );
    Object.assign(target, sandbox.env);
    described.push(`sandbox (${Object.keys(sandbox.env).length} variables)`);
  }
  return { target, describe: described.join(' + '), sandbox: Boolean(sandboxBin) };
}
