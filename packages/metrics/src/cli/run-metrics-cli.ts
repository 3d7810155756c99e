/// <reference types="node" />
import { join } from 'node:path';
import {
  baseContext,
  buildProgram,
  type CliIo,
  type Command,
  type ErrorDescription,
  EXIT,
  readPackageVersion,
  runProgram,
  runSpec,
  terminalSafeFetch,
  verboseLogger,
} from '@trainwire/cli-kit';
import { APIConnectionError, APIError } from '@trainwire/core';
import { SYVAIN_AUTH_FILE } from '../metrics/syvain-local-auth.js';
import { SyvainMetricsApiClient } from '../metrics/syvain-metrics-client.js';
import { MetricsApiAuthError } from '../metrics/syvain-metrics-errors.js';
import { RunicornClient } from '../runicorn/runicorn-client.js';
import { runicornCommands } from './commands/runicorn-commands.js';
import { syvainCommands } from './commands/syvain-commands.js';
import type { MetricsCommand, MetricsContext, MetricsGlobalOptions } from './metrics-cli-context.js';

/** The CLI's version: the package's. */
export const VERSION = readPackageVersion(new URL('../../package.json', import.meta.url));

/** Every command of `trainwire-metrics`. */
export const COMMANDS: MetricsCommand[] = [...syvainCommands, ...runicornCommands];

const FOOTER = `
Syvain: --api-key, else SYVAIN_METRICS_API_KEY, else the Syvain CLI's ~/.config/syvain-metrics/auth.json
(\`syvain auth\` writes it); --host, else SYVAIN_METRICS_HOST, else the file's base_url.
Runicorn: --viewer, else RUNICORN_BASE_URL, else http://127.0.0.1:23300.
Exit codes: 0 success, 1 API or setup error, 2 usage error, 130 Ctrl-C.

Examples:
  $ trainwire-metrics syvain auth
  $ trainwire-metrics syvain plot mamba-run-001 loss accuracy --follow
  $ trainwire-metrics runicorn plot 20260101_120000_abc123 loss val_loss
  $ source <(trainwire-metrics completion bash)
`;

/** Options of {@link runMetricsCli} that tests use. */
export interface RunMetricsOptions {
  fetch?: (request: Request, init?: RequestInit) => Promise<Response>;
}

/** Run `trainwire-metrics` with `argv` (without `node` and the script) and return the exit code. */
export async function runMetricsCli(argv: string[], io: CliIo, options: RunMetricsOptions = {}): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, {
    name: 'trainwire-metrics',
    version: VERSION,
    description: 'Syvain Metrics and Runicorn experiments and curves in your terminal.',
    groups: { syvain: 'Syvain Metrics: sign in, experiments, metrics, plots', runicorn: 'A Runicorn viewer: runs, metrics, plots' },
    footer: FOOTER,
    globalOptions: [
      { flags: '--api-key <KEY>', description: 'Syvain org API key (see below)' },
      { flags: '--host <URL>', description: 'Syvain API host' },
      { flags: '--viewer <URL>', description: 'Runicorn viewer URL' },
    ],
    commands: COMMANDS,
    async run(spec, parsed) {
      code = await runSpec(io, spec, (signal) => buildContext(io, parsed, signal, options));
    },
  });
  const result = await runProgram(program, argv, io, describeError);
  return result === EXIT.ok ? code : result;
}

function buildContext(io: CliIo, command: Command, signal: AbortSignal, options: RunMetricsOptions): MetricsContext {
  const context = baseContext<MetricsGlobalOptions>(io, command, signal);
  const fetch = terminalSafeFetch(options.fetch ?? ((request: Request, init?: RequestInit) => globalThis.fetch(request, init)));
  const logging = context.options.verbose
    ? { logLevel: 'debug' as const, logger: verboseLogger(context.err) }
    : { logLevel: 'off' as const };
  const authFile = join(io.home, SYVAIN_AUTH_FILE);
  return {
    ...context,
    authFile,
    syvain: (apiKey) =>
      new SyvainMetricsApiClient(apiKey ?? context.options.apiKey ?? io.env.SYVAIN_METRICS_API_KEY ?? 'local', {
        host: context.options.host ?? io.env.SYVAIN_METRICS_HOST,
        authFile,
        fetch,
        ...logging,
      }),
    runicorn: () =>
      new RunicornClient({ baseURL: context.options.viewer ?? io.env.RUNICORN_BASE_URL ?? 'http://127.0.0.1:23300', fetch, ...logging }),
  };
}

function describeError(error: unknown): ErrorDescription | undefined {
  if (error instanceof MetricsApiAuthError) return { message: error.message, code: EXIT.error };
  if (error instanceof APIError) {
    const body = error.body as { error?: { message?: string }; detail?: unknown } | undefined;
    const detail = body?.error?.message ?? (typeof body?.detail === 'string' ? body.detail : undefined);
    return { message: `API error (${error.status}): ${detail ?? error.message}`, code: EXIT.error };
  }
  if (error instanceof APIConnectionError)
    return { message: `Could not reach the server (${error.message.replace(/\.$/, '')}).`, code: EXIT.error };
  return undefined;
}
