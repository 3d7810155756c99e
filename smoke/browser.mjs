// Check 3, a browser: Debian's headless Chromium (installed with apt when missing) driven by
// playwright-core (installed into a scratch folder) loads a page from one localhost port whose
// esbuild bundle (--platform=browser) runs the same consumer smoke test against the servers on other
// loopback ports, so every call is cross-origin and needs the servers' CORS answers. The page
// reports pass/fail back through `window.smokeResults`.
//
//   node smoke/browser.mjs
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  cleanEnvironment,
  installTools,
  onCleanup,
  Report,
  repoRoot,
  run,
  runChecks,
  say,
  seconds,
  temporaryFolder,
} from './lib/harness.mjs';
import { repositorySandboxBin, startTargets } from './lib/targets.mjs';

export const playwrightVersion = '1.65.1';
const chromiumPaths = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Install Debian's chromium when it is missing (CI runs as root; elsewhere through sudo). */
async function ensureChromium() {
  const present = chromiumPaths.find((path) => existsSync(path));
  if (present) return { path: present, detail: `${present} already installed` };
  const root = process.getuid?.() === 0;
  const apt = (args) =>
    run(root ? 'apt-get' : 'sudo', root ? args : ['-n', 'apt-get', ...args], {
      env: cleanEnvironment({ DEBIAN_FRONTEND: 'noninteractive' }),
      timeout: 400_000,
    });
  const started = performance.now();
  await apt(['update', '-q']);
  await apt(['install', '-y', '-q', '--no-install-recommends', 'chromium']);
  const path = chromiumPaths.find((candidate) => existsSync(candidate));
  if (!path) throw new Error(`apt-get installed chromium but none of ${chromiumPaths.join(', ')} exists`);
  return { path, detail: `apt-get install chromium in ${seconds(performance.now() - started)}` };
}

/** The page: the target as JSON, a report area, and the bundle. */
function page(target) {
  const json = JSON.stringify(target).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>trainwire browser smoke</title></head>
<body>
<h1>trainwire browser smoke</h1>
<script id="target" type="application/json">${json}</script>
<pre id="report"></pre>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}

