import { redact } from '@trainwire/core';
import { Command, type CommanderError, Option } from 'commander';
import type { CommandSpec, OptionSpec } from './cli-command.js';
import { UsageError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { optionParser } from './cli-values.js';
import { completionScript, SHELLS, type Shell } from './shell-completion.js';

/** What {@link buildProgram} makes a commander program of. */
export interface ProgramOptions<Spec extends CommandSpec<never>> {
  /** The bin's name: `middleman`. */
  name: string;
  /** From the package's package.json; printed by `-V, --version`. */
  version: string;
  /** One line under the usage. */
  description: string;
  /** The summary of each group of commands (`jobs` → `Manage training jobs`). */
  groups: Record<string, string>;
  /** Help text after the main help's options and commands. */
  footer: string;
  /** The CLI's own global options (`--api-key`, `--profile`); `--json`, `--no-color` and `--verbose` are added. */
  globalOptions: OptionSpec[];
  commands: Spec[];
  /** Called with a leaf command's spec once commander has parsed it. */
  run(spec: Spec, command: Command): Promise<void>;
}

/**
 * A CLI as a commander program: commander parses argv, checks options and arguments, suggests the
 * nearest command or option for a typo at every level, and writes help (`--help`, `help
 * <command...>`). A `completion bash|zsh|fish` command is added. Parse problems reject with a
 * {@link UsageError}; help and `--version` with commander's exit-0 error.
 */
export function buildProgram<Spec extends CommandSpec<never>>(io: CliIo, options: ProgramOptions<Spec>): Command {
  let active: Command | undefined;
  // Commander writes a group's help to stderr before it fails for a missing command; kept here to
  // be printed under the one error line instead.
  let errorHelp = '';
  const track = (_parent: Command, command: Command) => {
    active = command;
  };
  const configure = (command: Command): Command =>
    command
      .configureOutput({
        writeOut: (text) => io.stdout.write(redact(text)),
        writeErr: (text) => {
          errorHelp += redact(text);
        },
        outputError: () => undefined, // the runner reports errors, as one line
        getOutHelpWidth: () => io.stdout.columns || 80,
        getErrHelpWidth: () => io.stderr.columns || 80,
      })
      .configureHelp({
        showGlobalOptions: true,
        // `-h, --max-hours N`: no brackets, long-only flags lined up with the rest.
        optionTerm: (option) => `${option.short ? '' : '    '}${option.flags.replace(/<([^>]+)>/g, '$1')}`,
        subcommandTerm: (sub) => `${sub.name()} ${sub.usage().replace(/ ?\[options\]$/, '')}`.trim(),
      })
      .showSuggestionAfterError(true)
      .exitOverride((error) => {
        if (error.exitCode === 0) throw error; // help or --version was shown
        throw usageError(error, active, options.name, errorHelp);
      });

  const program = configure(new Command(options.name))
    .description(`${options.name} ${options.version}: ${options.description}`)
    .usage('<command> [options]')
    .helpOption('-h, --help', 'Show help')
    .version(options.version, '-V, --version', 'Show the version')
    .helpCommand('help [command...]', 'Show help for a command')
    .addHelpText('after', options.footer)
    .hook('preSubcommand', track);
  for (const option of [
    ...options.globalOptions,
    { flags: '--json', description: 'Print JSON for scripts: one {"command", "data", "meta"} line per result' },
    { flags: '--verbose', description: 'Show each HTTP exchange on stderr (keys redacted)' },
    { flags: '--no-color', description: 'No colours (also NO_COLOR=1)' },
  ])
    program.addOption(new Option(option.flags, option.description));

  const groups = new Map<string, Command>();
  for (const spec of options.commands) {
    const [first, ...rest] = spec.path as [string, ...string[]];
    let parent = program;
    if (rest.length > 0) {
      parent = groups.get(first) ?? addGroup(program, first, options, configure, track);
      groups.set(first, parent);
    }
    addCommand(parent, spec, options.run, configure);
  }
  configure(program.command('completion'))
    .summary('Print a shell completion script')
    .description(
      `Print a completion script for ${SHELLS.join(', ')}.\n\n  bash: source <(${options.name} completion bash)   (or save it under ~/.local/share/bash-completion/completions/${options.name})\n  zsh:  ${options.name} completion zsh > "\${fpath[1]}/_${options.name}"\n  fish: ${options.name} completion fish > ~/.config/fish/completions/${options.name}.fish`,
    )
    .usage('<shell>')
    .argument('<shell>', SHELLS.join(' | '))
    .action((shell: string) => {
      if (!SHELLS.includes(shell as Shell))
        throw new UsageError(`completion needs one of ${SHELLS.join(', ')} (got ${JSON.stringify(shell)}).`);
      io.stdout.write(completionScript(program, shell as Shell));
    });
  return program;
}

/**
 * Parse `argv` with `program`: no words shows the help; `help jobs list` is `jobs list --help`.
 * Rejects as the program does (see {@link buildProgram}).
 */
export async function parseProgram(program: Command, argv: string[]): Promise<void> {
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  let words = argv;
  if (argv[0] === 'help' && argv.length > 1) {
    // `help jobs list` is `jobs list --help`; `help jbos` is parsed as `jbos`, for commander's suggestion.
    let command: Command | undefined = program;
    for (const word of argv.slice(1)) command = command?.commands.find((child) => child.name() === word || child.aliases().includes(word));
    words = command ? [...argv.slice(1), '--help'] : argv.slice(1);
  }
  await program.parseAsync(words, { from: 'user' });
}

function addGroup<Spec extends CommandSpec<never>>(
  program: Command,
  name: string,
  options: ProgramOptions<Spec>,
  configure: (command: Command) => Command,
  track: (parent: Command, command: Command) => void,
): Command {
  const summary = options.groups[name] ?? name;
  return configure(program.command(name))
    .summary(summary)
    .description(`${summary}.`)
    .usage('<command> [options]')
    .helpCommand(false)
    .addHelpText('after', `\nRun \`${options.name} ${name} <command> --help\` for the options and examples of each.\n`)
    .hook('preSubcommand', track);
}

function addCommand<Spec extends CommandSpec<never>>(
  parent: Command,
  spec: Spec,
  run: (spec: Spec, command: Command) => Promise<void>,
  configure: (command: Command) => Command,
): void {
  const name = spec.path.at(-1) as string;
  const command = configure(parent.command(name))
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

/** The words of `command` after the program's name. */
export function commandPath(command: Command | undefined): string[] {
  const path: string[] = [];
  for (let current = command; current?.parent; current = current.parent) path.unshift(current.name());
  return path;
}

/** Commander's failure as one sentence; a missing argument or command names what is needed. */
function usageError(error: CommanderError, command: Command | undefined, program: string, errorHelp: string): UsageError {
  const path = commandPath(command).join(' ');
  if (error.code === 'commander.help') return new UsageError(`\`${path || program}\` needs a command.`, { help: errorHelp });
  if (error.code === 'commander.missingArgument' && command) {
    const needed = command.registeredArguments
      .filter((argument) => argument.required)
      .map((argument) => `<${argument.name()}${argument.variadic ? '...' : ''}>`);
    return new UsageError(`${path} needs ${needed.join(' and ')}.`);
  }
  let message = error.message.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)$/, ' (did you mean $1?)');
  if (error.code === 'commander.unknownCommand')
    message = message.replace(/^unknown command '([^']*)'/, `unknown command '${path ? `${path} ` : ''}$1'`);
  return new UsageError(`${message.charAt(0).toUpperCase()}${message.slice(1).replace(/\.?$/, '.')}`);
}
