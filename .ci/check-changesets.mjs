#!/usr/bin/env node
// Fails when a publishable package changed since the last release without a pending changeset.
// The last release is the last commit that wrote a package CHANGELOG.md (what `changeset version`
// does); before the first release, it is the root commit. `--self-test` proves the check can fail:
// in a scratch clone it drops every pending changeset and expects this check to refuse the result.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const git = (args, cwd) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function check(cwd) {
  const lastRelease = git(['log', '-1', '--format=%H', '--', 'packages/*/CHANGELOG.md'], cwd);
  const since = lastRelease || git(['rev-list', '--max-parents=0', 'HEAD'], cwd).split('\n').pop();
  const result = spawnSync('npx', ['changeset', 'status', `--since=${since}`], { cwd, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => !line.includes('nodedir'))
    .join('\n');
  return { ok: result.status === 0, since, output };
}

if (process.argv.includes('--self-test')) {
  const scratch = mkdtempSync(join(tmpdir(), 'changeset-check-'));
  try {
    git(['clone', '--quiet', '--no-hardlinks', process.cwd(), scratch]);
    execFileSync('ln', ['-s', join(process.cwd(), 'node_modules'), join(scratch, 'node_modules')]);
    const pending = readdirSync(join(scratch, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
    if (pending.length === 0) throw new Error('self-test needs at least one pending changeset to remove');
    git(['rm', '--quiet', ...pending.map((file) => `.changeset/${file}`)], scratch);
    git(['-c', 'user.name=ci', '-c', 'user.email=ci@localhost', 'commit', '--quiet', '-m', 'drop changesets'], scratch);
    const { ok } = check(scratch);
    if (ok) {
      console.error('changeset check self-test: a tree with package changes and no changesets passed the check');
      process.exit(1);
    }
    console.log(`changeset check self-test: refusing ${pending.length} dropped changeset(s) works`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const { ok, since, output } = check(process.cwd());
if (!ok) {
  console.error(output);
  console.error(`Some packages changed since ${since.slice(0, 7)} without a changeset: run \`npx changeset\` and commit the file.`);
  process.exit(1);
}
console.log(`changesets: every package changed since ${since.slice(0, 7)} has a pending changeset`);
