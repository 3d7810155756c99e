import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from './workspace.js';

const SPEC = 'specs/valid-service.yaml';
const OUTPUT = 'packages/valid/src/generated/valid.ts';
const OUT_OF_DATE = `out of date: ${OUTPUT} (from ${SPEC}) — run npm run generate`;

let workspace: Workspace;
let spec: string;
let generated: string;

beforeAll(async () => {
  workspace = await createWorkspace([{ name: 'valid', fixture: 'valid-service.yaml', output: OUTPUT }]);
  expect((await workspace.run()).code).toBe(0);
  spec = await workspace.read(SPEC);
  generated = await workspace.read(OUTPUT);
});

afterAll(() => workspace.remove());

/** Changes one file for the duration of `body`, then puts it back. */
async function withChange(relative: string, content: string, body: () => Promise<void>): Promise<void> {
  const original = await workspace.read(relative);
  await workspace.write(relative, content);
  try {
    await body();
  } finally {
    await workspace.write(relative, original);
  }
}

describe('--check', () => {
  it('passes right after generating, with a one-line summary, and writes nothing', async () => {
    const before = await stat(path.join(workspace.root, OUTPUT));
    const result = await workspace.run('--check');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('trainwire-codegen --check: 1 spec, all outputs up to date\n');
    expect((await stat(path.join(workspace.root, OUTPUT))).mtimeMs).toBe(before.mtimeMs);
  });

  it('fails naming the output after the spec changes, and leaves the output alone', async () => {
    await withChange(SPEC, spec.replace('version: 2.3.4', 'version: 2.4.0'), async () => {
      const result = await workspace.run('--check');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(OUT_OF_DATE);
      expect(await workspace.read(OUTPUT)).toBe(generated);
    });
  });

  it('fails after the output is edited by hand', async () => {
    await withChange(OUTPUT, generated.replace("title: 'Valid Service'", "title: 'Edited'"), async () => {
      const result = await workspace.run('--check');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(OUT_OF_DATE);
    });
  });

  it('fails when the output is missing, without creating it', async () => {
    await rm(path.join(workspace.root, OUTPUT));
    try {
      const result = await workspace.run('--check');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(OUT_OF_DATE);
      await expect(readFile(path.join(workspace.root, OUTPUT))).rejects.toThrow(/ENOENT/);
    } finally {
      await workspace.write(OUTPUT, generated);
    }
  });
});
