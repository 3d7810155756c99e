import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCodegenConfig } from './codegen-config.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'codegen-config-'));
  await mkdir(path.join(root, 'tools', 'codegen'), { recursive: true });
});

afterAll(() => rm(root, { recursive: true, force: true }));

async function load(config: unknown): Promise<Awaited<ReturnType<typeof loadCodegenConfig>>> {
  const file = path.join(root, 'tools', 'codegen', 'codegen.config.json');
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
  return loadCodegenConfig(file);
}

describe('loadCodegenConfig', () => {
  it('resolves the root two levels up and normalizes the paths', async () => {
    const config = await load({ specs: [{ name: 'tinker', spec: './specs/tinker.yaml', output: 'a/../b/t.ts' }] });
    expect(config).toEqual({ root, specs: [{ name: 'tinker', spec: 'specs/tinker.yaml', output: 'b/t.ts' }] });
  });

  it.each([
    ['{', /is not valid JSON/],
    [{ spec: [] }, /expected \{ "specs": \[ \.\.\. \] \}/],
    [{ specs: [{ name: 'a', spec: 's.yaml' }] }, /specs\[0\]\.output must be a non-empty string/],
    [{ specs: [{ name: 'a', spec: 's.yaml', output: 'o.ts', extra: 1 }] }, /unknown key 'extra'/],
    [{ specs: [{ name: 'A b', spec: 's.yaml', output: 'o.ts' }] }, /name 'A b' must be lower-case/],
    [{ specs: [{ name: 'a', spec: '/etc/s.yaml', output: 'o.ts' }] }, /spec must be a relative path inside/],
    [{ specs: [{ name: 'a', spec: 's.yaml', output: 'o.js' }] }, /output must be a \.ts file/],
    [
      {
        specs: [
          { name: 'a', spec: 's.yaml', output: 'o.ts' },
          { name: 'a', spec: 't.yaml', output: 'p.ts' },
        ],
      },
      /two entries share the name 'a'/,
    ],
  ])('rejects %j', async (config, message) => {
    await expect(load(config)).rejects.toThrow(message);
  });
});
