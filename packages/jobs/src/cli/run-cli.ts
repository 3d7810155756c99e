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
  SetupError,
  terminalSafeFetch,
  verboseLogger,
} from '@trainwire/cli-kit';
import { APIConnectionError, APIError, AuthenticationError } from '@trainwire/core';
import { DEFAULT_BASE_URL, MiddlemanClient } from '../middleman-client.js';
import { errorDetail, JobTimeoutError } from '../middleman-errors.js';
import { resolveSettings } from './cli-config.js';
import type { MiddlemanCommand, MiddlemanContext, MiddlemanGlobalOptions } from './cli-context.js';
import { authCommands } from './commands/auth-commands.js';
import { billingCommands } from './commands/billing-commands.js';
import { dataCommands } from './commands/data-commands.js';
import { jobsCommands } from './commands/jobs-commands.js';
import { keysCommands } from './commands/keys-commands.js';
import { watchCommands } from './commands/watch-job.js';

/** The CLI's version: the package's. */
export const VERSION = readPackageVersion(new URL('../../package.json', import.meta.url));

/** Every command of `middleman`. */
export const COMMANDS: MiddlemanCommand[] = [
  ...authCommands,
  ...jobsCommands,
  ...watchCommands,
  ...billingCommands,
  ...dataCommands,
  ...keysCommands,
];

const GROUPS: Record<string, string> = {
  jobs: 'Manage training jobs',
  billing: 'Credits, packages and transactions',
  data: 'Upload and download data',
  keys: 'Manage API keys',
};

const FOOTER = `
Settings: --api-key / --base-url, else --profile, else MIDDLEMAN_API_KEY / MIDDLEMAN_API_URL, else the
profile of MIDDLEMAN_PROFILE (or the default one) in $XDG_CONFIG_HOME/middleman/config.json, else the
key in ~/.middleman/config (the Python CLI's). NO_COLOR turns colours off.
Exit codes: 0 success, 1 API or setup error, 2 usage error; \`jobs watch\`: 3 job failed, 4 job cancelled, 130 Ctrl-C.

Examples:
  $ middleman auth
  $ middleman jobs create /scripts/train.py /data/dataset --gpu a100 --gpu-count 2 --max-hours 8
  $ middleman jobs watch 1a2b3c4d
  $ middleman billing balance --json
  $ source <(middleman completion bash)
`;

/** Options of {@link runCli} that tests use. */
export interface RunOptions {
  /** `fetch` for the client (tests inject msw's). */
  fetch?: (request: Request, init?: RequestInit) => Promise<Response>;
}

/** Run `middleman` with `argv` (without `node` and the script) and return the exit code. */
export async function runCli(argv: string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  let code: number = EXIT.ok;
  let command = '';
  const program = buildProgram(io, {
    name: 'middleman',
    version: VERSION,
    description: 'the Middleman ML training platform from your terminal.',
    groups: GROUPS,
    footer: FOOTER,
    globalOptions: [
      { flags: '--api-key <KEY>', description: 'API key (see Settings below)' },
      { flags: '--base-url <URL>', description: `API URL (default ${DEFAULT_BASE_URL})` },
      { flags: '--profile <NAME>', description: 'Profile of the config file to use (also MIDDLEMAN_PROFILE)' },
    ],
    commands: COMMANDS,
    async run(spec, parsed) {
      code = await runSpec(io, spec, (signal) => buildContext(io, parsed, signal, options));
    },
  });
  program.hook('preAction', (_program, action) => {
    command = action.name();
  });
  const result = await runProgram(program, argv, io, (error) => describeError(error, command));
  return result === EXIT.ok ? code : result;
}

function buildContext(io: CliIo, command: Command, signal: AbortSignal, options: RunOptions): MiddlemanContext {
  const context = baseContext<MiddlemanGlobalOptions>(io, command, signal);
  const settings = resolveSettings(io, context.options, { newProfile: command.name() === 'auth' });
  settings.catch(() => undefined); // reported when a command awaits it
  const make = async (apiKey: string) => {
    const { baseURL } = await settings;
    const fetch = options.fetch ?? ((request: Request, init?: RequestInit) => globalThis.fetch(request, init));
    return new MiddlemanClient({
      apiKey,
      baseURL: baseURL ?? DEFAULT_BASE_URL,
      fetch: terminalSafeFetch(fetch),
      ...(context.options.verbose ? { logLevel: 'debug', logger: verboseLogger(context.err) } : { logLevel: 'off' }),
    });
  };
  let client: Promise<MiddlemanClient> | undefined;
  return {
    ...context,
    settings: () => settings,
    clientFor: make,
    client() {
      client ??= settings.then(({ apiKey }) => {
        if (!apiKey) throw new SetupError('No API key configured: run `middleman auth`, set MIDDLEMAN_API_KEY, or pass --api-key.');
        return make(apiKey);
      });
      return client;
    },
  };
}

/** Middleman's errors as one line; the common ones are left to cli-kit. */
function describeError(error: unknown, command: string): ErrorDescription | undefined {
  if (error instanceof AuthenticationError) {
    const hint = command === 'auth' ? 'Nothing was saved; check the key and try again.' : 'Run `middleman auth` or set MIDDLEMAN_API_KEY.';
    return { message: `Authentication failed (401): ${errorDetail(error) ?? error.message}. ${hint}`, code: EXIT.error };
  }
  if (error instanceof APIError)
    return { message: `API error (${error.status}): ${errorDetail(error) ?? error.message}`, code: EXIT.error };
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      message: `Could not reach the Middleman API (${error.message.replace(/\.$/, '')}${cause}). Check --base-url / MIDDLEMAN_API_URL.`,
      code: EXIT.error,
    };
  }
  if (error instanceof JobTimeoutError) return { message: error.message, code: EXIT.error };
  return undefined;
}
