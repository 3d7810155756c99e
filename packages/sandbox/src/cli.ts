#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { FAULT_KINDS } from './fault.js';
import { DEFAULT_FAULT_KINDS, type FaultOptions, parseFaultOptions } from './fault-options.js';
import { FAULT_HEADER } from './fault-plan.js';
import type { SandboxRequestEntry } from './request-scope.js';
import type { SandboxService } from './sandbox-service.js';
import { sandboxServices } from './sandbox-services.js';
import { startSandbox } from './start-sandbox.js';

const USAGE = `Usage: trainwire-sandbox [options]

Serve the mocks of every trainwire service over HTTP on one loopback port, each under its own
path (/${Object.keys(sandboxServices).join(', /')}), checked against the specs.

Options:
  --port <n>          port to listen on; 0 picks a free one (default 0)
  --seed <n>          seed of the mocks' data and of random faults (default 1)
  --speed <x>         scale of simulated time, 2 = twice as fast (default 1)
  --fault <spec>      random faults, e.g. rate=0.1,kinds=429,500,reset,truncate,slow=200
                      (keys: rate, kinds, services, seed, slow-ms, retry-after-ms)
  --services <names>  serve only these services, comma-separated
  --json              print one JSON line { url, urls, env } instead of the text banner
  --quiet             do not log each request to stderr
  -h, --help          show this help

One request can ask for a fault with the header
  ${FAULT_HEADER}: ${FAULT_KINDS.filter((kind) => kind !== 'slow').join(' | ')} | slow=<ms>
`;

function fail(message: string): never {
  process.stderr.write(`trainwire-sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function number(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`--${name} must be a number, got ${JSON.stringify(text)}.`);
  return value;
}

/** Quote a value for a POSIX shell when it holds anything but plain URL and key characters. */
function shellValue(value: string): string {
  return /^[\w./:@%+=,-]*$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function logLine(entry: SandboxRequestEntry): string {
  const status = String(entry.status).padStart(5);
  const faults = entry.faults.length > 0 ? ` [fault ${entry.faults.join(',')}]` : '';
  const problem = entry.problem ? ` — ${entry.problem}` : '';
  return `${status} ${entry.method} /${entry.service}${entry.path} ${entry.durationMs}ms${faults}${problem}\n`;
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = number('port', values.port, 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got ${values.port}.`);
  const seed = number('seed', values.seed, 1);
  const speed = number('speed', values.speed, 1);
  if (!(speed > 0)) fail(`--speed must be positive, got ${values.speed}.`);
  let faults: FaultOptions | undefined;
  try {
    faults = values.fault === undefined ? undefined : parseFaultOptions(values.fault);
  } catch (error) {
    fail((error as Error).message);
  }
  const all: Record<string, SandboxService> = sandboxServices;
  const names = values.services?.split(',').map((name) => name.trim()) ?? Object.keys(all);
  const unknown = names.filter((name) => !all[name]);
  if (unknown.length > 0) fail(`unknown service ${unknown.join(', ')}; the sandbox serves ${Object.keys(all).join(', ')}.`);
  const services = Object.fromEntries(names.map((name) => [name, all[name] as SandboxService]));

  const sandbox = await startSandbox({
    port,
    seed,
    speed,
    services,
    ...(faults && { faults }),
    ...(!values.quiet && { onRequest: (entry: SandboxRequestEntry) => process.stderr.write(logLine(entry)) }),
  }).catch((error: NodeJS.ErrnoException) => {
    const reason = error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message;
    process.stderr.write(`trainwire-sandbox: cannot start: ${reason}\n`);
    process.exit(1);
  });

  if (values.json) {
    process.stdout.write(`${JSON.stringify({ url: sandbox.url, urls: sandbox.urls, env: sandbox.env })}\n`);
  } else {
    const width = Math.max(...names.map((name) => (all[name]?.title ?? name).length));
    const lines = [
      `trainwire-sandbox: serving ${names.length} service${names.length === 1 ? '' : 's'} on ${sandbox.url} (seed ${seed}, speed ${speed})`,
      '',
      ...names.map((name) => `  ${(all[name]?.title ?? name).padEnd(width)}  ${sandbox.urls[name]}`),
      '',
      '# Point the SDKs and the CLIs at it:',
      ...Object.entries(sandbox.env).map(([name, value]) => `export ${name}=${shellValue(value)}`),
      '',
      `# Faults: send the header "${FAULT_HEADER}: 503" (or 429, 500, 502, reset, reset-after, truncate, slow=<ms>).`,
      ...(faults?.rate
        ? [
            `# Random faults: ${Math.round(faults.rate * 1000) / 10}% of requests${faults.services ? ` to ${faults.services.join(', ')}` : ''} get one of ${(faults.kinds ?? DEFAULT_FAULT_KINDS).join(', ')} (seed ${faults.seed ?? seed}).`,
          ]
        : []),
      '# Ctrl-C stops the sandbox.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    sandbox.close().then(
      () => {
        const injected = Object.entries(sandbox.faults()).filter(([, count]) => count > 0);
        const summary = injected.length > 0 ? `; faults injected: ${injected.map(([kind, count]) => `${kind}×${count}`).join(', ')}` : '';
        if (!values.quiet) process.stderr.write(`trainwire-sandbox: stopped on ${signal}${summary}\n`);
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`trainwire-sandbox: could not stop cleanly: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function parse() {
  return parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      fault: { type: 'string' },
      services: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}

await main();
