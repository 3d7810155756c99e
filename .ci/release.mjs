#!/usr/bin/env node
// `npm run release`: build, then publish what the changesets say. With `--dry-run`, publish nothing:
// print the version each package would get (`changeset status --verbose`) and the files of each
// package tarball (`npm pack --dry-run`).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const run = (command, args, cwd = process.cwd()) => execFileSync(command, args, { cwd, stdio: 'inherit' });

run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']);
if (!process.argv.includes('--dry-run')) {
  run('npx', ['changeset', 'publish']);
  process.exit(0);
}
run('npx', ['changeset', 'status', '--verbose']);
for (const folder of readdirSync('packages')) {
  const directory = join('packages', folder);
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  console.log(`\n${manifest.name}: the tarball that would be published`);
  run('npm', ['pack', '--dry-run', '--loglevel=notice'], directory);
}
console.log('\n--dry-run: nothing was published.');
