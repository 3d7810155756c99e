import { redact } from '@trainwire/core';
import { Command, type CommanderError, Option } from 'commander';
import type { CommandSpec } from './cli-command.js';
import { UsageError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { optionParser } from './cli-values.js';

/** The CLI's version (the package's). */
export const VERSION = '0.1.0';

const GROUPS: Record<string, string> = {
  jobs: 'Manage training jobs',
  billing: 'Credits, packages and transactions',
  data: 'Upload and download data',
  keys: 'Manage API keys',
};

const MAIN_HELP_FOOTER = `
Environment: MIDDLEMAN_API_KEY, MIDDLEMAN_API_URL, NO_COLOR.
Exit codes: 0 success, 1 API or setup error, 2 usage error; \`jobs watch\`: 3 job failed, 4 job cancelled, 130 Ctrl-C.

Examples:
  $ middleman auth
  $ middleman jobs create /scripts/train.py /data/dataset --gpu a100 --gpu-count 2 --max-hours 8
  $ middleman jobs watch 1a2b3c4d
  $ middleman billing balance --json
`;

/**
 * `middleman` as a commander program: commander parses argv, checks options and arguments, and
 * writes help. `run` is called with a leaf command's spec once commander has parsed it; parse
 * problems reject with a {@link UsageError}, help and `--version` with commander's exit-0 error.
 */
export function buildProgram(io: CliIo, commands: CommandSpec[], run: (spec: CommandSpec, command: Command) => Promise<void>): Command {
  let active: Command | undefined;
  const track = (_parent: Command, command: Command) => {
    active = command;
  };
  const program = new Command('middleman')
    .description(`middleman ${VERSION}: the Middleman ML training platform from your terminal.`)
    .usage('<command> [options]')
    .configureOutput({
      writeOut: (text) => io.stdout.write(redact(text)),
      writeErr: (text) => io.stderr.write(redact(text)),
      outputError: () => undefined, // runCli reports errors, as one line
      getOutHelpWidth: () => io.stdout.columns || 80,
      getErrHelpWidth: () => io.stderr.columns || 80,
    })
    .configureHelp({
      showGlobalOptions: true,
      // `-h, --max-hours N` as before commander: no brackets, long-only flags lined up with the rest.
      optionTerm: (option) => `${option.short ? '' : '    '}${option.flags.replace(/<([^>]+)>/g, '$1')}`,
      subcommandTerm: (command) => `${command.name()} ${command.usage().replace(/ ?\[options\]$/, '')}`.trim(),
    })
    .exitOverride((error) => {
      if (error.exitCode === 0) throw error; // help or --version was shown
      throw new UsageError(usageMessage(error, active));
    })
    .helpOption('-h, --help', 'Show help')
    .version(VERSION, '-V, --version', 'Show the version')
    .option('--api-key <KEY>', 'API key (else MIDDLEMAN_API_KEY, else ~/.middleman/config)')
    .option('--base-url <URL>', 'API URL (else MIDDLEMAN_API_URL, else https://api.middleman.run/api/v1)')
    .option('--json', 'Print JSON for scripts')
    .option('--no-color', 'No colours (also NO_COLOR=1)')
    .argument('[command...]')
    .addHelpText('after', MAIN_HELP_FOOTER)
    .hook('preSubcommand', track)
    .action((words: string[]) => {
      if (words.length === 0) return void program.outputHelp();
      throw new UsageError(`unknown command ${JSON.stringify(words[0])}. Run \`middleman --help\` for the commands.`, { help: '' });
    });

  const groups = new Map<string, Command>();
  for (const spec of commands) {
    const [first, ...rest] = spec.path as [string, ...string[]];
    let parent = program;
    if (rest.length > 0) {
      parent = groups.get(first) ?? addGroup(program, first, track);
      groups.set(first, parent);
    }
    addCommand(parent, spec, run);
  }
  return program;
}

function addGroup(program: Command, name: string, track: (parent: Command, command: Command) => void): Command {
  const group = program
    .command(name)
    .summary(GROUPS[name] ?? name)
    .description(`${GROUPS[name] ?? name}.`)
    .usage('<command> [options]')
    .argument('[command...]')
    .addHelpText('after', `\nRun \`middleman ${name} <command> --help\` for the options and examples of each.\n`)
    .hook('preSubcommand', track)
    .action((words: string[]) => {
      const message = words.length ? `unknown command \`${name} ${words[0]}\`.` : `\`${name}\` needs a command.`;
      throw new UsageError(message, { help: group.helpInformation() });
    });
  return group;
}

function addCommand(parent: Command, spec: CommandSpec, run: (spec: CommandSpec, command: Command) => Promise<void>): void {
  const name = spec.path.at(-1) as string;
  const command = parent
    .command(name)
    .summary(spec.summary)
    .description([`${spec.summary}.`, spec.details].filter(Boolean).join('\n\n'))
    .usage([...spec.args, '[options]'].join(' '))
    .addHelpText('after', `\nExamples:\n${spec.examples.map((example) => `  $ ${example}`).join('\n')}\n`)
    .action((...params: unknown[]) => run(spec, params.at(-1) as Command));
  for (const argument of spec.args) command.argument(argument);
  for (const option of spec.options) {
    const added = new Option(option.flags, option.description);
    if (option.kind) added.argParser(optionParser(option.kind, added.long ?? added.flags));
    if (option.default !== undefined) added.default(option.default, String(option.default));
    command.addOption(added);
  }
  // In `jobs create`, -h is --max-hours, as in the Python CLI; --help still shows help.
  if (spec.options.some((option) => option.flags.startsWith('-h,'))) command.helpOption('--help', 'Show help');
}

/** Commander's message as one sentence; a missing argument names what the command needs. */
function usageMessage(error: CommanderError, command: Command | undefined): string {
  if (error.code === 'commander.missingArgument' && command) {
    const path = [];
    for (let current: Command | null = command; current?.parent; current = current.parent) path.unshift(current.name());
    const needed = command.registeredArguments.filter((argument) => argument.required).map((argument) => `<${argument.name()}>`);
    return `${path.join(' ')} needs ${needed.join(' and ')}.`;
  }
  const message = error.message.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)$/, ' (did you mean $1?)');
  return `${message.charAt(0).toUpperCase()}${message.slice(1).replace(/\.?$/, '.')}`;
}
