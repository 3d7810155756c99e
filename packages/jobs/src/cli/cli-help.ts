import type { CommandSpec, FlagSpec } from './cli-command.js';

/** Flags every command takes. */
export const GLOBAL_FLAGS: Record<string, FlagSpec> = {
  'api-key': { type: 'string', valueName: 'KEY', description: 'API key (else MIDDLEMAN_API_KEY, else ~/.middleman/config)' },
  'base-url': {
    type: 'string',
    valueName: 'URL',
    description: 'API URL (else MIDDLEMAN_API_URL)',
    defaultText: 'https://api.middleman.run/api/v1',
  },
  json: { type: 'boolean', description: 'Print JSON for scripts' },
  'no-color': { type: 'boolean', description: 'No colours (also NO_COLOR=1)' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

export const GROUPS: Record<string, string> = {
  jobs: 'Manage training jobs',
  billing: 'Credits, packages and transactions',
  data: 'Upload and download data',
  keys: 'Manage API keys',
};

function flagLines(flags: Record<string, FlagSpec>): string[] {
  const entries = Object.entries(flags).map(([name, flag]) => {
    const short = flag.short ? `-${flag.short}, ` : '    ';
    const value = flag.valueName ? ` ${flag.valueName}` : '';
    const suffix = flag.defaultText ? ` (default: ${flag.defaultText})` : '';
    return [`  ${short}--${name}${value}`, `${flag.description}${suffix}`] as const;
  });
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, right]) => `${left.padEnd(width)}   ${right}`);
}

/** Help of one command: usage, description, flags, examples. */
export function commandHelp(command: CommandSpec): string {
  const usage = ['middleman', ...command.path, ...command.args, Object.keys(command.flags).length ? '[flags]' : '']
    .filter(Boolean)
    .join(' ');
  const globals = { ...GLOBAL_FLAGS };
  if (command.flags['max-hours']?.short === 'h') globals.help = { ...GLOBAL_FLAGS.help, short: undefined } as FlagSpec;
  return [
    `${command.summary}.`,
    '',
    `Usage: ${usage}`,
    ...(command.details ? ['', command.details] : []),
    ...(Object.keys(command.flags).length ? ['', 'Flags:', ...flagLines(command.flags)] : []),
    '',
    'Global flags:',
    ...flagLines(globals),
    '',
    'Examples:',
    ...command.examples.map((example) => `  $ ${example}`),
    '',
  ].join('\n');
}

/** Help of a group (`middleman jobs --help`). */
export function groupHelp(group: string, commands: CommandSpec[]): string {
  const members = commands.filter((command) => command.path[0] === group);
  const width = Math.max(...members.map((command) => command.path.join(' ').length));
  return [
    `${GROUPS[group]}.`,
    '',
    `Usage: middleman ${group} <command> [flags]`,
    '',
    'Commands:',
    ...members.map((command) => `  ${command.path.join(' ').padEnd(width)}   ${command.summary}`),
    '',
    `Run \`middleman ${group} <command> --help\` for the flags and examples of each.`,
    '',
  ].join('\n');
}

/** Help of `middleman` itself. */
export function mainHelp(commands: CommandSpec[], version: string): string {
  const width = Math.max(...commands.map((command) => `${command.path.join(' ')} ${command.args.join(' ')}`.length));
  return [
    `middleman ${version}: the Middleman ML training platform from your terminal.`,
    '',
    'Usage: middleman <command> [flags]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${`${command.path.join(' ')} ${command.args.join(' ')}`.padEnd(width)}   ${command.summary}`),
    '',
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '  -V, --version   Show the version',
    '',
    'Environment: MIDDLEMAN_API_KEY, MIDDLEMAN_API_URL, NO_COLOR.',
    'Exit codes: 0 success, 1 API or setup error, 2 usage error; `jobs watch`: 3 job failed, 4 job cancelled, 130 Ctrl-C.',
    '',
    'Examples:',
    '  $ middleman auth',
    '  $ middleman jobs create /scripts/train.py /data/dataset --gpu a100 --gpu-count 2 --max-hours 8',
    '  $ middleman jobs watch 1a2b3c4d',
    '  $ middleman billing balance --json',
    '',
  ].join('\n');
}
