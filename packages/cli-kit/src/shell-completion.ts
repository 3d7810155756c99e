import type { Command } from 'commander';

/** The shells `completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface Node {
  /** The command's words after the program's name ('' for the program). */
  path: string;
  commands: string[];
  options: string[];
}

function walk(command: Command, prefix: string[], globals: string[]): Node[] {
  const options = [...globals, ...command.options.map((option) => option.long).filter((flag): flag is string => Boolean(flag))];
  const children = command.commands.filter((child) => !(child as Command & { _hidden?: boolean })._hidden);
  const names = children.map((child) => child.name());
  // The program's implicit `help [command...]` is no child command, but completes like one.
  if (prefix.length === 0 && names.length > 0) names.push('help');
  const node: Node = { path: prefix.join(' '), commands: names, options: [...new Set([...options, '--help'])] };
  const inherited = prefix.length === 0 ? options.filter((flag) => flag !== '--version') : globals;
  return [node, ...children.flatMap((child) => walk(child, [...prefix, child.name()], inherited))];
}

/**
 * A completion script for `shell` that completes the commands, subcommands and flags of `program`
 * (the words are written into the script, so completing never runs the CLI). Install it with
 * `source <(middleman completion bash)` or the shell's completion folder.
 */
export function completionScript(program: Command, shell: Shell): string {
  const name = program.name();
  const nodes = walk(program, [], []);
  const id = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (shell === 'fish') {
    const lines = [`# fish completion for ${name}`, `complete -c ${name} -f`];
    for (const node of nodes) {
      const words = node.path ? node.path.split(' ') : [];
      const condition = words.length
        ? `__fish_seen_subcommand_from ${words.at(-1)}; and not __fish_seen_subcommand_from ${node.commands.join(' ') || '__none__'}`
        : '__fish_use_subcommand';
      if (node.commands.length) lines.push(`complete -c ${name} -n '${condition}' -a '${node.commands.join(' ')}'`);
      const longs = node.options.filter((flag) => flag.startsWith('--')).map((flag) => `-l ${flag.slice(2)}`);
      for (const flag of longs) lines.push(`complete -c ${name} -n '${condition}' ${flag}`);
    }
    return `${lines.join('\n')}\n`;
  }
  const cases = nodes.map((node) => `    '${node.path}') words="${[...node.commands, ...node.options].join(' ')}" ;;`).join('\n');
  const table = `_${id}_words() {\n  local words=""\n  case "$1" in\n${cases}\n  esac\n  printf '%s' "$words"\n}`;
  // Walk the typed words, keeping the longest prefix that is a known command path.
  const known = nodes
    .filter((node) => node.path)
    .map((node) => `'${node.path}'`)
    .join(' | ');
  const resolve = `_${id}_path() {\n  local path="" word candidate\n  for word in "$@"; do\n    candidate="\${path:+$path }$word"\n    case "$candidate" in\n      ${known}) path="$candidate" ;;\n    esac\n  done\n  printf '%s' "$path"\n}`;
  if (shell === 'bash') {
    return `# bash completion for ${name}\n${table}\n${resolve}\n_${id}_complete() {\n  local current="\${COMP_WORDS[COMP_CWORD]}"\n  local path\n  path="$(_${id}_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"\n  COMPREPLY=( $(compgen -W "$(_${id}_words "$path")" -- "$current") )\n}\ncomplete -F _${id}_complete ${name}\n`;
  }
  return `#compdef ${name}\n# zsh completion for ${name}\n${table}\n${resolve}\n_${id}_complete() {\n  local path\n  path="$(_${id}_path "\${(@)words[2,CURRENT-1]}")"\n  local -a candidates\n  candidates=(\${=$(_${id}_words "$path")})\n  compadd -- $candidates\n}\ncompdef _${id}_complete ${name}\n`;
}
