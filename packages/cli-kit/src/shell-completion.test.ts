import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { completionScript } from './shell-completion.js';

function program(): Command {
  const root = new Command('tool').option('--json').version('1.0.0');
  const jobs = root.command('jobs');
  jobs.command('list').option('--limit <n>');
  jobs.command('logs').option('--since <time>');
  root.command('auth');
  return root;
}

describe('completionScript', () => {
  it('completes commands, subcommands and flags in a real bash', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'completion-'));
    const script = join(folder, 'tool.bash');
    await writeFile(script, completionScript(program(), 'bash'));
    // Asynchronous, so a slow bash neither blocks the worker nor escapes the timeout; --norc because
    // bash runs ~/.bashrc when its stdin is a socket (as under turbo), which can take seconds.
    const complete = async (...words: string[]) => {
      const line = `source ${script}; COMP_WORDS=(tool ${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length}; _tool_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await promisify(execFile)('bash', ['--norc', '-c', line], { encoding: 'utf8' });
      return stdout.trim().split('\n').sort();
    };
    expect(await complete('')).toEqual(['--help', '--json', '--version', 'auth', 'help', 'jobs']);
    expect(await complete('j')).toEqual(['jobs']);
    expect(await complete('jobs', '')).toEqual(['--help', '--json', 'list', 'logs']);
    expect(await complete('jobs', 'logs', '--s')).toEqual(['--since']);
    expect(await complete('jobs', 'list', '--')).toEqual(['--help', '--json', '--limit']);
    await rm(folder, { recursive: true });
  });

  it('writes zsh and fish scripts naming the same words', () => {
    const zsh = completionScript(program(), 'zsh');
    expect(zsh.startsWith('#compdef tool\n')).toBe(true);
    expect(zsh).toContain(`'jobs logs') words="--json --since --help"`);
    const fish = completionScript(program(), 'fish');
    expect(fish).toContain("complete -c tool -n '__fish_use_subcommand' -a 'jobs auth help'");
    expect(fish).toContain(
      "complete -c tool -n '__fish_seen_subcommand_from jobs; and not __fish_seen_subcommand_from list logs' -a 'list logs'",
    );
    expect(fish).toContain('-l since');
  });
});
