#!/usr/bin/env node
// proto/tinker_public.proto → src/generated/tinker_public_pb.ts, through buf and protoc-gen-es
// (both devDependencies; see buf.gen.yaml). With --check, generate into a scratch folder instead
// and exit 1 if the committed file differs, as `trainwire-codegen --check` does for the specs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = 'src/generated/tinker_public_pb.ts';
const check = process.argv.includes('--check');
const scratch = check ? mkdtempSync(join(tmpdir(), 'tinker-proto-')) : undefined;

const run = spawnSync('buf', ['generate', '--template', 'buf.gen.yaml', ...(scratch ? ['--output', scratch] : [])], {
  cwd: root,
  stdio: 'inherit',
});
if (run.status !== 0) {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`buf generate failed (${run.error?.message ?? `exit ${run.status}`})\n`);
  process.exit(1);
}
if (scratch) {
  const fresh = readFileSync(join(scratch, output), 'utf8');
  rmSync(scratch, { recursive: true, force: true });
  if (fresh !== readFileSync(join(root, output), 'utf8')) {
    process.stderr.write(`${output} is out of date with proto/tinker_public.proto: run npm run generate in packages/tinker\n`);
    process.exit(1);
  }
}