/** Serve the page and the bundle on a free localhost port; stopped at cleanup. */
async function servePage(html, bundle) {
  const server = createServer((incoming, outgoing) => {
    if (incoming.url === '/') {
      outgoing.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      outgoing.end(html);
    } else if (incoming.url === '/app.js') {
      outgoing.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      outgoing.end(bundle);
    } else {
      outgoing.writeHead(404, { 'content-type': 'text/plain' });
      outgoing.end('not found');
    }
  });
  await new Promise((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  onCleanup(() => new Promise((resolvePromise) => server.close(resolvePromise)));
  server.closeIdleConnections?.();
  // `localhost` here and 127.0.0.1 for the services: different origins, so CORS is exercised.
  return `http://localhost:${server.address().port}/`;
}

/**
 * Run check 3; resolves with its report (failures are recorded in it). With `context.installed`
 * (from the registry check) it bundles the packages installed from Verdaccio, else the workspace's.
 */
export async function browserCheck(context = {}) {
  const report = new Report('browser');
  try {
    await browserSteps(report, context.installed);
  } catch (error) {
    if (!error?.reported) report.record('unexpected error', false, 0, error?.stack ?? String(error));
  }
  return report;
}

async function browserSteps(report, installed) {
  let chromiumPath;
  await report.step('chromium (Debian package)', async () => {
    const chromium = await ensureChromium();
    chromiumPath = chromium.path;
    const { stdout } = await run(chromium.path, ['--version']);
    return `${stdout.trim()}, ${chromium.detail}`;
  });

  let playwright;
  await report.step(`playwright-core ${playwrightVersion} (scratch folder)`, async () => {
    const tools = await installTools(`playwright-core-${playwrightVersion}`, [`playwright-core@${playwrightVersion}`], {
      check: (folder) => existsSync(join(folder, 'node_modules', 'playwright-core', 'index.mjs')),
    });
    playwright = await import(pathToFileURL(join(tools.folder, 'node_modules', 'playwright-core', 'index.mjs')).href);
    return tools.cached ? 'cached' : `installed in ${seconds(tools.milliseconds)}`;
  });

  let bundle;
  await report.step('esbuild bundle --platform=browser', async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [installed ? join(installed.consumer, 'browser.ts') : join(repoRoot, 'smoke', 'consumer', 'browser.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'silent',
      absWorkingDir: installed ? installed.folder : repoRoot,
    });
    bundle = result.outputFiles[0].text;
    const from = installed ? 'the packages installed from Verdaccio' : 'the workspace packages';
    return `${(bundle.length / 1024).toFixed(1)} KB of ${from} with esbuild ${esbuild.version}`;
  });

  const sandboxBin = installed ? installed.sandboxBin : repositorySandboxBin();
  let targets;
  await report.step('start the servers (system Node)', async () => {
    targets = await startTargets({ sandboxBin, cwd: installed?.folder });
    return targets.describe;
  });
  if (!sandboxBin) report.skip('sandbox', 'no @trainwire/sandbox in this checkout (yet): the service suites do not run');

  const url = await servePage(page(targets.target), bundle);
  const userDataDir = await temporaryFolder('chromium-profile');
  let context;
  onCleanup(() => context?.close());
  await report.step('launch headless Chromium', async () => {
    context = await playwright.chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath,
      headless: true,
      args: chromiumFlags,
      timeout: 60_000,
    });
    return `${chromiumPath} ${context.browser()?.version() ?? ''}`.trim();
  });

  let outcome;
  await report.step('page runs the consumer smoke test', async () => {
    const tab = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    tab.on('console', (message) => {
      // Expected noise: the error statuses the steps provoke, and the lazy `node:` imports that Node-only features try.
      const text = message.text();
      if (
        message.type() !== 'error' ||
        /the server responded with a status of [45]\d\d|'node:[\w/]+'|^Failed to load resource: net::ERR_FAILED$/.test(text)
      )
        return;
      problems.push(`console: ${text}`);
    });
    await tab.goto(url);
    const deadline = performance.now() + 60_000;
    while (!outcome) {
      outcome = await tab.evaluate(() => window.smokeResults);
      if (outcome) break;
      if (problems.some((problem) => problem.startsWith('page error'))) throw new Error(problems.join('\n'));
      if (performance.now() > deadline)
        throw new Error(`no result after 60 s\n${await tab.textContent('#report')}\n${problems.join('\n')}`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
    }
    for (const line of (await tab.textContent('#report')).trim().split('\n')) say('browser', `  ${line.trim()}`);
    const failed = outcome.results.filter((result) => !result.ok);
    if (failed.length > 0 || outcome.results.length === 0) {
      const lines = failed.map((result) => `${result.suite} ${result.name}: ${result.detail}`);
      throw new Error([outcome.summary, ...lines, ...problems].join('\n'));
    }
    return `${outcome.summary.replace('SMOKE RESULT: ', '')} in ${/HeadlessChrome\/[\d.]+/.exec(outcome.userAgent)?.[0] ?? outcome.userAgent}`;
  });
  for (const result of outcome.results.filter((entry) => entry.skipped)) report.skip(`page: ${result.suite} ${result.name}`, result.detail);
  // The page's `node-only` steps each expected a clear "needs Node" error (and got it, or the step above failed).
  const nodeOnly = outcome.results.filter((result) => result.suite === 'node-only');
  if (nodeOnly.length === 0)
    report.skip('Node-only features fail clearly', 'no service package with a Node-only feature in this checkout yet');
  else {
    const milliseconds = nodeOnly.reduce((sum, result) => sum + result.milliseconds, 0);
    report.record('Node-only features fail clearly', true, milliseconds, nodeOnly.map((result) => result.name).join('; '));
  }
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) await runChecks([browserCheck]);
